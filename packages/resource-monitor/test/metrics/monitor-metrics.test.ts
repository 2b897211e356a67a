import { DataPointType, MeterProvider, type MetricData, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  ATTR_CPU_LOGICAL_NUMBER,
  ATTR_CPU_MODE,
  ATTR_DISK_IO_DIRECTION,
  ATTR_V8JS_GC_TYPE,
  ATTR_V8JS_HEAP_SPACE_NAME,
  ATTR_V8JS_RESOURCE_TYPE,
  METRIC_NODEJS_EVENTLOOP_DELAY_MAX,
  METRIC_NODEJS_EVENTLOOP_DELAY_P50,
  METRIC_NODEJS_EVENTLOOP_DELAY_P99,
  METRIC_NODEJS_EVENTLOOP_UTILIZATION,
  METRIC_PROCESS_CPU_TIME,
  METRIC_PROCESS_CPU_UTILIZATION,
  METRIC_PROCESS_DISK_IO,
  METRIC_PROCESS_DISK_OPERATIONS,
  METRIC_PROCESS_MEMORY_USAGE,
  METRIC_PROCESS_THREAD_COUNT,
  METRIC_PROCESS_UNIX_FILE_DESCRIPTOR_COUNT,
  METRIC_SYSTEM_CPU_UTILIZATION,
  METRIC_SYSTEM_MEMORY_USAGE,
  METRIC_SYSTEM_MEMORY_UTILIZATION,
  METRIC_V8JS_GC_DURATION,
  METRIC_V8JS_MEMORY_HEAP_LIMIT,
  METRIC_V8JS_MEMORY_HEAP_SPACE_SIZE,
  METRIC_V8JS_MEMORY_HEAP_USED,
  METRIC_V8JS_RESOURCE_ACTIVE,
} from '@opentelemetry/semantic-conventions/incubating';
import { loadConfig } from '@otelkit/config';
import { createResourceMonitor } from '../../src/create-resource-monitor';
import * as local from '../../src/metrics/semconv';
import { ResourceMonitor } from '../../src/resource-monitor';
import { waitFor } from '../helpers';

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

async function collect(reader: TestReader): Promise<Map<string, MetricData>> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const out = new Map<string, MetricData>();
  for (const scope of resourceMetrics.scopeMetrics)
    for (const m of scope.metrics) out.set(m.descriptor.name, m);
  return out;
}

function points(m: MetricData | undefined): Array<{ attributes: Record<string, unknown>; value: unknown }> {
  if (!m) return [];
  return m.dataPoints.map((p) => ({ attributes: p.attributes as Record<string, unknown>, value: p.value }));
}

describe('OpenTelemetry metrics', () => {
  let reader: TestReader;
  let provider: MeterProvider;
  let monitor: ResourceMonitor;

  beforeEach(() => {
    reader = new TestReader();
    provider = new MeterProvider({ readers: [reader] });
  });
  afterEach(async () => {
    await monitor?.shutdown();
    await provider.shutdown();
  });

  it('publishes host metrics (system.* / process.*) through @opentelemetry/host-metrics', async () => {
    monitor = new ResourceMonitor({ intervalMillis: 50, meterProvider: provider });
    const metrics = await collect(reader);
    for (const name of [
      'system.cpu.utilization',
      'system.memory.usage',
      'process.cpu.utilization',
      'process.memory.usage',
    ]) {
      expect(metrics.has(name)).toBe(true);
    }
    const used = points(metrics.get('system.memory.usage')).find(
      (p) => p.attributes['system.memory.state'] === 'used',
    );
    expect(used?.value).toBeGreaterThan(0);
    expect(points(metrics.get('process.memory.usage'))[0]?.value).toBeGreaterThan(0);
  });

  it("speaks current semconv: cpu.mode and cpu.logical_number (host-metrics' deprecated *.cpu.state translated), units set", async () => {
    monitor = new ResourceMonitor({ intervalMillis: 50, meterProvider: provider });
    const metrics = await collect(reader);
    const cpu = points(metrics.get(METRIC_SYSTEM_CPU_UTILIZATION));
    expect(cpu.length).toBeGreaterThan(0);
    expect(new Set(cpu.map((p) => p.attributes[ATTR_CPU_MODE]))).toEqual(
      new Set(['user', 'system', 'idle', 'interrupt', 'nice']),
    );
    expect(cpu.every((p) => typeof p.attributes[ATTR_CPU_LOGICAL_NUMBER] === 'number')).toBe(true);
    const proc = points(metrics.get(METRIC_PROCESS_CPU_TIME));
    expect(new Set(proc.map((p) => p.attributes[ATTR_CPU_MODE]))).toEqual(new Set(['user', 'system']));
    for (const p of [...cpu, ...proc])
      for (const deprecated of ['system.cpu.state', 'process.cpu.state', 'system.cpu.logical_number'])
        expect(p.attributes).not.toHaveProperty([deprecated]);
    expect(
      Object.fromEntries(
        [
          METRIC_SYSTEM_CPU_UTILIZATION,
          METRIC_SYSTEM_MEMORY_USAGE,
          METRIC_SYSTEM_MEMORY_UTILIZATION,
          METRIC_PROCESS_CPU_UTILIZATION,
          METRIC_PROCESS_MEMORY_USAGE,
          METRIC_PROCESS_CPU_TIME,
        ].map((n) => [n, metrics.get(n)?.descriptor.unit]),
      ),
    ).toEqual({
      [METRIC_SYSTEM_CPU_UTILIZATION]: '1',
      [METRIC_SYSTEM_MEMORY_USAGE]: 'By',
      [METRIC_SYSTEM_MEMORY_UTILIZATION]: '1',
      [METRIC_PROCESS_CPU_UTILIZATION]: '1',
      [METRIC_PROCESS_MEMORY_USAGE]: 'By',
      [METRIC_PROCESS_CPU_TIME]: 's',
    });
  });

  it('stops observing host metrics at shutdown (HostMetrics itself cannot unregister)', async () => {
    monitor = new ResourceMonitor({ intervalMillis: 50, meterProvider: provider });
    const cpuTime = async () => JSON.stringify(points((await collect(reader)).get('process.cpu.time')));
    const burn = async () => {
      const end = Date.now() + 30;
      while (Date.now() < end);
      await new Promise((r) => setTimeout(r, 20));
    };
    // Observed at every collection while running...
    const first = await cpuTime();
    await burn();
    expect(await cpuTime()).not.toBe(first);
    // ...and no longer after shutdown: the SDK keeps the last cumulative points, unchanged.
    await monitor.shutdown();
    const frozen = await cpuTime();
    await burn();
    expect(await cpuTime()).toBe(frozen);
  });

  it('publishes runtime metrics read lazily from the latest sample', async () => {
    monitor = new ResourceMonitor({ intervalMillis: 50, meterProvider: provider, hostMetricGroups: false });
    // before any sample: only the always-readable heap metrics and counters
    let metrics = await collect(reader);
    expect(metrics.has('system.cpu.utilization')).toBe(false);
    expect(points(metrics.get('nodejs.eventloop.delay.p99'))).toEqual([]);
    expect(points(metrics.get('v8js.memory.heap.used')).length).toBeGreaterThan(3);
    await monitor.start();
    await waitFor(() => monitor.getCounters().samples >= 2, 10_000);
    metrics = await collect(reader);
    const s = monitor.getLatestStats()!;
    expect(points(metrics.get('nodejs.eventloop.utilization'))[0]?.value).toBe(
      s.process.eventLoopUtilization,
    );
    expect(points(metrics.get('nodejs.eventloop.delay.p99'))[0]?.value).toBeCloseTo(
      s.process.eventLoopDelay.p99 / 1000,
      9,
    );
    expect(metrics.get('nodejs.eventloop.delay.p99')?.descriptor.unit).toBe('s');
    expect(points(metrics.get('process.unix.file_descriptor.count'))[0]?.value).toBe(s.process.openFds);
    expect(points(metrics.get('process.thread.count'))[0]?.value).toBe(s.cpu.threadCount);
    expect(points(metrics.get('otelkit.cpu.utilization'))).toEqual([
      { attributes: { 'otelkit.view': 'host' }, value: s.cpu.hostUsagePercent / 100 },
    ]);
    expect(points(metrics.get('otelkit.monitor.samples'))[0]?.value).toBeGreaterThanOrEqual(2);
    expect(
      points(metrics.get('process.disk.operations'))
        .map((p) => p.attributes['disk.io.direction'])
        .sort(),
    ).toEqual(['read', 'write']);
  });

  it('records GC pauses in the v8js.gc.duration histogram', async () => {
    monitor = new ResourceMonitor({ intervalMillis: 1000, meterProvider: provider, hostMetricGroups: false });
    await monitor.start();
    // Whether and when V8 collects is its own choice (and GC entries are delivered
    // asynchronously): allocate garbage until a collection is recorded, for at most 20 s.
    const deadline = Date.now() + 20_000;
    let gc: MetricData | undefined;
    const recorded = (m: MetricData | undefined): number =>
      m ? m.dataPoints.reduce((n, p) => n + ((p.value as { count?: number }).count ?? 0), 0) : 0;
    while (recorded(gc) === 0 && Date.now() < deadline) {
      let junk: number[][] = [];
      for (let i = 0; i < 300; i++) junk.push(new Array(10_000).fill(i));
      junk = [];
      expect(junk).toHaveLength(0);
      await new Promise((r) => setTimeout(r, 100));
      gc = (await collect(reader)).get('v8js.gc.duration');
    }
    expect(gc?.dataPointType).toBe(DataPointType.HISTOGRAM);
    const count = gc!.dataPoints.reduce((n, p) => n + (p.value as { count: number }).count, 0);
    expect(count).toBeGreaterThan(0);
  });

  it('exposes alert state as otelkit.alert.state{alert, level}, 1 while firing and 0 after', async () => {
    monitor = new ResourceMonitor({ interval: 60, meterProvider: provider, hostMetricGroups: false });
    monitor.setThreshold('error_rate', { warning: 0.01, critical: 0.05 });
    monitor.addAlertRule({ name: 'SlowRequests', condition: 'p95(response_time) > 1', severity: 'critical' });
    const state = async () =>
      points((await collect(reader)).get('otelkit.alert.state'))
        .map((p) => `${p.attributes.alert}/${p.attributes.level}=${p.value}`)
        .sort();
    expect(await state()).toEqual([
      'SlowRequests/critical=0',
      'error_rate/critical=0',
      'error_rate/warning=0',
    ]);
    monitor.recordMetric('error_rate', 0.1);
    monitor.recordMetric('response_time', 3);
    monitor.evaluateRules();
    expect(await state()).toEqual([
      'SlowRequests/critical=1',
      'error_rate/critical=1',
      'error_rate/warning=0',
    ]);
    monitor.recordMetric('error_rate', 0);
    expect(await state()).toEqual([
      'SlowRequests/critical=1',
      'error_rate/critical=0',
      'error_rate/warning=0',
    ]);
    // application metrics are visible too
    const app = points((await collect(reader)).get('otelkit.monitor.metric'));
    expect(app).toEqual(
      expect.arrayContaining([
        { attributes: { metric: 'error_rate' }, value: 0 },
        { attributes: { metric: 'response_time' }, value: 3 },
      ]),
    );
  });

  it('counts drops as metrics', async () => {
    monitor = new ResourceMonitor({
      interval: 60,
      meterProvider: provider,
      hostMetricGroups: false,
      maxMetrics: 1,
    });
    monitor.recordMetric('a', 1);
    monitor.recordMetric('b', 1);
    const dropped = points((await collect(reader)).get('otelkit.monitor.dropped'));
    expect(dropped).toContainEqual({ attributes: { reason: 'metric_limit' }, value: 1 });
  });

  it('works with a bare Meter too', async () => {
    monitor = new ResourceMonitor({ interval: 60, meter: provider.getMeter('app') });
    monitor.setThreshold('x', 1);
    const metrics = await collect(reader);
    expect(metrics.has('system.memory.usage')).toBe(true);
    expect(metrics.has('otelkit.alert.state')).toBe(true);
  });

  it('names and units of the runtime metrics are the semconv constants (none deprecated)', async () => {
    expect({
      p50: local.METRIC_NODEJS_EVENTLOOP_DELAY_P50,
      p99: local.METRIC_NODEJS_EVENTLOOP_DELAY_P99,
      max: local.METRIC_NODEJS_EVENTLOOP_DELAY_MAX,
      elu: local.METRIC_NODEJS_EVENTLOOP_UTILIZATION,
      gc: local.METRIC_V8JS_GC_DURATION,
      used: local.METRIC_V8JS_MEMORY_HEAP_USED,
      size: local.METRIC_V8JS_MEMORY_HEAP_SPACE_SIZE,
      active: local.METRIC_V8JS_RESOURCE_ACTIVE,
      threads: local.METRIC_PROCESS_THREAD_COUNT,
      fds: local.METRIC_PROCESS_FD_COUNT,
      io: local.METRIC_PROCESS_DISK_IO,
      ops: local.METRIC_PROCESS_DISK_OPERATIONS,
      gcType: local.ATTR_V8JS_GC_TYPE,
      space: local.ATTR_V8JS_HEAP_SPACE_NAME,
      resourceType: local.ATTR_V8JS_RESOURCE_TYPE,
      direction: local.ATTR_DISK_IO_DIRECTION,
    }).toEqual({
      p50: METRIC_NODEJS_EVENTLOOP_DELAY_P50,
      p99: METRIC_NODEJS_EVENTLOOP_DELAY_P99,
      max: METRIC_NODEJS_EVENTLOOP_DELAY_MAX,
      elu: METRIC_NODEJS_EVENTLOOP_UTILIZATION,
      gc: METRIC_V8JS_GC_DURATION,
      used: METRIC_V8JS_MEMORY_HEAP_USED,
      size: METRIC_V8JS_MEMORY_HEAP_SPACE_SIZE,
      active: METRIC_V8JS_RESOURCE_ACTIVE,
      threads: METRIC_PROCESS_THREAD_COUNT,
      fds: METRIC_PROCESS_UNIX_FILE_DESCRIPTOR_COUNT,
      io: METRIC_PROCESS_DISK_IO,
      ops: METRIC_PROCESS_DISK_OPERATIONS,
      gcType: ATTR_V8JS_GC_TYPE,
      space: ATTR_V8JS_HEAP_SPACE_NAME,
      resourceType: ATTR_V8JS_RESOURCE_TYPE,
      direction: ATTR_DISK_IO_DIRECTION,
    });
    monitor = new ResourceMonitor({ intervalMillis: 50, meterProvider: provider, hostMetricGroups: false });
    await monitor.start();
    await waitFor(() => monitor.getCounters().samples >= 1, 10_000);
    const metrics = await collect(reader);
    expect(metrics.has(METRIC_V8JS_MEMORY_HEAP_LIMIT)).toBe(false);
    const units = Object.fromEntries(
      [
        METRIC_NODEJS_EVENTLOOP_DELAY_P50,
        METRIC_NODEJS_EVENTLOOP_DELAY_P99,
        METRIC_NODEJS_EVENTLOOP_DELAY_MAX,
        METRIC_NODEJS_EVENTLOOP_UTILIZATION,
        METRIC_V8JS_MEMORY_HEAP_USED,
        METRIC_V8JS_MEMORY_HEAP_SPACE_SIZE,
        METRIC_V8JS_RESOURCE_ACTIVE,
      ].map((n) => [n, metrics.get(n)?.descriptor.unit]),
    );
    expect(units).toEqual({
      [METRIC_NODEJS_EVENTLOOP_DELAY_P50]: 's',
      [METRIC_NODEJS_EVENTLOOP_DELAY_P99]: 's',
      [METRIC_NODEJS_EVENTLOOP_DELAY_MAX]: 's',
      [METRIC_NODEJS_EVENTLOOP_UTILIZATION]: '1',
      [METRIC_V8JS_MEMORY_HEAP_USED]: 'By',
      [METRIC_V8JS_MEMORY_HEAP_SPACE_SIZE]: 'By',
      [METRIC_V8JS_RESOURCE_ACTIVE]: '{resource}',
    });
    const spaces = points(metrics.get(METRIC_V8JS_MEMORY_HEAP_SPACE_SIZE));
    expect(spaces.map((p) => p.attributes[ATTR_V8JS_HEAP_SPACE_NAME])).toContain('new_space');
    // The monitor's own timer is active while it runs: a Timeout is among the types.
    const active = points(metrics.get(METRIC_V8JS_RESOURCE_ACTIVE));
    expect(active.map((p) => p.attributes[ATTR_V8JS_RESOURCE_TYPE])).toContain('Timeout');
    expect(active.every((p) => typeof p.value === 'number' && p.value >= 1)).toBe(true);
  });

  describe('nodejs.eventloop.delay.max over the export window', () => {
    const busy = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const maxMillis = async () =>
      ((points((await collect(reader)).get(METRIC_NODEJS_EVENTLOOP_DELAY_MAX))[0]?.value as number) ?? 0) *
      1000;

    it('is the worst sample of the window, and lets it go when it leaves the window', async () => {
      monitor = new ResourceMonitor({
        intervalMillis: 3_600_000,
        eventLoopResolutionMillis: 10,
        exportWindowMillis: 1500,
        meterProvider: provider,
        hostMetricGroups: false,
      });
      await monitor.start();
      await sleep(100);
      busy(400);
      await sleep(100);
      await monitor.sampleNow(); // the stall
      await sleep(100);
      await monitor.sampleNow(); // a quiet one
      expect(monitor.getLatestStats()!.process.eventLoopDelay.max).toBeLessThan(200);
      expect(await maxMillis()).toBeGreaterThan(300);
      await sleep(1600);
      await monitor.sampleNow();
      expect(await maxMillis()).toBeLessThan(200);
    });

    it('createResourceMonitor sets the window to metrics.exportIntervalMillis (not the sampling interval)', async () => {
      const config = loadConfig({ config: { resources: { interval: 3600 }, metrics: { interval: '1s' } } });
      monitor = createResourceMonitor(config, {
        meterProvider: provider,
        monitor: { eventLoopResolutionMillis: 10, hostMetricGroups: false },
      });
      await monitor.start();
      await sleep(100);
      busy(400);
      await sleep(100);
      await monitor.sampleNow();
      expect(await maxMillis()).toBeGreaterThan(300);
      await sleep(1200); // out of the 1 s window (inside the 1 h sampling interval)
      await monitor.sampleNow();
      expect(await maxMillis()).toBeLessThan(200);
    });

    it('rejects a window that is not a positive integer of milliseconds', () => {
      expect(() => new ResourceMonitor({ exportWindowMillis: 0 })).toThrow(/exportWindowMillis/);
    });
  });
});
