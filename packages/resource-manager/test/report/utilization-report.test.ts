import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceMonitor } from '@otelkit/resource-monitor';
import { parse } from 'csv-parse/sync';
import {
  REPORT_COLUMNS,
  ResourceManager,
  type ResourceRegistration,
  ResourceTypeMonitor,
} from '../../src/index';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

class Feed extends ResourceTypeMonitor {
  constructor(m: ResourceManager, type: string) {
    super(m, { resourceType: type });
  }
  setupMetrics() {
    this.addMetric({ name: 'usage', type: 'gauge' });
    this.addMetric({ name: 'queue_depth', type: 'gauge', labels: ['queue'] });
  }
  collectMetrics(_r: ResourceRegistration) {}
}

describe('generateReport', () => {
  let now = T0;
  let spy: jest.SpyInstance;
  let monitor: ResourceMonitor;
  let manager: ResourceManager;
  let db: Feed;
  let mq: Feed;

  beforeEach(() => {
    now = T0;
    spy = jest.spyOn(Date, 'now').mockImplementation(() => now);
    monitor = new ResourceMonitor({ intervalMillis: 60_000, hostMetricGroups: false });
    manager = new ResourceManager({ monitor, intervalMillis: 60_000 });
    db = new Feed(manager, 'database');
    mq = new Feed(manager, 'queue-kind');
    manager.registerTypeMonitor(db);
    manager.registerTypeMonitor(mq);
    manager.register({ id: 'db1', type: 'database', resource: {} });
    manager.register({ id: 'mq1', type: 'queue-kind', resource: {}, category: 'queue' });
    manager.setThreshold({ resourceId: 'db1', metric: 'usage', warning: 0.7, critical: 0.9 });
    [0.5, 0.8, 0.95, 0.95, 0.6].forEach((v, i) => {
      now = T0 + i * 1000;
      db.updateMetric('usage', v, undefined, 'db1');
      mq.updateMetric('queue_depth', i * 10, { queue: 'we"ird, name' }, 'mq1');
      mq.updateMetric('queue_depth', 1, { queue: 'plain' }, 'mq1');
    });
  });

  afterEach(async () => {
    spy.mockRestore();
    await manager.shutdown();
    await monitor.shutdown();
  });

  it('summarises each series: min/avg/max/p95/last, time past warning and critical, alerts raised', () => {
    const report = manager.generateReport({ start: T0, end: T0 + 4000 });
    const usage = report.rows.find((r) => r.resourceId === 'db1' && r.metric === 'usage')!;
    expect(usage).toMatchObject({
      resourceType: 'database',
      category: 'database',
      samples: 5,
      min: 0.5,
      max: 0.95,
      p95: 0.95,
      last: 0.6,
      warning: 0.7,
      critical: 0.9,
      secondsAboveWarning: 3,
      secondsAboveCritical: 2,
      alertsRaised: 2, // warning at +1 s, then critical at +2 s
    });
    expect(usage.avg).toBeCloseTo(0.76, 10);
    const depth = report.rows.find((r) => r.labels === 'queue=we"ird, name')!;
    expect(depth).toMatchObject({ min: 0, max: 40, samples: 5, warning: null, alertsRaised: 0 });
  });

  it('filters by resource type or category and by window', () => {
    expect(
      new Set(manager.generateReport({ resourceType: 'database' }).rows.map((r) => r.resourceId)),
    ).toEqual(new Set(['db1']));
    expect(new Set(manager.generateReport({ resourceType: 'queue' }).rows.map((r) => r.resourceId))).toEqual(
      new Set(['mq1']),
    );
    const late = manager.generateReport({ resourceType: 'database', start: T0 + 3000, end: T0 + 4000 });
    expect(late.rows[0]).toMatchObject({ samples: 2, min: 0.6, max: 0.95 });
    expect(() => manager.generateReport({ start: T0 + 10, end: T0 })).toThrow(/start must be before end/);
    expect(() => manager.generateReport({ start: Number.NaN })).toThrow(/start must be a Date/);
  });

  it('CSV round-trips through csv-parse (quotes, commas) and JSON parses back', async () => {
    const report = manager.generateReport({ end: T0 + 4000 });
    const parsed = parse(report.toCsv(), { columns: true }) as Record<string, string>[];
    expect(Object.keys(parsed[0]!)).toEqual([...REPORT_COLUMNS]);
    expect(parsed).toHaveLength(report.rows.length);
    report.rows.forEach((row, i) => {
      for (const c of REPORT_COLUMNS) {
        const v = row[c];
        expect(parsed[i]![c]).toBe(v === null ? '' : String(v));
      }
    });
    expect(parsed.some((r) => r.labels === 'queue=we"ird, name')).toBe(true);

    const dir = await mkdtemp(join(tmpdir(), 'otelkit-rm-'));
    try {
      const file = join(dir, 'report.csv');
      await report.exportCsv(file);
      expect(await readFile(file, 'utf8')).toBe(report.toCsv());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const json = JSON.parse(report.toJson());
    expect(json.start).toBe(new Date(T0).toISOString());
    expect(json.rows).toHaveLength(report.rows.length);
  });
});
