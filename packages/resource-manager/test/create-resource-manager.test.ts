import {
  ATTR_DB_CLIENT_CONNECTION_POOL_NAME,
  METRIC_DB_CLIENT_CONNECTION_MAX,
} from '@opentelemetry/semantic-conventions/incubating';
// createResourceManager(slice): the config's `pools` slice → a running manager, checked against a
// real PostgreSQL pool (127.0.0.1:5432).
import { loadConfig } from '@otelkit/config';
import { type AlertEvent, HealthRegistry, ResourceMonitor } from '@otelkit/resource-monitor';
import * as pg from 'pg';
import { createResourceManager } from '../src/index';
import { collectMetrics, createTestMeter, pointOf } from './helpers';

jest.setTimeout(60_000);

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

describe('createResourceManager', () => {
  it('wires the slice: kinds, discovery, per-resource thresholds, health, report window; shutdown undoes it', async () => {
    const config = loadConfig({
      env: {},
      file: false,
      config: {
        pools: {
          interval: 60,
          kinds: ['pg'],
          discovery: ['database'],
          thresholds: [{ resourceId: 'pg-1', metric: 'connection_pool_usage', critical: 0.9 }],
          reportWindow: '10m',
        },
      },
    });
    const { provider, reader } = createTestMeter();
    const monitor = new ResourceMonitor({ interval: 60, meterProvider: provider, hostMetricGroups: false });
    const health = new HealthRegistry();
    const events: AlertEvent[] = [];
    monitor.onAlert((e) => {
      events.push(e);
    });
    const OriginalPool = pg.Pool;
    const manager = createResourceManager(config.pools, {
      monitor,
      meter: provider.getMeter('test'),
      health,
    });
    expect(manager.intervalMillis).toBe(60_000);
    expect(manager.getTypeMonitor('pg')).toBeDefined();
    expect(manager.getTypeMonitor('ioredis')).toBeUndefined();

    // Discovery is on from creation: a pool the app makes now registers itself as pg-1.
    const pool = new pg.Pool({ ...PG, max: 1 });
    try {
      expect(manager.getResources().map((r) => r.id)).toEqual(['pg-1']);
      expect(health.names()).toEqual(['resource:pg-1']);
      await manager.start();

      // Hold the only connection: usage 1 > 0.9 fires the configured critical threshold.
      const client = await pool.connect();
      await manager.forceFlush();
      await monitor.flushAlerts();
      expect(manager.getValue('pg-1', 'connection_pool_usage')).toBe(1);
      expect(events.filter((e) => e.state === 'firing')).toEqual([
        expect.objectContaining({ resourceId: 'pg-1', metric: 'connection_pool_usage', level: 'critical' }),
      ]);
      expect((await health.check('readiness')).status).not.toBe('pass');
      client.release();
      await manager.forceFlush();
      await monitor.flushAlerts();
      expect(events.map((e) => e.state)).toEqual(['firing', 'resolved']);

      const metrics = await collectMetrics(reader);
      expect(
        pointOf(metrics, METRIC_DB_CLIENT_CONNECTION_MAX, { [ATTR_DB_CLIENT_CONNECTION_POOL_NAME]: 'pg-1' })
          ?.value,
      ).toBe(1);

      // The report covers the configured window when the call gives none.
      const report = manager.generateReport();
      expect(report.end - report.start).toBe(600_000);
      expect(report.rows.some((r) => r.resourceId === 'pg-1' && r.metric === 'connection_pool_usage')).toBe(
        true,
      );

      expect(manager.stats()).toMatchObject({ collections: expect.any(Number), collectErrors: 0 });
      expect(manager.stats().collections).toBeGreaterThanOrEqual(3);
    } finally {
      await manager.shutdown();
      await pool.end();
    }
    // Shutdown unhooked discovery and removed the health checks.
    expect(pg.Pool).toBe(OriginalPool);
    expect(health.names()).toEqual([]);
    const later = new pg.Pool({ ...PG, max: 1 });
    expect(manager.getResources()).toEqual([]);
    await later.end();
    await monitor.shutdown();
  });

  it('takes the same options written by hand, with the config error text for mistakes', () => {
    expect(() => createResourceManager({ intervall: 5 } as never)).toThrow(
      /pools\.intervall: unknown key \(did you mean "interval"\?\)/,
    );
    const manager = createResourceManager({ interval: '2s', kinds: ['custom'], health: false });
    expect(manager.intervalMillis).toBe(2000);
    expect(manager.getTypeMonitor('custom')).toBeDefined();
    expect(manager.getTypeMonitor('pg')).toBeUndefined();
    return manager.shutdown();
  });

  it('watches the configured series with the anomaly detector, which raises an alert on a spike', async () => {
    const monitor = new ResourceMonitor({ interval: 60, hostMetricGroups: false });
    const events: AlertEvent[] = [];
    monitor.onAlert((e) => {
      events.push(e);
    });
    const manager = createResourceManager(
      {
        interval: 60,
        kinds: ['custom'],
        anomalyDetection: {
          minPoints: 10,
          watch: [{ resourceId: 'queue', metric: 'depth', sensitivity: 0.9 }],
        },
      },
      { monitor },
    );
    let depth = 10;
    manager.register({ id: 'queue', type: 'custom', resource: { collect: () => ({ depth }) } });
    try {
      expect(manager.anomalyDetector?.watches('queue', 'depth')).toBe(true);
      expect(manager.anomalyDetector?.watches('queue', 'other')).toBe(false);
      for (let i = 0; i < 40; i++) {
        depth = 10 + (i % 3);
        await manager.collectNow();
      }
      expect(events).toEqual([]);
      depth = 500;
      await manager.collectNow();
      await monitor.flushAlerts();
      expect(events.filter((e) => e.state === 'firing')).toEqual([
        expect.objectContaining({ resourceId: 'queue', metric: 'depth' }),
      ]);
      expect(manager.stats().anomalies).toBe(1);
    } finally {
      await manager.shutdown();
      await monitor.shutdown();
    }
  });
});
