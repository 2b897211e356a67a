import { closeSync, openSync, readFileSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ATTR_DB_CLIENT_CONNECTION_POOL_NAME,
  METRIC_DB_CLIENT_CONNECTION_WAIT_TIME,
} from '@opentelemetry/semantic-conventions/incubating';
import { ResourceMonitor } from '@otelkit/resource-monitor';
import { createPool as createGenericPool } from 'generic-pool';
import { createPool as createMysqlPool } from 'mysql2/promise';
import {
  CustomResourceMonitor,
  GenericPoolMonitor,
  HttpAgentMonitor,
  Mysql2PoolMonitor,
  ResourceManager,
  registerBuiltinKinds,
} from '../../src/index';
import { closeServer, collectMetrics, createTestMeter, histCount, pointOf, waitFor } from '../helpers';

jest.setTimeout(60_000);

function setup() {
  const { provider, reader } = createTestMeter();
  const monitor = new ResourceMonitor({ intervalMillis: 60_000, hostMetricGroups: false });
  const manager = new ResourceManager({ monitor, meter: provider.getMeter('test'), intervalMillis: 60_000 });
  return {
    provider,
    reader,
    monitor,
    manager,
    async close() {
      await manager.shutdown();
      await monitor.shutdown();
      await provider.shutdown();
    },
  };
}

describe('mysql2 pool against the local MariaDB', () => {
  it('reports size, in use, idle, waiting and usage of a promise pool, and times getConnection', async () => {
    const t = setup();
    t.manager.registerTypeMonitor(new Mysql2PoolMonitor(t.manager));
    const pool = createMysqlPool({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      password: '',
      database: 'test',
      connectionLimit: 3,
    });
    try {
      t.manager.register({ id: 'mysql', type: 'mysql2', resource: pool });
      expect(t.manager.getResource('mysql')).toMatchObject({ category: 'database', peer: '127.0.0.1:3306' });
      const [rows] = await pool.query('select 6 * 7 as answer');
      expect(rows).toEqual([{ answer: 42 }]);
      await t.manager.collectNow();
      expect(t.manager.getValue('mysql', 'connection_pool_size')).toBe(1);
      expect(t.manager.getValue('mysql', 'connection_pool_idle')).toBe(1);
      expect(t.manager.getValue('mysql', 'connection_pool_usage')).toBe(0);

      const held = await Promise.all([pool.getConnection(), pool.getConnection(), pool.getConnection()]);
      const waiting = pool.getConnection();
      await t.manager.collectNow();
      expect(t.manager.getValue('mysql', 'connection_pool_in_use')).toBe(3);
      expect(t.manager.getValue('mysql', 'connection_pool_waiting')).toBe(1);
      expect(t.manager.getValue('mysql', 'connection_pool_usage')).toBe(1);
      expect((await t.manager.checkResource('mysql')).message).toMatch(/exhausted/);
      for (const c of held) c.release();
      (await waiting).release();
      await t.manager.collectNow();
      expect(t.manager.getValue('mysql', 'connection_pool_in_use')).toBe(0);
      expect(t.manager.getValue('mysql', 'connection_pool_waiting')).toBe(0);
      const metrics = await collectMetrics(t.reader);
      // a database pool is exported under the semconv db.client.connection.* names
      const pool_ = { [ATTR_DB_CLIENT_CONNECTION_POOL_NAME]: 'mysql' };
      const wait = pointOf(metrics, METRIC_DB_CLIENT_CONNECTION_WAIT_TIME, pool_);
      expect(histCount(wait)).toBe(5);
      expect(metrics.get(METRIC_DB_CLIENT_CONNECTION_WAIT_TIME)?.descriptor.unit).toBe('s');
      expect(metrics.has('otelkit.resource.connection_pool_acquire_wait')).toBe(false);
    } finally {
      await t.close();
      await pool.end();
    }
  });
});

describe('generic-pool', () => {
  it('reports borrowed / available / pending and counts factory errors', async () => {
    const t = setup();
    t.manager.registerTypeMonitor(new GenericPoolMonitor(t.manager));
    let fail = false;
    const pool = createGenericPool(
      {
        create: async () => {
          if (fail) {
            // generic-pool retries a failing create at once: a delay keeps the retries from starving timers.
            await new Promise((r) => setTimeout(r, 50));
            throw new Error('cannot create');
          }
          return { id: Math.random() };
        },
        destroy: async () => undefined,
      },
      { max: 2, min: 0, acquireTimeoutMillis: 300 },
    );
    try {
      t.manager.register({ id: 'workers', type: 'generic-pool', resource: pool });
      const a = await pool.acquire();
      const b = await pool.acquire();
      const pending = pool.acquire();
      await t.manager.collectNow();
      expect(t.manager.getValue('workers', 'connection_pool_in_use')).toBe(2);
      expect(t.manager.getValue('workers', 'connection_pool_waiting')).toBe(1);
      expect(t.manager.getValue('workers', 'connection_pool_usage')).toBe(1);
      await pool.release(a);
      await pool.release(await pending);
      await pool.release(b);
      await t.manager.collectNow();
      expect(t.manager.getValue('workers', 'connection_pool_in_use')).toBe(0);
      expect(t.manager.getValue('workers', 'connection_pool_idle')).toBe(2);

      // A failing factory: the acquisition times out and both the factory error and the failed acquire count.
      await pool.destroy(await pool.acquire());
      await pool.destroy(await pool.acquire());
      fail = true;
      await expect(pool.acquire()).rejects.toThrow();
      await waitFor(
        async () => {
          await t.manager.collectNow();
          return (t.manager.getValue('workers', 'errors') ?? 0) >= 2;
        },
        10_000,
        'errors counted',
      );
    } finally {
      fail = false;
      await t.close();
      await pool.drain();
      await pool.clear();
    }
  });
});

describe('http.Agent', () => {
  it('reports sockets in use, free and queued requests against maxSockets', async () => {
    const t = setup();
    t.manager.registerTypeMonitor(new HttpAgentMonitor(t.manager));
    const pending: Array<() => void> = [];
    const server: Server = createServer((_req, res) => {
      pending.push(() => res.end('ok'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    try {
      t.manager.register({ id: 'api-agent', type: 'http-agent', resource: agent });
      const done: Promise<void>[] = [];
      for (let i = 0; i < 3; i++)
        done.push(
          new Promise<void>((resolve, reject) => {
            request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
              res.resume();
              res.on('end', () => resolve());
            })
              .on('error', reject)
              .end();
          }),
        );
      await waitFor(() => pending.length === 2, 10_000, 'two requests at the server');
      await t.manager.collectNow();
      expect(t.manager.getValue('api-agent', 'connection_pool_in_use')).toBe(2);
      expect(t.manager.getValue('api-agent', 'connection_pool_waiting')).toBe(1);
      expect(t.manager.getValue('api-agent', 'connection_pool_usage')).toBe(1);
      // Answer the two in flight; the queued third request then gets a socket and is answered too.
      for (const f of pending.splice(0)) f();
      await waitFor(() => pending.length === 1, 10_000, 'the queued request at the server');
      for (const f of pending.splice(0)) f();
      await Promise.all(done);
      await waitFor(
        async () => {
          await t.manager.collectNow();
          return t.manager.getValue('api-agent', 'connection_pool_in_use') === 0;
        },
        10_000,
        'sockets free',
      );
      expect(t.manager.getValue('api-agent', 'connection_pool_idle')).toBe(2);
      expect(t.manager.getValue('api-agent', 'connection_pool_waiting')).toBe(0);
    } finally {
      for (const f of pending.splice(0)) f();
      agent.destroy();
      await t.close();
      await closeServer(server);
    }
  });
});

describe('open file handles', () => {
  it("counts this process's descriptors against its soft limit, as /proc says", async () => {
    const t = setup();
    registerBuiltinKinds(t.manager, ['file-handles']);
    t.manager.register({ id: 'fds', type: 'file-handles', resource: {} });
    await t.manager.collectNow();
    const before = t.manager.getValue('fds', 'open_fds')!;
    const limit = Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))![1]);
    expect(t.manager.getValue('fds', 'max_fds')).toBe(limit);
    const fds = Array.from({ length: 20 }, () => openSync('/proc/self/status', 'r'));
    try {
      await t.manager.collectNow();
      // Other code in this process may open or close a descriptor meanwhile: allow a little slack.
      expect(t.manager.getValue('fds', 'open_fds')).toBeGreaterThanOrEqual(before + 18);
      expect(t.manager.getValue('fds', 'fd_usage')).toBeCloseTo(
        t.manager.getValue('fds', 'open_fds')! / limit,
        10,
      );
      expect(t.manager.getValue('fds', 'healthy')).toBe(1);
    } finally {
      for (const fd of fds) closeSync(fd);
    }
    t.manager.unregister('fds');
    t.manager.register({ id: 'fds-strict', type: 'file-handles', resource: { maxUsage: 0 } });
    expect(await t.manager.checkResource('fds-strict')).toMatchObject({ healthy: false });
    await t.close();
  });
});

describe('custom resources', () => {
  it('publishes the values of a collect() callback as gauges and its health', async () => {
    const t = setup();
    t.manager.registerTypeMonitor(new CustomResourceMonitor(t.manager));
    let busy = 3;
    let ok = true;
    t.manager.register({
      id: 'workers',
      type: 'custom',
      resource: {
        collect: () => ({ busy, queued: 7 }),
        health: () => ({ healthy: ok, message: ok ? 'fine' : 'stuck' }),
        metrics: [{ name: 'processed', type: 'counter' }],
      },
    });
    await t.manager.collectNow();
    expect(t.manager.getValue('workers', 'busy')).toBe(3);
    busy = 1;
    ok = false;
    await t.manager.collectNow();
    const metrics = await collectMetrics(t.reader);
    expect(
      pointOf(metrics, 'otelkit.resource.busy', { 'resource.id': 'workers', 'resource.type': 'custom' })
        ?.value,
    ).toBe(1);
    expect(pointOf(metrics, 'otelkit.resource.queued', { 'resource.id': 'workers' })?.value).toBe(7);
    expect(await t.manager.checkResource('workers')).toEqual({ healthy: false, message: 'stuck' });
    expect(t.manager.getValue('workers', 'healthy')).toBe(0);
    expect(() => t.manager.register({ id: 'bad', type: 'custom', resource: {} })).toThrow(
      /needs a collect\(\) function/,
    );
    expect(t.manager.getResource('bad')).toBeUndefined();
    await t.close();
  });

  it('registerBuiltinKinds registers every kind once and rejects unknown ones', () => {
    const t = setup();
    registerBuiltinKinds(t.manager);
    registerBuiltinKinds(t.manager);
    for (const k of [
      'pg',
      'mysql2',
      'ioredis',
      'redis',
      'amqplib',
      'generic-pool',
      'http-agent',
      'undici-agent',
      'piscina',
      'workerpool',
      'file-handles',
      'custom',
    ])
      expect(t.manager.getTypeMonitor(k)?.resourceType).toBe(k);
    expect(() => registerBuiltinKinds(t.manager, ['mongodb' as never])).toThrow(/unknown kind "mongodb"/);
    void t.close();
  });
});
