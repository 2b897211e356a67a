// The in-process alert engine reads the metric catalog for logical names: the seed's alerts
// (share of observations, byte sizes) and bare catalog names mean what the generated Prometheus
// rules mean.
import { loadConfig } from '@otelkit/config';
import { AlertEngine, normalizeRule } from '../../src/alerts/alert-engine';
import type { AlertEvent, HistoryPoint } from '../../src/types';

const SEED_ALERTS = [
  {
    name: 'high_latency',
    condition: 'request_duration_seconds > 1',
    threshold: 10,
    duration: '5m',
    severity: 'warning',
  },
  {
    name: 'high_memory',
    condition: 'memory_usage_bytes > 1GB',
    threshold: 90,
    duration: '10m',
    severity: 'critical',
  },
];

function engineWith(series: Record<string, number[]>, rules = SEED_ALERTS) {
  const events: AlertEvent[] = [];
  const engine = new AlertEngine((e) => events.push(e));
  const config = loadConfig({ env: {}, file: false, config: { alerts: rules as never } });
  for (const r of config.alerts.rules) engine.addRule(normalizeRule(r));
  const queried: string[] = [];
  const query = (metric: string, since: number): HistoryPoint[] => {
    queried.push(metric);
    return (series[metric] ?? []).map((value, i) => ({ timestamp: since + i, value }));
  };
  return { engine, events, query, queried };
}

describe('alert rules on catalog names', () => {
  it('the seed latency alert fires when more than 10% of requests in the window are slower than 1 s, after its duration', () => {
    const slow = [0.2, 0.3, 1.5, 0.1, 2, 0.4, 0.2, 0.1, 0.3, 0.2]; // 2 of 10 > 1 s: 20 %
    const { engine, events, query } = engineWith({ request_duration_seconds: slow });
    engine.evaluateRules(0, query);
    engine.evaluateRules(299_999, query);
    expect(events).toEqual([]);
    engine.evaluateRules(300_000, query);
    expect(events).toEqual([
      expect.objectContaining({
        alert: 'high_latency',
        state: 'firing',
        level: 'warning',
        value: 0.2,
        threshold: 0.1,
      }),
    ]);
  });

  it('stays quiet at 10% or less', () => {
    const { engine, events, query } = engineWith({
      request_duration_seconds: [0.2, 0.3, 1.5, 0.1, 0.4, 0.2, 0.1, 0.3, 0.2, 0.2],
    });
    engine.evaluateRules(0, query);
    engine.evaluateRules(600_000, query);
    expect(events).toEqual([]);
  });

  it('memory_usage_bytes is read from the monitor series the catalog names (process_rss), compared in bytes', () => {
    const { engine, events, query, queried } = engineWith({
      process_rss: [2e9, 2e9, 2e9, 2e9, 2e9, 2e9, 2e9, 2e9, 2e9, 2e9],
    });
    engine.evaluateRules(0, query);
    engine.evaluateRules(600_000, query);
    expect(queried).toContain('process_rss');
    expect(events).toEqual([
      expect.objectContaining({
        alert: 'high_memory',
        state: 'firing',
        level: 'critical',
        metric: 'memory_usage_bytes',
        value: 1,
      }),
    ]);
  });

  it('a metric the application records under the logical name wins over the catalog series', () => {
    const { engine, events, query } = engineWith({ memory_usage_bytes: [5e8, 5e8], process_rss: [2e9, 2e9] });
    engine.evaluateRules(0, query);
    engine.evaluateRules(600_000, query);
    expect(events).toEqual([]);
  });

  it('a bare catalog name means the catalog statistic: request_duration_seconds > 1 is its p95', () => {
    const rules = [{ name: 'p95', condition: 'request_duration_seconds > 1' }];
    // last point fast, p95 slow: p95 decides
    const values = [...Array.from({ length: 18 }, () => 0.1), 3, 3, 0.1];
    const { engine, events, query } = engineWith({ request_duration_seconds: values }, rules as never);
    engine.evaluateRules(0, query);
    expect(events).toEqual([expect.objectContaining({ alert: 'p95', state: 'firing' })]);
  });

  it('converts units: event_loop_delay_seconds reads the monitor p99 in milliseconds', () => {
    const rules = [{ name: 'el', condition: 'event_loop_delay_seconds > 0.1' }];
    const { engine, events, query } = engineWith({ event_loop_delay_p99_ms: [150] }, rules as never);
    engine.evaluateRules(0, query);
    expect(events).toEqual([expect.objectContaining({ alert: 'el', state: 'firing', value: 0.15 })]);
  });

  it('rules written in code take share too, and refuse it on an aggregation', () => {
    expect(normalizeRule({ name: 'a', condition: 'cpu_usage > 90', share: 0.5 }).share).toBe(0.5);
    expect(() => normalizeRule({ name: 'a', condition: 'avg(cpu_usage) > 90', share: 0.5 })).toThrow(
      /needs a bare metric/,
    );
    expect(() => normalizeRule({ name: 'a', condition: 'cpu_usage > 90', share: 2 })).toThrow(
      /share must be a number in \(0, 1\]/,
    );
  });
});
