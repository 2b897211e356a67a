import * as genericPool from 'generic-pool';
import * as pg from 'pg';
import * as undici from 'undici';
import { ResourceManager } from '../../src/index';

const pgOptions = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 1 };

describe('regression: discovery', () => {
  // Bug: shutdown() stopped the discovery handles in the order they were made. Two handles on one
  // kind stack their hooks, and a handle only unhooks while it is on top, so the first one stayed
  // on pg.Pool, undici.Agent and the prototypes after shutdown.
  it('shutdown() with two handles on the same drivers restores every driver exactly', async () => {
    const OriginalPool = pg.Pool;
    const poolProto = Object.getPrototypeOf(OriginalPool.prototype) as { connect: unknown };
    const originalConnect = poolProto.connect;
    const OriginalAgent = undici.Agent;
    const originalCreatePool = genericPool.createPool;
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    manager.discoverResources('database');
    manager.discoverResources('http');
    manager.discoverAllResources();
    const pool = new pg.Pool(pgOptions);
    try {
      // Found once, although three handles hook pg.
      expect(manager.getResources().map((r) => r.id)).toEqual(['pg-1']);
      await pool.query('select 1');
      expect(manager.getResources()).toHaveLength(1);
    } finally {
      await pool.end();
      await manager.shutdown();
    }
    expect(pg.Pool).toBe(OriginalPool);
    expect(poolProto.connect).toBe(originalConnect);
    expect(undici.Agent).toBe(OriginalAgent);
    expect(Object.hasOwn(OriginalAgent.prototype, 'dispatch')).toBe(false);
    expect(genericPool.createPool).toBe(originalCreatePool);
  });

  // Bug: the id callback ran unguarded inside the hooked constructors and factories, so an idFor
  // that threw broke the app's `new pg.Pool()`.
  it('an idFor that throws never reaches the constructor the app called', async () => {
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    const handle = manager.discoverResources('pg', {
      idFor: () => {
        throw new Error('idFor failed');
      },
    });
    let pool: pg.Pool | undefined;
    try {
      pool = new pg.Pool(pgOptions);
      expect((await pool.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
      expect(manager.getResources()).toEqual([]);
    } finally {
      handle.stop();
      await pool?.end();
      await manager.shutdown();
    }
  });
});
