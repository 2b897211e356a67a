import type { Server } from 'node:http';
import {
  ATTR_DB_CLIENT_CONNECTION_POOL_NAME,
  ATTR_DB_CLIENT_CONNECTION_STATE,
  METRIC_DB_CLIENT_CONNECTION_COUNT,
  METRIC_DB_CLIENT_CONNECTION_MAX,
  METRIC_DB_CLIENT_CONNECTION_PENDING_REQUESTS,
  METRIC_DB_CLIENT_CONNECTION_WAIT_TIME,
} from '@opentelemetry/semantic-conventions/incubating';
import { type AlertEvent, HealthRegistry, ResourceMonitor } from '@otelkit/resource-monitor';
import { Pool, type PoolClient } from 'pg';
import { PgPoolMonitor, ResourceHealthAdapter, ResourceManager } from '../../src/index';
import {
  closeServer,
  collectMetrics,
  createTestMeter,
  histCount,
  pointOf,
  serveHealth,
  type TestReader,
} from '../helpers';

jest.setTimeout(60_000);

describe('pg.Pool against the local PostgreSQL', () => {
  let pool: Pool;
  let monitor: ResourceMonitor;
  let manager: ResourceManager;
  let reader: TestReader;
  let provider: ReturnType<typeof createTestMeter>['provider'];
  let server: Server | undefined;
  const held: PoolClient[] = [];

  beforeEach(() => {
    ({ provider, reader } = createTestMeter());
    pool = new Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 5 });
    monitor = new ResourceMonitor({ intervalMillis: 60_000, hostMetricGroups: false });
    manager = new ResourceManager({ monitor, meter: provider.getMeter('test'), intervalMillis: 60_000 });
    manager.registerTypeMonitor(new PgPoolMonitor(manager));
  });

  afterEach(async () => {
    for (const c of held.splice(0)) c.release();
    await manager.shutdown();
    await monitor.shutdown();
    await pool.end();
    await closeServer(server);
    server = undefined;
    await provider.shutdown();
  });

  it('all 5 connections held: usage 1.0, one critical alert, readiness 503; released: resolved once, readiness 200', async () => {
    manager.register({ id: 'main-db', type: 'pg', resource: pool });
    manager.setThreshold({
      resourceId: 'main-db',
      metric: 'connection_pool_usage',
      warning: 0.7,
      critical: 0.9,
      message: 'Database connection pool utilization high',
    });
    const events: AlertEvent[] = [];
    monitor.onAlert((e) => {
      events.push(e);
    });
    const health = new HealthRegistry({ cacheMillis: 0, checkTimeoutMillis: 3000 });
    const adapter = new ResourceHealthAdapter(manager, health);
    const http = await serveHealth(health);
    server = http.server;

    await manager.collectNow();
    expect(manager.getValue('main-db', 'connection_pool_usage')).toBe(0);
    expect(manager.getValue('main-db', 'errors')).toBe(0); // published from registration on
    expect((await http.get('/health/ready')).status).toBe(200);

    for (let i = 0; i < 5; i++) held.push(await pool.connect());
    // A sixth caller waits for a connection.
    const waiting = pool.connect();
    await manager.collectNow();
    await manager.collectNow(); // a second reading at 1.0 must not alert again
    await monitor.flushAlerts();

    expect(manager.getValue('main-db', 'connection_pool_usage')).toBe(1);
    expect(manager.getValue('main-db', 'connection_pool_in_use')).toBe(5);
    expect(manager.getValue('main-db', 'connection_pool_waiting')).toBe(1);
    const metrics = await collectMetrics(reader);
    const usage = pointOf(metrics, 'otelkit.resource.connection_pool_usage', {
      'resource.id': 'main-db',
      'resource.type': 'pg',
    });
    expect(usage?.value).toBe(1);
    // the database pool in the semconv names: count by state, max, pending requests
    const byPool = { [ATTR_DB_CLIENT_CONNECTION_POOL_NAME]: 'main-db', 'resource.type': 'pg' };
    const count = (state: string) =>
      pointOf(metrics, METRIC_DB_CLIENT_CONNECTION_COUNT, {
        ...byPool,
        [ATTR_DB_CLIENT_CONNECTION_STATE]: state,
      })?.value;
    expect([count('used'), count('idle')]).toEqual([5, 0]);
    expect(pointOf(metrics, METRIC_DB_CLIENT_CONNECTION_MAX, byPool)?.value).toBe(5);
    expect(pointOf(metrics, METRIC_DB_CLIENT_CONNECTION_PENDING_REQUESTS, byPool)?.value).toBe(1);
    // semconv has no name for these: they keep otelkit's, and the mapped ones are not exported twice
    expect(metrics.has('otelkit.resource.connection_pool_in_use')).toBe(false);
    expect(metrics.has('otelkit.resource.connection_pool_waiting')).toBe(false);
    const firing = events.filter((e) => e.state === 'firing');
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({
      level: 'critical',
      resourceId: 'main-db',
      metric: 'connection_pool_usage',
      message: 'Database connection pool utilization high',
    });
    const notReady = await http.get('/health/ready');
    expect(notReady.status).toBe(503);
    const check = notReady.body.checks.find((c: { name: string }) => c.name === 'resource:main-db');
    expect(check.status).toBe('fail');
    expect(check.message).toMatch(/exhausted|critical/);

    // Release everything (the waiting caller gets one, then gives it back).
    for (const c of held.splice(0)) c.release();
    (await waiting).release();
    await manager.collectNow();
    await monitor.flushAlerts();

    expect(manager.getValue('main-db', 'connection_pool_usage')).toBe(0);
    expect(events.filter((e) => e.state === 'firing')).toHaveLength(1);
    const resolved = events.filter((e) => e.state === 'resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ level: 'critical', resourceId: 'main-db' });
    expect((await http.get('/health/ready')).status).toBe(200);

    // The waiting caller's acquisition was timed.
    const after = await collectMetrics(reader);
    const wait = pointOf(after, METRIC_DB_CLIENT_CONNECTION_WAIT_TIME, {
      [ATTR_DB_CLIENT_CONNECTION_POOL_NAME]: 'main-db',
    });
    expect(histCount(wait)).toBeGreaterThanOrEqual(6);
    adapter.close();
    expect(health.names()).toEqual([]);
  });

  it('counts failed acquisitions as errors and reports the pool unhealthy once it is ended', async () => {
    const bad = new Pool({
      host: '127.0.0.1',
      port: 5432,
      user: 'no_such_user_xyz',
      database: 'test',
      max: 2,
    });
    try {
      manager.register({ id: 'bad-db', type: 'pg', resource: bad });
      await expect(bad.query('select 1')).rejects.toThrow();
      await manager.collectNow();
      expect(manager.getValue('bad-db', 'errors')).toBeGreaterThanOrEqual(1);
    } finally {
      await bad.end();
    }
    expect(await manager.checkResource('bad-db')).toMatchObject({
      healthy: false,
      message: 'pool is closed',
    });
  });

  it('times pool.query() acquisitions and passes results through unchanged', async () => {
    manager.register({ id: 'main-db', type: 'pg', resource: pool });
    const res = await pool.query('select 41 + 1 as answer');
    expect(res.rows).toEqual([{ answer: 42 }]);
    const metrics = await collectMetrics(reader);
    const wait = pointOf(metrics, METRIC_DB_CLIENT_CONNECTION_WAIT_TIME, {
      'resource.id': 'main-db',
    });
    expect(histCount(wait)).toBe(1);
    expect(manager.getResource('main-db')?.peer).toBe('127.0.0.1:5432');
    // Unregistering restores the pool's own connect().
    manager.unregister('main-db');
    await pool.query('select 1');
    const again = await collectMetrics(reader);
    const still = pointOf(again, METRIC_DB_CLIENT_CONNECTION_WAIT_TIME, {
      'resource.id': 'main-db',
    });
    expect(histCount(still)).toBe(1);
  });
});
