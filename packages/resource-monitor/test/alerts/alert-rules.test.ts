import type { AlertRuleConfig, AlertsConfig, HealthConfig, ResourcesConfig } from '@otelkit/config';
import { loadConfig } from '@otelkit/config';
import { ConditionParseError, parseCondition } from '../../src/alerts/parse-condition';
import { createResourceMonitor } from '../../src/create-resource-monitor';
import { ResourceMonitor } from '../../src/resource-monitor';
import { collectEvents, waitFor } from '../helpers';

describe('parseCondition', () => {
  it.each([
    ['error_rate >= 0.05', { metric: 'error_rate', aggregation: 'last', operator: '>=', value: 0.05 }],
    [
      'p95(request_duration_seconds) > 1',
      { metric: 'request_duration_seconds', aggregation: 'p95', operator: '>', value: 1 },
    ],
    ['  avg( cpu_usage )<=80 ', { metric: 'cpu_usage', aggregation: 'avg', operator: '<=', value: 80 }],
    ['rate(gc_count) != -1.5e2', { metric: 'gc_count', aggregation: 'rate', operator: '!=', value: -150 }],
    [
      'max(main-db/pool_usage) == 1',
      { metric: 'main-db/pool_usage', aggregation: 'max', operator: '==', value: 1 },
    ],
    [
      'http.server.errors < .5',
      { metric: 'http.server.errors', aggregation: 'last', operator: '<', value: 0.5 },
    ],
  ])('parses %j', (text, expected) => {
    expect(parseCondition(text)).toEqual(expected);
  });

  it.each([
    ['', /column 1: empty condition/],
    ['> 5', /column 1: expected a metric name or aggregation, found ">"/],
    ['cpu_usage', /column 10: expected a comparison operator \(>= <= == != > <\), found end of input/],
    ['cpu_usage => 5', /column 11: expected a comparison operator .*found "="/],
    ['cpu_usage > high', /column 13: expected a number after ">", found "high"/],
    [
      'p90(latency) > 1',
      /column 1: unknown aggregation "p90" \(allowed: last, avg, min, max, p50, p95, p99, rate\)/,
    ],
    ['p95(latency > 1', /column 13: expected "\)" after "latency"/],
    ['p95() > 1', /column 5: expected a metric name inside p95\( \)/],
    ['cpu_usage > 80 for 5m', /column 16: unexpected "for 5m" after the value/],
  ])('rejects %j with a precise error', (text, message) => {
    let error: unknown;
    try {
      parseCondition(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConditionParseError);
    expect((error as Error).message).toMatch(message);
    expect((error as ConditionParseError).code).toBe('OTELKIT_ERR_ALERT_CONDITION');
  });
});

describe('alert rules', () => {
  let monitor: ResourceMonitor;
  beforeEach(() => {
    monitor = new ResourceMonitor({ interval: 60 });
  });
  afterEach(() => monitor.shutdown());

  function series(metric: string, values: number[], end: number, stepMillis = 1000) {
    values.forEach((v, i) => {
      monitor.recordMetric(metric, v, { timestamp: end - (values.length - 1 - i) * stepMillis });
    });
  }

  it('a bad expression fails at addAlertRule naming the rule', () => {
    expect(() => monitor.addAlertRule({ name: 'slow', condition: 'p95(latency) >' })).toThrow(
      /alert rule "slow".condition: invalid alert condition "p95\(latency\) >" at column 15: expected a number/,
    );
    expect(() => monitor.addAlertRule({ name: 'x', condition: 'a > 1', severity: 'page' as never })).toThrow(
      /severity must be 'warning' or 'critical'/,
    );
  });

  it('evaluates p95 over the window, not the last value', async () => {
    const events = collectEvents(monitor);
    monitor.addAlertRule({
      name: 'slow-requests',
      condition: 'p95(response_time) > 1',
      window: '1m',
      severity: 'critical',
      runbook: 'https://runbooks/slow',
    });
    const now = 10_000_000;
    // 100 points, 10 of them slow: p95 is slow although the last value is fast
    series(
      'response_time',
      Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 2 : 0.1)),
      now,
      500,
    );
    monitor.evaluateRules(now);
    await monitor.flushAlerts();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      alert: 'slow-requests',
      source: 'rule',
      state: 'firing',
      level: 'critical',
      value: 2,
      threshold: 1,
      runbook: 'https://runbooks/slow',
    });
  });

  it.each([
    ['avg(v) > 5', '[1,2,3,10,10]', true, [1, 2, 3, 10, 10]],
    ['avg(v) > 5', '[1,2,3,4,10]', false, [1, 2, 3, 4, 10]],
    ['min(v) >= 2', '[2,3,4]', true, [2, 3, 4]],
    ['max(v) < 3', '[1,2,3]', false, [1, 2, 3]],
    ['p50(v) == 3', '[1,2,3,4,5]', true, [1, 2, 3, 4, 5]],
    ['p99(v) > 90', '1..100', true, Array.from({ length: 100 }, (_, i) => i + 1)],
    ['v > 5', '[10,10,1]', false, [10, 10, 1]],
    // 4 units per second over 4 s of 1 s steps
    ['rate(v) >= 4', '[0,4,8,12,16]', true, [0, 4, 8, 12, 16]],
    ['rate(v) >= 4', '[0,3,6,9,12]', false, [0, 3, 6, 9, 12]],
  ])('%s over %s fires: %s', async (condition, _label, fires, values) => {
    const events = collectEvents(monitor);
    monitor.addAlertRule({ name: 'r', condition });
    const now = 5_000_000;
    series('v', values as number[], now);
    monitor.evaluateRules(now);
    await monitor.flushAlerts();
    expect(events.length).toBe(fires ? 1 : 0);
  });

  it('only looks back over the window and resolves once the window is clean', async () => {
    const events = collectEvents(monitor);
    monitor.addAlertRule({ name: 'errors', condition: 'max(error_rate) > 0.1', window: '10s' });
    monitor.recordMetric('error_rate', 0.5, { timestamp: 100_000 });
    monitor.evaluateRules(100_000);
    monitor.recordMetric('error_rate', 0.01, { timestamp: 105_000 });
    monitor.evaluateRules(105_000);
    monitor.recordMetric('error_rate', 0.01, { timestamp: 111_000 });
    monitor.evaluateRules(111_000);
    await monitor.flushAlerts();
    expect(events.map((e) => e.state)).toEqual(['firing', 'resolved']);
  });

  it('a rule can name a per-resource metric as resourceId/metric', async () => {
    const events = collectEvents(monitor);
    monitor.addAlertRule({
      name: 'pool',
      condition: 'avg(main-db/connection_pool_usage) > 0.8',
      severity: 'critical',
    });
    monitor.recordMetric('connection_pool_usage', 0.95, { resourceId: 'other-db', timestamp: 1000 });
    monitor.evaluateRules(1000);
    expect(events).toHaveLength(0);
    monitor.recordMetric('connection_pool_usage', 0.95, { resourceId: 'main-db', timestamp: 1000 });
    monitor.evaluateRules(1000);
    await monitor.flushAlerts();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ alert: 'pool', metric: 'main-db/connection_pool_usage', value: 0.95 });
  });

  it('honours `for` on rules', async () => {
    const events = collectEvents(monitor);
    monitor.addAlertRule({ name: 'hot', condition: 'temp > 50', for: '5s' });
    for (let t = 0; t <= 4000; t += 1000) {
      monitor.recordMetric('temp', 60, { timestamp: t });
      monitor.evaluateRules(t);
    }
    expect(events).toHaveLength(0);
    monitor.recordMetric('temp', 60, { timestamp: 5000 });
    monitor.evaluateRules(5000);
    await monitor.flushAlerts();
    expect(events).toHaveLength(1);
  });

  it('evaluates rules on built-in metrics after each sample', async () => {
    const m = new ResourceMonitor({ intervalMillis: 50 });
    const events = collectEvents(m);
    // always true on a live process: at least one descriptor is open
    m.addAlertRule({ name: 'fds', condition: 'max(open_fds) > 0', severity: 'warning' });
    await m.start();
    await waitFor(() => events.length > 0, 10_000);
    await m.shutdown();
    expect(events.map((e) => e.alert)).toEqual(['fds']);
  });
});

describe('createResourceMonitor', () => {
  const resources: ResourcesConfig = {
    enabled: true,
    intervalMillis: 1000,
    historySize: 60,
    containerAware: true,
    thresholds: {
      cpu_usage: { warning: 80, critical: 95, direction: 'above', forMillis: 30_000, hysteresis: 5 },
      memory_usage: { warning: 90, direction: 'above', forMillis: 0, hysteresis: 0 },
    },
  };
  const rule: AlertRuleConfig = {
    name: 'HighErrorRate',
    condition: 'error_rate >= 0.05',
    parsed: { metric: 'error_rate', aggregation: 'last', operator: '>=', value: 0.05 },
    forMillis: 0,
    windowMillis: 60_000,
    severity: 'critical',
    labels: { team: 'api' },
  };
  const alerts: AlertsConfig = { rules: [rule], webhooks: [], log: true };
  const health: HealthConfig = {
    enabled: true,
    path: '/healthz',
    livenessPath: '/healthz/live',
    readinessPath: '/healthz/ready',
    checkTimeoutMillis: 500,
    cacheMillis: 0,
    maxEventLoopDelayMillis: 1000,
    maxMemoryPercent: 95,
    hostAlertsAffectReadiness: false,
  };

  it('builds a monitor from the normalised config slices', async () => {
    const monitor = createResourceMonitor({ resources, alerts, health });
    expect(monitor.intervalMillis).toBe(1000);
    expect(monitor.historySize).toBe(60);
    expect(
      monitor.getThresholds().map((t) => [t.key, t.warning, t.critical, t.forMillis, t.hysteresis]),
    ).toEqual([
      ['cpu_usage', 80, 95, 30_000, 5],
      ['memory_usage', 90, undefined, 0, 0],
    ]);
    expect(monitor.health.paths).toEqual({
      all: '/healthz',
      liveness: '/healthz/live',
      readiness: '/healthz/ready',
    });
    const events = collectEvents(monitor);
    monitor.recordMetric('error_rate', 0.2);
    monitor.evaluateRules();
    await monitor.flushAlerts();
    expect(events[0]).toMatchObject({ alert: 'HighErrorRate', level: 'critical', labels: { team: 'api' } });
    // a critical alert makes readiness fail through the built-in check
    expect((await monitor.health.check('readiness')).status).toBe('fail');
    await monitor.shutdown();
  });

  it('names the offending config path', () => {
    const bad = {
      ...resources,
      thresholds: {
        cpu_usage: { critical: 50, warning: 80, direction: 'above' as const, forMillis: 0, hysteresis: 0 },
      },
    };
    expect(() => createResourceMonitor({ resources: bad })).toThrow(
      /^resources\.thresholds\.cpu_usage: .*critical \(50\) must be >= warning \(80\)/,
    );
    expect(() => createResourceMonitor({ resources: { ...resources, historySize: 0 } })).toThrow(
      /resources\.historySize: expected a number > 0, got 0/,
    );
  });

  it('a disabled resources section yields a monitor whose start() does nothing', async () => {
    const monitor = createResourceMonitor({ resources: { ...resources, enabled: false } });
    await monitor.start();
    expect(monitor.isRunning).toBe(false);
    expect(monitor.getHistory()).toHaveLength(0);
  });
});

describe('createResourceMonitor with loadConfig()', () => {
  it('accepts what @otelkit/config produces from user input', async () => {
    const config = loadConfig({
      config: {
        resources: {
          interval: 2,
          historySize: 100,
          thresholds: {
            cpu_usage: 80,
            memory_usage: { warning: 70, critical: 90, for: '30s', hysteresis: 5 },
          },
        },
        alerts: {
          rules: [
            { name: 'SlowRequests', condition: 'p95(response_time) > 1', for: '1m', severity: 'critical' },
          ],
          webhooks: ['http://127.0.0.1:9/alerts'],
        },
        health: { checkTimeout: '500ms' },
      },
      env: {},
      file: false,
    });
    const monitor = createResourceMonitor(config);
    expect(monitor.intervalMillis).toBe(2000);
    expect(monitor.historySize).toBe(100);
    expect(monitor.getThresholds().find((t) => t.key === 'memory_usage')).toMatchObject({
      warning: 70,
      critical: 90,
      forMillis: 30_000,
      hysteresis: 5,
    });
    expect(monitor.getAlertRules()[0]).toMatchObject({
      name: 'SlowRequests',
      forMillis: 60_000,
      severity: 'critical',
      parsed: { aggregation: 'p95', metric: 'response_time' },
    });
    expect(monitor.health.checkTimeoutMillis).toBe(500);
    await monitor.shutdown();
  });
});
