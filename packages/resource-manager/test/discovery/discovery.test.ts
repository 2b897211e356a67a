import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as genericPool from 'generic-pool';
import { Redis } from 'ioredis';
import * as mysql from 'mysql2';
import * as mysqlPromise from 'mysql2/promise';
import * as pg from 'pg';
import Piscina from 'piscina';
import * as undici from 'undici';
import * as workerpool from 'workerpool';
import { ResourceManager } from '../../src/index';
import { waitFor } from '../helpers';

jest.setTimeout(60_000);

describe('discovery', () => {
  it("discoverResources('database') registers a pg.Pool created after start() without user registration", async () => {
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    await manager.start();
    const OriginalPool = pg.Pool;
    const handle = manager.discoverResources('database');
    expect(handle.kinds).toEqual(['pg', 'mysql2']);
    const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 3 });
    try {
      expect(pool).toBeInstanceOf(OriginalPool);
      const r = manager.getResources({ type: 'pg' });
      expect(r.map((x) => x.id)).toEqual(['pg-1']);
      expect(r[0]).toMatchObject({ category: 'database', peer: '127.0.0.1:5432' });
      expect(r[0]!.resource).toBe(pool);
      const res = await pool.query('select 1 as one');
      expect(res.rows).toEqual([{ one: 1 }]);
      await manager.collectNow();
      expect(manager.getValue('pg-1', 'connection_pool_size')).toBe(1);
      expect(manager.getValue('pg-1', 'connection_pool_max')).toBe(3);
      // Used a second time: not registered twice.
      await pool.query('select 1');
      expect(manager.getResources({ type: 'pg' })).toHaveLength(1);
    } finally {
      handle.stop();
      await pool.end();
      await manager.shutdown();
    }
    expect(pg.Pool).toBe(OriginalPool);
  });

  it('a Pool class taken before discovery is still found on first use; stop() unhooks', async () => {
    const { Pool } = pg; // captured before discovery
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    const handle = manager.discoverResources('pg');
    const early = new Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 2 });
    const mysqlPool = mysqlPromise.createPool({
      host: '127.0.0.1',
      user: 'root',
      password: '',
      database: 'test',
      connectionLimit: 2,
    });
    try {
      expect(manager.getResources()).toHaveLength(0);
      await early.query('select 1');
      expect(manager.getResources().map((r) => r.id)).toEqual(['pg-1']);
      handle.stop();
      const later = new pg.Pool({
        host: '127.0.0.1',
        port: 5432,
        user: 'postgres',
        database: 'test',
        max: 1,
      });
      await later.query('select 1');
      await later.end();
      expect(manager.getResources()).toHaveLength(1);
      // mysql2 was not asked for.
      await mysqlPool.query('select 1');
      expect(manager.getResources({ type: 'mysql2' })).toHaveLength(0);
    } finally {
      await early.end();
      await mysqlPool.end();
      await manager.shutdown();
    }
  });

  it('discoverAllResources finds mysql2, ioredis and generic-pool objects too', async () => {
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    const handle = manager.discoverAllResources({ idFor: (kind: string, n: number) => `auto-${kind}-${n}` });
    expect([...handle.kinds].sort()).toEqual([
      'generic-pool',
      'ioredis',
      'mysql2',
      'pg',
      'piscina',
      'undici-agent',
      'workerpool',
    ]);
    const mysqlPool = mysql
      .createPool({ host: '127.0.0.1', user: 'root', password: '', database: 'test', connectionLimit: 2 })
      .promise();
    const redis = new Redis({ host: '127.0.0.1', port: 6379 });
    const gp = genericPool.createPool(
      { create: async () => ({}), destroy: async () => undefined },
      { max: 2 },
    );
    try {
      await mysqlPool.query('select 1');
      await redis.ping();
      await manager.collectNow();
      const ids = manager
        .getResources()
        .map((r) => r.id)
        .sort();
      expect(ids).toEqual(['auto-generic-pool-1', 'auto-ioredis-1', 'auto-mysql2-1']);
      expect(manager.getValue('auto-mysql2-1', 'connection_pool_size')).toBe(1);
      expect(manager.getValue('auto-ioredis-1', 'connected')).toBe(1);
      expect(manager.getValue('auto-generic-pool-1', 'connection_pool_max')).toBe(2);
    } finally {
      await manager.shutdown(); // also unhooks
      redis.disconnect();
      await mysqlPool.end();
      await gp.drain();
      await gp.clear();
    }
    expect(() => new ResourceManager().discoverResources('nosql' as never)).toThrow(
      /not discoverable; use one of database, cache, pool, http, pg/,
    );
  });
});

describe('discovery of HTTP agents and worker pools', () => {
  it("discoverResources('http') registers an undici Agent created after start(), and one from an earlier reference on its first request", async () => {
    const { Agent: EarlyAgent } = undici; // taken before discovery
    const held: Array<() => void> = [];
    const server = createServer((_req, res) => held.push(() => res.end('ok')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    await manager.start();
    const handle = manager.discoverResources('http');
    expect(handle.kinds).toEqual(['undici-agent']);
    const agent = new undici.Agent({ connections: 1 });
    const early = new EarlyAgent();
    try {
      expect(agent).toBeInstanceOf(EarlyAgent);
      expect(manager.getResources({ type: 'undici-agent' }).map((r) => r.id)).toEqual(['undici-agent-1']);
      expect(manager.getResource('undici-agent-1')).toMatchObject({ category: 'http', resource: agent });

      let answered = 0;
      const bodies = [1, 2].map(() =>
        undici
          .request(origin, { dispatcher: agent })
          .then((r) => r.body.text())
          .finally(() => answered++),
      );
      await waitFor(() => held.length === 1, 10_000, 'one request at the server');
      await manager.collectNow();
      expect(manager.getValue('undici-agent-1', 'connection_pool_in_use')).toBe(1);
      expect(manager.getValue('undici-agent-1', 'connection_pool_waiting')).toBe(1);
      expect(manager.getValue('undici-agent-1', 'connection_pool_usage')).toBe(1);
      // One connection: the second request reaches the server once the first is answered.
      await waitFor(
        () => {
          for (const answer of held.splice(0)) answer();
          return answered === 2;
        },
        10_000,
        'both answered',
      );
      expect(await Promise.all(bodies)).toEqual(['ok', 'ok']);

      // Built from the class taken earlier: found on its first request.
      expect(manager.getResources({ type: 'undici-agent' })).toHaveLength(1);
      const viaEarly = undici.request(origin, { dispatcher: early }).then((r) => r.body.text());
      await waitFor(() => held.length === 1, 10_000, 'the early agent request at the server');
      expect(manager.getResources({ type: 'undici-agent' }).map((r) => r.resource)).toEqual([agent, early]);
      for (const answer of held.splice(0)) answer();
      expect(await viaEarly).toBe('ok');
    } finally {
      handle.stop();
      for (const answer of held.splice(0)) answer();
      await agent.destroy();
      await early.destroy();
      await manager.shutdown();
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(undici.Agent).toBe(EarlyAgent);
    expect(Object.hasOwn(EarlyAgent.prototype, 'dispatch')).toBe(false);
  });

  it("discoverResources('pool') finds a piscina pool on its first task (counted too) and a workerpool pool when made", async () => {
    const originalRun = Piscina.prototype.run;
    const originalPool = workerpool.pool;
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    const handle = manager.discoverResources('pool');
    expect(handle.kinds).toEqual(['generic-pool', 'piscina', 'workerpool']);
    const piscina = new Piscina({
      filename: join(__dirname, '..', 'kinds', 'fixtures', 'hold-worker.js'),
      maxThreads: 1,
    });
    const wp = workerpool.pool({ maxWorkers: 1, workerType: 'thread' });
    const gate = new SharedArrayBuffer(8);
    const slots = new Int32Array(gate);
    try {
      expect(manager.getResources().map((r) => r.id)).toEqual(['workerpool-1']);
      const run = piscina.run({ gate });
      expect(manager.getResources().map((r) => r.id)).toEqual(['workerpool-1', 'piscina-1']);
      await waitFor(() => Atomics.load(slots, 0) === 1, 15_000, 'the first task running');
      await manager.collectNow();
      // The call that found the pool went through the kind's counting too.
      expect(manager.getValue('piscina-1', 'worker_pool_busy')).toBe(1);
      expect(manager.getValue('piscina-1', 'worker_pool_usage')).toBe(1);
      Atomics.store(slots, 1, 1);
      Atomics.notify(slots, 1);
      expect(await run).toBe('done');
      expect(await wp.exec((a: number, b: number) => a + b, [2, 3])).toBe(5);
      await manager.collectNow();
      expect(manager.getValue('piscina-1', 'worker_pool_busy')).toBe(0);
      expect(manager.getValue('workerpool-1', 'worker_pool_size')).toBe(1);
    } finally {
      handle.stop();
      Atomics.store(slots, 1, 1);
      Atomics.notify(slots, 1);
      await manager.shutdown();
      await piscina.destroy();
      await wp.terminate(true);
    }
    expect(Piscina.prototype.run).toBe(originalRun);
    expect(Object.hasOwn(piscina, 'run')).toBe(false);
    expect(workerpool.pool).toBe(originalPool);
  });
});
