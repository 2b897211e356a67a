// Every code block of uno's resource monitoring page (seed 003), run as written in
// examples/seeds/src/uno/, against the local PostgreSQL, Redis and RabbitMQ.
import { readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { ResourceHealthAdapter } from '@otelkit/resource-manager';
import { HealthRegistry } from '@otelkit/resource-monitor';
import { main as anomaly } from '../src/uno/anomaly';
import { main as basicUsage } from '../src/uno/basic-usage';
import { main as customTypeMonitor } from '../src/uno/custom-type-monitor';
import { main as dependencyGraph } from '../src/uno/dependency-graph';
import { main as discovery } from '../src/uno/discovery';
import { main as health } from '../src/uno/health';
import { main as metricsCollection } from '../src/uno/metrics-collection';
import { main as prometheusRouter } from '../src/uno/prometheus-router';
import { main as reports } from '../src/uno/reports';
import { main as thresholds } from '../src/uno/thresholds';

jest.setTimeout(60_000);

describe('uno resource monitoring seed snippets', () => {
  it('basic usage: one monitor with its resource manager, started and stopped', async () => {
    const { resourceMonitor, resourceManager } = await basicUsage();
    expect(resourceMonitor.isRunning).toBe(true);
    expect(resourceManager.isRunning).toBe(true);
    await resourceMonitor.stop();
    expect(resourceMonitor.isRunning).toBe(false);
    expect(resourceManager.isRunning).toBe(false);
    await resourceMonitor.shutdown();
  });

  it('metrics collection: addMetric(main-db, gauge) with labels, from a real pg pool', async () => {
    const { resourceMonitor, pool, usage } = await metricsCollection();
    try {
      const values = resourceMonitor.resources.getValues({
        resourceId: 'main-db',
        metric: 'connection_pool_usage',
      });
      expect(values).toHaveLength(1);
      expect(values[0]!.labels).toEqual({ database_name: 'test', pool_id: 'main' });
      expect(values[0]!.value).toBeGreaterThan(0);
      expect(values[0]!.value).toBeLessThanOrEqual(1);
      expect(usage.name).toBe('connection_pool_usage');
    } finally {
      await resourceMonitor.shutdown();
      await pool.end();
    }
  });

  it('health: registerAdapter adds a readiness check per resource; a closed pool fails it', async () => {
    const { healthRegistry, resourceMonitor, pool } = await health();
    try {
      expect(healthRegistry.names()).toEqual(['resource:main-db']);
      expect((await healthRegistry.check('readiness')).status).toBe('pass');
      await pool.end();
      // a fresh registry over the same manager sees the ended pool at once (the first one caches for 1 s)
      const failing = new HealthRegistry({ cacheMillis: 0 });
      failing.registerAdapter(new ResourceHealthAdapter(resourceMonitor.resources, resourceMonitor));
      expect((await failing.check('readiness')).status).toBe('fail');
    } finally {
      await resourceMonitor.shutdown();
    }
  });

  it('discovery: a pg.Pool and an ioredis client created afterwards are registered by themselves', async () => {
    const { resourceMonitor, pool, redis, stop } = await discovery();
    try {
      const found = resourceMonitor.resources.getResources().map((r) => r.resource);
      expect(found).toContain(pool);
      expect(found).toContain(redis);
      expect(resourceMonitor.resources.getResources({ category: 'database' }).map((r) => r.type)).toEqual([
        'pg',
      ]);
    } finally {
      stop();
      await resourceMonitor.shutdown();
      await pool.end();
      redis.disconnect();
    }
  });

  it('thresholds: every connection of main-db held fires the critical alert with the message', async () => {
    const { alerts, resourceMonitor, pool, held } = await thresholds();
    try {
      const firing = alerts.filter((a) => a.state === 'firing');
      expect(firing).toHaveLength(1);
      expect(firing[0]).toMatchObject({
        level: 'critical',
        resourceId: 'main-db',
        metric: 'connection_pool_usage',
        value: 1,
        message: 'Database connection pool utilization high',
      });
    } finally {
      for (const c of held) c.release();
      await resourceMonitor.shutdown();
      await pool.end();
    }
  });

  it('reports: by resource type and by time range, exported as CSV', async () => {
    const { byType, byTime, csvPath } = await reports();
    try {
      const usage = byType.rows.find(
        (r) => r.resourceId === 'main-db' && r.metric === 'connection_pool_usage',
      );
      expect(usage).toMatchObject({ resourceType: 'pg', category: 'database', samples: 3 });
      expect(byTime.rows.length).toBeGreaterThanOrEqual(byType.rows.length);
      expect(byTime.end - byTime.start).toBeGreaterThanOrEqual(24 * 3600_000 - 1000);
      const csv = await readFile(csvPath, 'utf8');
      expect(csv.split('\n')[0]).toContain('resourceId');
      expect(csv).toContain('main-db');
    } finally {
      await rm(csvPath, { force: true });
    }
  });

  it('Prometheus router: /metrics serves the resource series of main-db', async () => {
    const { app, exporter, resourceMonitor, pool } = await prometheusRouter();
    try {
      await pool.query('select 1');
      await resourceMonitor.resources.collectNow();
      const { port } = app.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/^otelkit_resource_connection_pool_size\{[^}]*resource_id="main-db"[^}]*\} \d+$/m);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      app.closeAllConnections();
      await new Promise((r) => app.close(r));
      await resourceMonitor.shutdown();
      await exporter.shutdown();
      await pool.end();
    }
  });

  it('anomaly detection: the detector watches main-db/query_duration, still training (7 days)', async () => {
    const { resourceMonitor, detector, pool } = await anomaly();
    try {
      expect(detector.watches('main-db', 'query_duration')).toBe(true);
      expect(resourceMonitor.getHistory({ metric: 'query_duration', resourceId: 'main-db' })).toHaveLength(5);
      expect(resourceMonitor.getAlertHistory().filter((a) => a.source === 'anomaly')).toEqual([]);
    } finally {
      await resourceMonitor.shutdown();
      await pool.end();
    }
  });

  it('dependency graph: PostgreSQL, Redis and RabbitMQ as nodes, exported as DOT and JSON', async () => {
    const { dependencyGraph: graph, dotPath, jsonPath } = await dependencyGraph();
    try {
      const ids = graph.nodes.map((n) => n.id);
      // registered resources with a known peer are keyed by it (so spans to the same peer join them)
      expect(ids).toEqual([
        'service:service',
        'database:127.0.0.1:5432',
        'cache:127.0.0.1:6379',
        'queue:127.0.0.1:5672',
      ]);
      expect(graph.edges.map((e) => `${e.from} -> ${e.to}`)).toEqual(
        expect.arrayContaining([
          'service:service -> database:127.0.0.1:5432',
          'service:service -> queue:127.0.0.1:5672',
        ]),
      );
      expect(await readFile(dotPath, 'utf8')).toMatch(/^digraph dependencies \{/);
      expect(JSON.parse(await readFile(jsonPath, 'utf8')).nodes.length).toBe(graph.nodes.length);
    } finally {
      await rm(dotPath, { force: true });
      await rm(jsonPath, { force: true });
    }
  });

  it('custom type monitor: DatabaseMonitor counts queries and slow queries per database', async () => {
    const { resourceMonitor, db } = await customTypeMonitor();
    try {
      const values = resourceMonitor.resources.getValues({ resourceId: 'main-db' });
      const of = (metric: string) => values.find((v) => v.metric === metric);
      expect(of('query_count')).toMatchObject({
        value: 2,
        labels: { database_name: 'orders', query_type: 'all' },
      });
      expect(of('slow_queries')).toMatchObject({ value: 1, labels: { database_name: 'orders' } });
    } finally {
      await resourceMonitor.shutdown();
      await db.pool.end();
    }
  });
});
