import { ResourceMonitor } from '../../src/resource-monitor';
import { collectEvents } from '../helpers';

function feed(
  monitor: ResourceMonitor,
  metric: string,
  values: number[],
  start = 1_000_000,
  stepMillis = 1000,
) {
  values.forEach((v, i) => {
    monitor.recordMetric(metric, v, { timestamp: start + i * stepMillis });
  });
}

describe('thresholds', () => {
  let monitor: ResourceMonitor;
  beforeEach(() => {
    monitor = new ResourceMonitor({ interval: 60 });
  });
  afterEach(() => monitor.shutdown());

  it('fires once when the simple threshold is crossed and resolves once when the value comes back', async () => {
    const calls: Array<[string, number, number, string]> = [];
    monitor.onThresholdExceeded((metric, value, threshold, info) => {
      calls.push([metric, value, threshold, info.state]);
    });
    monitor.setThreshold('error_rate', 0.05);
    feed(monitor, 'error_rate', [0.01, 0.06, 0.07, 0.09, 0.06, 0.02, 0.01]);
    await monitor.flushAlerts();
    expect(calls).toEqual([
      ['error_rate', 0.06, 0.05, 'firing'],
      ['error_rate', 0.02, 0.05, 'resolved'],
    ]);
  });

  it('produces no alert storm for values flapping around the threshold inside the hysteresis band', async () => {
    const events = collectEvents(monitor);
    monitor.setThreshold('cpu_load', { warning: 80, hysteresis: 5 });
    // 79 <-> 81 forty times: crosses 80 on every step.
    const flapping = Array.from({ length: 80 }, (_, i) => (i % 2 === 0 ? 81 : 79));
    feed(monitor, 'cpu_load', flapping);
    await monitor.flushAlerts();
    expect(events.map((e) => e.state)).toEqual(['firing']);
    // Only leaving the band (below 75) resolves.
    monitor.recordMetric('cpu_load', 74, { timestamp: 2_000_000 });
    await monitor.flushAlerts();
    expect(events.map((e) => e.state)).toEqual(['firing', 'resolved']);
  });

  it('without hysteresis the same flapping would alert on every crossing (the control case)', async () => {
    const events = collectEvents(monitor);
    monitor.setThreshold('cpu_load', 80);
    feed(monitor, 'cpu_load', [81, 79, 81, 79, 81, 79]);
    await monitor.flushAlerts();
    expect(events).toHaveLength(6);
  });

  it('`for` delays firing until the value has stayed past the level that long', async () => {
    const events = collectEvents(monitor);
    monitor.setThreshold('queue_depth', { warning: 100, for: '30s' });
    // above for 20 s, dips, then above for 40 s
    feed(monitor, 'queue_depth', [150, 150, 150], 0, 10_000); // t=0,10,20 s
    monitor.recordMetric('queue_depth', 50, { timestamp: 25_000 });
    feed(monitor, 'queue_depth', [150, 150, 150, 150, 150], 30_000, 10_000); // t=30..70 s
    await monitor.flushAlerts();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ state: 'firing', level: 'warning', since: 30_000, timestamp: 60_000 });
  });

  it('moves warning → critical → warning → resolved with one event per level change', async () => {
    const events = collectEvents(monitor);
    monitor.setThreshold('memory_pct', { warning: 70, critical: 90, hysteresis: 2, message: 'memory high' });
    feed(monitor, 'memory_pct', [50, 75, 76, 95, 89, 85, 71, 60]);
    await monitor.flushAlerts();
    expect(events.map((e) => [e.state, e.level, e.previousLevel, e.value])).toEqual([
      ['firing', 'warning', undefined, 75],
      ['firing', 'critical', 'warning', 95],
      ['firing', 'warning', 'critical', 85],
      ['resolved', 'warning', undefined, 60],
    ]);
    expect(events.every((e) => e.message === 'memory high')).toBe(true);
  });

  it("supports direction 'below' (e.g. free disk, idle connections)", async () => {
    const events = collectEvents(monitor);
    monitor.setThreshold('free_ratio', { warning: 0.2, critical: 0.1, direction: 'below', hysteresis: 0.05 });
    feed(monitor, 'free_ratio', [0.5, 0.15, 0.05, 0.12, 0.3]);
    await monitor.flushAlerts();
    expect(events.map((e) => [e.state, e.level])).toEqual([
      ['firing', 'warning'],
      ['firing', 'critical'],
      ['resolved', 'critical'],
    ]);
  });

  it('keeps thresholds, history and alerts per resource with labels (resourceId + metric)', async () => {
    const events = collectEvents(monitor);
    monitor.setThreshold({
      resourceId: 'main-db',
      metric: 'connection_pool_usage',
      warning: 0.7,
      critical: 0.9,
      labels: { team: 'db' },
      message: 'Database connection pool utilization high',
    });
    monitor.recordMetric('connection_pool_usage', 0.95, { resourceId: 'other-db' });
    monitor.recordMetric('connection_pool_usage', 0.95, { resourceId: 'main-db' });
    await monitor.flushAlerts();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      alert: 'main-db/connection_pool_usage',
      resourceId: 'main-db',
      metric: 'connection_pool_usage',
      level: 'critical',
      labels: { team: 'db' },
      message: 'Database connection pool utilization high',
    });
    expect(monitor.getHistory({ metric: 'connection_pool_usage', resourceId: 'other-db' })).toHaveLength(1);
    expect(monitor.getActiveAlerts().map((a) => a.alert)).toEqual(['main-db/connection_pool_usage']);
  });

  it('resolves a firing alert when its threshold is removed', async () => {
    const events = collectEvents(monitor);
    monitor.setThreshold('x', 1);
    monitor.recordMetric('x', 5);
    expect(monitor.removeThreshold('x')).toBe(true);
    await monitor.flushAlerts();
    expect(events.map((e) => e.state)).toEqual(['firing', 'resolved']);
  });

  it('rejects invalid thresholds with errors naming the field', () => {
    expect(() => monitor.setThreshold('cpu_usage', Number.NaN)).toThrow(
      /threshold "cpu_usage" must be a finite number/,
    );
    expect(() => monitor.setThreshold('cpu_usage', {})).toThrow(/needs at least one of warning or critical/);
    expect(() => monitor.setThreshold('cpu_usage', { warning: 90, critical: 80 })).toThrow(
      /critical \(80\) must be >= warning \(90\)/,
    );
    expect(() => monitor.setThreshold('cpu_usage', { warning: 1, direction: 'up' as never })).toThrow(
      /direction must be 'above' or 'below'/,
    );
    expect(() => monitor.setThreshold('cpu_usage', { warning: 1, for: 'soon' })).toThrow(
      /\.for must be a duration/,
    );
    expect(() => monitor.setThreshold('cpu_usage', { warning: 1, hysteresis: -1 })).toThrow(
      /hysteresis must be a number >= 0/,
    );
  });

  it('sends manual alerts through the same handlers', async () => {
    const seen: string[] = [];
    // onAlert: a manual alert crossed no threshold, so onThresholdExceeded handlers do not get it
    // (test/regression/manual-alert-not-a-threshold.test.ts).
    monitor.onAlert((event) => {
      seen.push(`${event.alert}:${event.level}:${event.message}`);
    });
    monitor.alert('deploy started', 'info');
    monitor.alert('disk nearly full');
    await monitor.flushAlerts();
    expect(seen).toEqual(['manual:info:deploy started', 'manual:warning:disk nearly full']);
  });

  it('logs alert events at a level matching their severity', async () => {
    const lines: Array<[string, string]> = [];
    const logger = {
      info: (_o: object, m?: string) => lines.push(['info', m ?? '']),
      warn: (_o: object, m?: string) => lines.push(['warn', m ?? '']),
      error: (_o: object, m?: string) => lines.push(['error', m ?? '']),
    };
    const m = new ResourceMonitor({ interval: 60, logger });
    m.setThreshold('t', { warning: 1, critical: 2 });
    m.recordMetrics({ t: 1.5 });
    m.recordMetrics({ t: 3 });
    m.recordMetrics({ t: 0 });
    expect(lines.map((l) => l[0])).toEqual(['warn', 'error', 'info']);
    await m.shutdown();
  });
});

describe('alert history and external producers', () => {
  it('keeps a bounded history of alert events and routes external events (e.g. anomalies) like its own', async () => {
    const monitor = new ResourceMonitor({ interval: 60, alertHistorySize: 3 });
    const events = collectEvents(monitor);
    monitor.dispatchAlert({
      alert: 'main-db/query_latency',
      source: 'anomaly',
      state: 'firing',
      level: 'warning',
      metric: 'query_latency',
      resourceId: 'main-db',
      value: 0.9,
      threshold: Number.NaN,
      since: 1,
      timestamp: 1,
      message: 'latency anomaly',
      labels: {},
      details: { score: 4.2 },
    });
    for (let i = 0; i < 5; i++) monitor.alert(`m${i}`);
    await monitor.flushAlerts();
    expect(events).toHaveLength(6);
    expect(events[0]).toMatchObject({ source: 'anomaly', details: { score: 4.2 } });
    expect(monitor.getAlertHistory().map((e) => e.message)).toEqual(['m2', 'm3', 'm4']);
    expect(monitor.getAlertHistory({ since: Date.now() + 1000 })).toEqual([]);
    await monitor.shutdown();
  });
});
