import { errorMonitor } from 'node:events';
import { join } from 'node:path';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { Pool } from 'pg';
import Piscina from 'piscina';
import { PgPoolMonitor, PiscinaMonitor, ResourceManager } from '../../src/index';

// Bug: the kinds kept what a registration hooked (acquire wrapper, error listener, task wrapper)
// in a map keyed by the pool object, so a pool registered twice — found by discovery as `pg-1` and
// registered by the app as `main-db` — lost the first registration's undo: after both were
// unregistered, its wrapper and listener stayed on the pool for good.
describe('regression: one object under two registrations', () => {
  it('pg: each unregister undoes its own hooks; both gone leaves the pool as it was', async () => {
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    manager.registerTypeMonitor(new PgPoolMonitor(manager));
    const pool = new Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 1 });
    const warnings: string[] = [];
    const log = () => undefined;
    diag.setLogger(
      { error: log, warn: (m) => warnings.push(m), info: log, debug: log, verbose: log },
      DiagLogLevel.WARN,
    );
    try {
      manager.register({ id: 'pg-1', type: 'pg', resource: pool });
      expect(warnings).toEqual([]);
      manager.register({ id: 'main-db', type: 'pg', resource: pool });
      // Double registration warns (allowed: each id gets its own series and hooks).
      expect(warnings).toEqual([expect.stringContaining('"main-db" is the same object as "pg-1"')]);
      expect(pool.listeners(errorMonitor)).toHaveLength(2);
      await pool.query('select 1');
      await manager.collectNow();
      expect(manager.getValue('pg-1', 'connection_pool_size')).toBe(1);
      expect(manager.getValue('main-db', 'connection_pool_size')).toBe(1);

      manager.unregister('pg-1');
      expect(pool.listeners(errorMonitor)).toHaveLength(1);
      // The remaining registration still works.
      await manager.collectNow();
      expect(manager.getValue('main-db', 'connection_pool_idle')).toBe(1);
      manager.unregister('main-db');
      expect(pool.listeners(errorMonitor)).toHaveLength(0);
      // Undone out of order, the lower wrapper stays as a pass-through (see patchInstance); the pool works.
      expect((await pool.query('select 3 as three')).rows).toEqual([{ three: 3 }]);
      expect(manager.getValues()).toEqual([]);
    } finally {
      diag.disable();
      await manager.shutdown();
      await pool.end();
    }
  });

  it('piscina: unregistering both, newest first, leaves run(), close() and destroy() as they were', async () => {
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    manager.registerTypeMonitor(new PiscinaMonitor(manager));
    const pool = new Piscina({
      filename: join(__dirname, '..', 'kinds', 'fixtures', 'hold-worker.js'),
      maxThreads: 1,
    });
    try {
      manager.register({ id: 'piscina-1', type: 'piscina', resource: pool });
      manager.register({ id: 'images', type: 'piscina', resource: pool });
      manager.unregister('images');
      manager.unregister('piscina-1');
      expect(Object.hasOwn(pool, 'run')).toBe(false);
      expect(Object.hasOwn(pool, 'close')).toBe(false);
      expect(Object.hasOwn(pool, 'destroy')).toBe(false);
    } finally {
      await manager.shutdown();
      await pool.destroy();
    }
  });
});
