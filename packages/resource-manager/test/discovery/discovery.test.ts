import * as genericPool from 'generic-pool';
import { Redis } from 'ioredis';
import * as mysql from 'mysql2';
import * as mysqlPromise from 'mysql2/promise';
import * as pg from 'pg';
import { ResourceManager } from '../../src/index';

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
    expect([...handle.kinds].sort()).toEqual(['generic-pool', 'ioredis', 'mysql2', 'pg']);
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
      /not discoverable; use one of database, cache, pool, pg/,
    );
  });
});
