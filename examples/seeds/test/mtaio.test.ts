// Every code block of the mtaio.monitoring reference (seeds 000–002), run as written in
// examples/seeds/src/mtaio/.
import { main as applicationMonitor } from '../src/mtaio/application-monitor';
import { main as cleanup } from '../src/mtaio/cleanup';
import { main as optimizedMonitor } from '../src/mtaio/optimized-monitor';
import { main as performanceProfiler } from '../src/mtaio/performance-profiler';
import { main as profilerBasic } from '../src/mtaio/profiler';
import { main as resourceMonitorBasic } from '../src/mtaio/resource-monitor';
import { main as systemStats } from '../src/mtaio/system-stats';
import { main as taskMonitor } from '../src/mtaio/task-monitor';
import { main as thresholdConfiguration } from '../src/mtaio/threshold-configuration';
import { main as webAppMonitor } from '../src/mtaio/web-app-monitor';

jest.setTimeout(30_000);

function captureLog(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  });
  return { lines, restore: () => spy.mockRestore() };
}

describe('mtaio.monitoring seed snippets', () => {
  it('ResourceMonitor basic usage: 1 s interval, thresholds, the handler prints the alert', async () => {
    const log = captureLog();
    const monitor = await resourceMonitorBasic();
    try {
      expect(monitor.intervalMillis).toBe(1000);
      expect(monitor.isRunning).toBe(true);
      expect(monitor.getThresholds().map((t) => [t.key, t.critical ?? t.warning])).toEqual([
        ['cpu_usage', 80],
        ['memory_usage', 90],
      ]);
      // cross one threshold for real: the handler the snippet subscribed prints the seed's line
      monitor.setThreshold('memory_usage', 0.001);
      await monitor.sampleNow();
      await monitor.flushAlerts();
      expect(
        log.lines.some((l) => /^Alert: memory_usage exceeded threshold \([\d.]+ > 0\.001\)$/.test(l)),
      ).toBe(true);
    } finally {
      log.restore();
      await monitor.shutdown();
    }
  });

  it('SystemStats: cpu / memory / io with the seed fields, timestamp in explicit milliseconds', async () => {
    const log = captureLog();
    const stats = await systemStats().finally(() => log.restore());
    expect(Math.abs(stats.timestampMillis - Date.now())).toBeLessThan(10_000);
    expect(stats.cpu.loadAverage).toHaveLength(3);
    expect(stats.cpu.threadCount).toBeGreaterThan(0);
    expect(stats.memory.total).toBeGreaterThan(stats.memory.available);
    expect(stats.memory.used).toBeGreaterThan(0);
    expect(stats.memory.percent).toBeGreaterThan(0);
    for (const k of ['readBytes', 'writeBytes', 'readCount', 'writeCount'] as const)
      expect(stats.io[k]).toBeGreaterThanOrEqual(0);
    expect(log.lines[0]).toMatch(/"timestamp":\d{10}\.\d*/); // seconds, as mtaio prints them
  });

  it('Profiler basic usage: @profiler.trace and traceContext, total time printed in seconds', async () => {
    const log = captureLog();
    const profile = await profilerBasic().finally(() => log.restore());
    expect(profile.traces.map((t) => t.name)).toEqual(['Operations.monitoredFunction', 'operation']);
    expect(profile.totalTimeMillis).toBeGreaterThanOrEqual(45);
    expect(log.lines).toEqual([`Total execution time: ${(profile.totalTimeMillis / 1000).toFixed(2)}s`]);
    expect(log.lines[0]).toMatch(/^Total execution time: 0\.\d\ds$/);
  });

  it('ApplicationMonitor: a custom-metrics loop that alerts on a high error count', async () => {
    const monitor = await applicationMonitor();
    try {
      const manual = monitor.getAlertHistory().filter((a) => a.source === 'manual');
      expect(manual.length).toBeGreaterThanOrEqual(1);
      expect(manual[0]).toMatchObject({ message: 'High error rate detected', level: 'warning' });
    } finally {
      await monitor.shutdown();
    }
  });

  it('PerformanceProfiler: nested traces with metadata and stack traces', async () => {
    const { operations, slowestMillis, profile } = await performanceProfiler();
    expect(operations).toBe(1); // memory_usage ended; the outer `operation` is still open
    expect(profile.traces[0]).toMatchObject({ name: 'memory_usage', metadata: { type: 'memory' } });
    expect(profile.traces[0]!.stackTrace).toEqual(expect.any(String));
    expect(slowestMillis).toBeGreaterThanOrEqual(8);
  });

  it('WebAppMonitor: request_duration in seconds and request_error recorded, error passed through', async () => {
    const app = await webAppMonitor();
    try {
      const durations = app.monitor.getHistory({ metric: 'request_duration' });
      expect(durations).toHaveLength(1);
      expect(durations[0]!.value).toBeGreaterThan(0.003);
      expect(durations[0]!.value).toBeLessThan(5);
      expect(app.monitor.getHistory({ metric: 'request_error' }).map((p) => p.value)).toEqual([1]);
      const traces = (await app.profiler.getProfile()).traces;
      expect(traces.map((t) => [t.name, t.error])).toEqual([
        ['http_request', false],
        ['http_request', true],
      ]);
    } finally {
      await app.monitor.shutdown();
    }
  });

  it('TaskMonitor: recordMetrics per round, the handler notifies the admin', async () => {
    const log = captureLog();
    const tasks = await taskMonitor().finally(() => log.restore());
    try {
      expect(tasks.monitor.getHistory({ metric: 'task_memory' })).toHaveLength(1);
      expect(tasks.monitor.getHistory({ metric: 'task_cpu' })).toHaveLength(1);
      expect(tasks.notified).toEqual(['Task nightly-report task_memory exceeded threshold']);
    } finally {
      await tasks.monitor.shutdown();
    }
  });

  it('cleanup pattern: running inside, stopped after', async () => {
    expect(await cleanup()).toEqual({ runningInside: true, runningAfter: false });
  });

  it('threshold configuration: the four thresholds', async () => {
    const monitor = await thresholdConfiguration();
    expect(Object.fromEntries(monitor.getThresholds().map((t) => [t.key, t.critical ?? t.warning]))).toEqual({
      cpu_usage: 80,
      memory_usage: 90,
      error_rate: 5,
      response_time: 1,
    });
    await monitor.shutdown();
  });

  it('OptimizedMonitor: 5 s interval, a 1 s cache in front of collection', async () => {
    const { first, second, collections } = await optimizedMonitor();
    expect(first).toBeGreaterThan(0);
    expect(second).toBe(first);
    expect(collections).toBe(1);
  });
});
