import { ConfigError } from '@otelkit/config';
import { BUILTIN_METRICS } from '../src/collectors/builtin-metrics';
import { SampleHistory } from '../src/internal/sample-history';
import { ResourceMonitor } from '../src/resource-monitor';
import { collectEvents, sleep, waitFor } from './helpers';

describe('ResourceMonitor', () => {
  it('runs the documented snippet', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => {
      lines.push(line);
    });
    // --- the snippet, verbatim ---
    const monitor = new ResourceMonitor({ interval: 1, historySize: 3600 }); // seconds, samples
    monitor.onThresholdExceeded(async (metric, value, threshold) => {
      console.log(`Alert: ${metric} exceeded threshold (${value} > ${threshold})`);
    });
    monitor.setThreshold('cpu_usage', 80.0);
    monitor.setThreshold('memory_usage', 90.0);
    await monitor.start();
    const stats = await monitor.getCurrentStats();
    await monitor.stop();
    // ---
    await monitor.flushAlerts();
    spy.mockRestore();
    expect(monitor.intervalMillis).toBe(1000);
    expect(monitor.historySize).toBe(3600);
    expect(stats.timestampMillis).toBeGreaterThan(Date.now() - 60_000);
    expect(stats.cpu.usagePercent).toBeGreaterThanOrEqual(0);
    expect(stats.cpu.usagePercent).toBeLessThanOrEqual(100);
    expect(stats.cpu.loadAverage).toHaveLength(3);
    expect(stats.cpu.threadCount).toBeGreaterThan(0);
    expect(stats.memory.total).toBeGreaterThan(stats.memory.used);
    expect(stats.memory.percent).toBeCloseTo((stats.memory.used / stats.memory.total) * 100, 1);
    expect(stats.process.rss).toBeGreaterThan(0);
    expect(stats.process.openFds).toBeGreaterThan(0);
    expect(stats.process.activeHandles).toBeGreaterThanOrEqual(0);
    // the first sample is due one interval after start(): none was taken yet
    expect(monitor.getHistory()).toHaveLength(0);
    expect(monitor.isRunning).toBe(false);
    // every line the handler wrote reports a real crossing of one of the two thresholds
    for (const line of lines) expect(line).toMatch(/^Alert: (cpu_usage|memory_usage) exceeded threshold/);
  });

  it('start() and stop() are idempotent and the sampling timer is unref()ed', async () => {
    const monitor = new ResourceMonitor({ intervalMillis: 30 });
    const started = Date.now();
    await Promise.all([monitor.start(), monitor.start()]);
    await monitor.start();
    const timer = (monitor as unknown as { _timer: NodeJS.Timeout })._timer;
    expect(timer.hasRef()).toBe(false);
    await waitFor(() => monitor.getCounters().samples >= 3, 10_000);
    await sleep(100);
    // one timer chain, not two: about one sample per interval
    expect(monitor.getCounters().samples).toBeLessThan(Math.ceil((Date.now() - started) / 30) + 2);
    await Promise.all([monitor.stop(), monitor.stop()]);
    const after = monitor.getCounters().samples;
    await sleep(150);
    expect(monitor.getCounters().samples).toBe(after);
    await monitor.start();
    expect(monitor.isRunning).toBe(true);
    await monitor.shutdown();
    await monitor.shutdown();
    expect(monitor.isRunning).toBe(false);
  });

  it('history never exceeds historySize, for samples and application metrics', async () => {
    const monitor = new ResourceMonitor({ intervalMillis: 10, historySize: 5 });
    await monitor.start();
    await waitFor(() => monitor.getCounters().samples >= 12, 20_000);
    await monitor.stop();
    for (let i = 0; i < 100; i++) monitor.recordMetric('response_time', i);
    expect(monitor.getHistory()).toHaveLength(5);
    expect(monitor.getHistory({ metric: 'cpu_usage' })).toHaveLength(5);
    const points = monitor.getHistory({ metric: 'response_time' });
    expect(points.map((p) => p.value)).toEqual([95, 96, 97, 98, 99]);
    // oldest first, and `since` filters
    const samples = monitor.getHistory();
    expect(samples.map((s) => s.timestampMillis)).toEqual(
      [...samples.map((s) => s.timestampMillis)].sort((a, b) => a - b),
    );
    expect(monitor.getHistory({ since: samples[3]!.timestampMillis })).toHaveLength(2);
  });

  it('a full history of 3 600 samples holds about 1 MB (34 columns + timestamp, 8 bytes each)', () => {
    const history = new SampleHistory(3600);
    const monitor = new ResourceMonitor({ interval: 1 });
    const sample = (monitor as unknown as { _collector: { sample(c: boolean): never } })._collector.sample(
      true,
    );
    for (let i = 0; i < 10_000; i++) history.push({ ...(sample as object), timestampMillis: i } as never);
    expect(history.size).toBe(3600);
    expect(history.byteLength).toBe(3600 * (BUILTIN_METRICS.length + 1) * 8);
    expect(history.byteLength).toBeLessThan(1.1 * 1024 * 1024);
    // what comes back out is what went in
    const last = history.samplesSince(9999)[0]!;
    expect(last).toEqual({ ...(sample as object), timestampMillis: 9999 });
  });

  it('stats(metric, window) gives min/avg/max/p95 over the window only', () => {
    const monitor = new ResourceMonitor({ interval: 1, historySize: 1000 });
    const now = Date.now();
    for (let i = 1; i <= 100; i++) monitor.recordMetric('latency', i, { timestamp: now - (100 - i) * 1000 });
    expect(monitor.stats('latency')).toEqual({ count: 100, min: 1, avg: 50.5, max: 100, p95: 95, last: 100 });
    const lastMinute = monitor.stats('latency', '1m');
    expect(lastMinute.min).toBeGreaterThanOrEqual(40);
    expect(lastMinute.max).toBe(100);
    expect(monitor.stats('unknown_metric').count).toBe(0);
  });

  it('a subclass adds its own metrics through collect(), and thresholds treat them like built-ins', async () => {
    class ApplicationMonitor extends ResourceMonitor {
      queue: number[] = [];
      protected override async collect(): Promise<Record<string, number>> {
        return { queue_depth: this.queue.length, task_memory: 42 };
      }
    }
    const monitor = new ApplicationMonitor({ intervalMillis: 20 });
    const events = collectEvents(monitor);
    monitor.setThreshold('queue_depth', { warning: 3 });
    await monitor.start();
    await waitFor(() => monitor.getHistory({ metric: 'queue_depth' }).length >= 2, 10_000);
    monitor.queue.push(1, 2, 3, 4, 5);
    await waitFor(() => events.length === 1, 10_000);
    await monitor.shutdown();
    expect(events[0]).toMatchObject({ alert: 'queue_depth', state: 'firing', value: 5 });
    expect(monitor.stats('task_memory').last).toBe(42);
    expect(monitor.metricNames()).toEqual(
      expect.arrayContaining(['cpu_usage', 'queue_depth', 'task_memory']),
    );
  });

  it('an application monitor with its own loop feeds metrics, and metric listeners see every value', async () => {
    class ApplicationMonitor extends ResourceMonitor {
      private _loop: NodeJS.Timeout | undefined;
      override async start() {
        await super.start();
        let n = 0;
        this._loop = setInterval(() => this.recordMetrics({ error_rate: n++ % 2, response_time: 0.1 }), 10);
        this._loop.unref();
      }
      override async stop() {
        clearInterval(this._loop);
        await super.stop();
      }
    }
    const monitor = new ApplicationMonitor({ intervalMillis: 30 });
    const seen = new Map<string, number>();
    const unsubscribe = monitor.addMetricListener((metric) => seen.set(metric, (seen.get(metric) ?? 0) + 1));
    monitor.addMetricListener(() => {
      throw new Error('listener bug');
    });
    await monitor.start();
    await waitFor(() => (seen.get('cpu_usage') ?? 0) >= 2 && (seen.get('error_rate') ?? 0) >= 5, 10_000);
    unsubscribe();
    await monitor.shutdown();
    expect(seen.get('response_time')).toBe(seen.get('error_rate'));
    expect([...seen.keys()]).toEqual(
      expect.arrayContaining(['cpu_usage', 'open_fds', 'gc_count', 'error_rate']),
    );
    expect(monitor.getCounters().collectErrors).toBeGreaterThan(0); // the throwing listener, counted
    expect(monitor.getCounters().samples).toBeGreaterThanOrEqual(2);
  });

  it('throwing, hanging and slow handlers never stop sampling; failures are counted', async () => {
    const monitor = new ResourceMonitor({
      intervalMillis: 20,
      maxConcurrentHandlers: 2,
      handlerTimeoutMillis: 100,
    });
    let calls = 0;
    monitor.onAlert(() => {
      calls++;
      throw new Error('boom');
    });
    monitor.onAlert(() => new Promise<void>(() => {})); // never settles
    monitor.onAlert(() => new Promise<void>((r) => setTimeout(r, 10_000).unref())); // slow
    monitor.setThreshold('open_fds', 0); // fires on the first sample
    monitor.setThreshold('x', 1);
    await monitor.start();
    for (let i = 0; i < 20; i++) monitor.recordMetric('x', i % 2 === 0 ? 5 : 0); // 20 events
    const before = monitor.getCounters().samples;
    await waitFor(() => monitor.getCounters().samples >= before + 5, 10_000);
    await waitFor(() => monitor.getCounters().handlerTimeouts > 0, 10_000);
    await monitor.shutdown();
    const c = monitor.getCounters();
    expect(calls).toBeGreaterThan(0);
    expect(c.handlerErrors).toBe(calls);
    expect(c.handlerTimeouts).toBeGreaterThan(0);
  });

  it('drops and counts handler calls past maxPendingHandlerCalls', async () => {
    const monitor = new ResourceMonitor({
      interval: 60,
      maxConcurrentHandlers: 1,
      maxPendingHandlerCalls: 3,
      handlerTimeoutMillis: 50,
    });
    monitor.onAlert(() => new Promise<void>(() => {}));
    for (let i = 0; i < 10; i++) monitor.alert(`a${i}`);
    // 1 running + 3 queued; 6 dropped
    expect(monitor.getCounters().handlerCallsDropped).toBe(6);
    await monitor.shutdown();
  });

  it('a throwing or hanging collect() is counted and sampling continues', async () => {
    class Flaky extends ResourceMonitor {
      n = 0;
      protected override collect(): Promise<Record<string, number>> {
        this.n++;
        if (this.n === 1) return Promise.reject(new Error('collector down'));
        if (this.n === 2) return new Promise(() => {});
        return Promise.resolve({ ok: 1 });
      }
    }
    const monitor = new Flaky({ intervalMillis: 20, collectTimeoutMillis: 50 });
    await monitor.start();
    await waitFor(() => monitor.getCounters().samples >= 8, 10_000);
    await monitor.shutdown();
    const c = monitor.getCounters();
    // 1 rejection + 1 timeout (+ skipped ticks while the hung collect() is still outstanding)
    expect(c.collectErrors).toBeGreaterThanOrEqual(2);
    expect(monitor.n).toBe(2); // the hung collect() is never started twice
  });

  it('ignores invalid recorded values instead of throwing and bounds the number of series', () => {
    const monitor = new ResourceMonitor({ interval: 1, maxMetrics: 3 });
    expect(() => monitor.recordMetric('', 1)).not.toThrow();
    expect(() => monitor.recordMetric('x', Number.NaN)).not.toThrow();
    expect(() => monitor.recordMetric('cpu_usage', 1)).not.toThrow(); // built-in names are reserved
    expect(monitor.getHistory({ metric: 'x' })).toHaveLength(0);
    for (let i = 0; i < 10; i++) monitor.recordMetric(`m${i}`, i);
    expect(monitor.getCounters().metricsDropped).toBe(7);
  });

  it('validates options with errors naming the field', () => {
    // the sampling options go through the config's resources slice: its checks and text
    expect(() => new ResourceMonitor({ interval: 0 })).toThrow(ConfigError);
    expect(() => new ResourceMonitor({ interval: 0 })).toThrow(
      'resources.interval: expected at least 10ms, got 0',
    );
    expect(() => new ResourceMonitor({ intervalMillis: 5 })).toThrow(
      /resources\.intervalMillis: expected at least 10ms, got 5/,
    );
    expect(() => new ResourceMonitor({ historySize: 1.5 })).toThrow(
      /resources\.historySize: expected a whole number, got 1\.5/,
    );
    expect(() => new ResourceMonitor({ containerAware: 'yes' as never })).toThrow(
      /resources\.containerAware: expected true or false, got "yes"/,
    );
    expect(() => new ResourceMonitor({ logger: { info() {} } as never })).toThrow(
      /options\.logger\.warn must be a function/,
    );
    expect(() => new ResourceMonitor({ webhooks: [{ url: 'ftp://x' }] })).toThrow(
      /options\.webhooks\[0\]\.url must use http: or https:/,
    );
    expect(() => new ResourceMonitor({ interval: 2, intervalMillis: 500 })).toThrow(
      'resources.interval: give either interval or intervalMillis, not both',
    );
    expect(new ResourceMonitor({ intervalMillis: 500 }).intervalMillis).toBe(500);
    expect(new ResourceMonitor({ interval: 2 }).intervalMillis).toBe(2000);
  });
});
