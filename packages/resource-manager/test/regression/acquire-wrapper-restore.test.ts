import { METRIC_DB_CLIENT_CONNECTION_WAIT_TIME } from '@opentelemetry/semantic-conventions/incubating';
import { Pool } from 'pg';
import { PgPoolMonitor, ResourceManager } from '../../src/index';
import { collectMetrics, createTestMeter, histCount, pointOf } from '../helpers';

// Bug: the acquire timing (`pool.connect` of pg, `getConnection` of mysql2, `acquire` of
// generic-pool) captured the method when the pool was registered and put it back as an own
// property on unregister. A prototype patched afterwards (an OpenTelemetry instrumentation enabled
// later) never ran for that pool, and a wrapper someone put on top kept timing after unregister,
// so a pool registered again under the same id counted each acquisition twice.
describe('regression: acquire timing is an instance patch that unregister fully undoes', () => {
  const options = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 2 };

  function setup() {
    const { provider, reader } = createTestMeter();
    const manager = new ResourceManager({ meter: provider.getMeter('test'), intervalMillis: 60_000 });
    manager.registerTypeMonitor(new PgPoolMonitor(manager));
    const acquisitions = async () =>
      histCount(
        pointOf(await collectMetrics(reader), METRIC_DB_CLIENT_CONNECTION_WAIT_TIME, {
          'resource.id': 'db',
        }),
      );
    return { provider, manager, acquisitions };
  }

  it('leaves no own connect() behind and runs a prototype patched after registration', async () => {
    const { provider, manager, acquisitions } = setup();
    const pool = new Pool(options);
    const protoConnect = Pool.prototype.connect;
    let lateCalls = 0;
    try {
      manager.register({ id: 'db', type: 'pg', resource: pool });
      expect(Object.hasOwn(pool, 'connect')).toBe(true);
      // An instrumentation patches the prototype after the pool was registered.
      Pool.prototype.connect = function (this: Pool, ...args: unknown[]) {
        lateCalls++;
        return (protoConnect as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof protoConnect;
      expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      expect(lateCalls).toBe(1);
      expect(await acquisitions()).toBe(1);

      manager.unregister('db');
      expect(Object.hasOwn(pool, 'connect')).toBe(false);
      await pool.query('select 1');
      expect(lateCalls).toBe(2);
    } finally {
      Pool.prototype.connect = protoConnect;
      await manager.shutdown();
      await pool.end();
      await provider.shutdown();
    }
  });

  it('wrapped over by someone else: after unregister it stops timing, so a re-registration counts once', async () => {
    const { provider, manager, acquisitions } = setup();
    const pool = new Pool(options);
    try {
      manager.register({ id: 'db', type: 'pg', resource: pool });
      const ours = pool.connect;
      let outerCalls = 0;
      // Another library wraps the same instance method on top of ours.
      pool.connect = function (this: Pool, ...args: unknown[]) {
        outerCalls++;
        return (ours as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof ours;
      await pool.query('select 1');
      expect(await acquisitions()).toBe(1);

      manager.unregister('db');
      manager.register({ id: 'db', type: 'pg', resource: pool });
      await pool.query('select 1');
      expect(outerCalls).toBe(2);
      // The SDK histogram is cumulative: the first acquisition plus this one, counted once (not 3).
      expect(await acquisitions()).toBe(2);
    } finally {
      await manager.shutdown();
      await pool.end();
      await provider.shutdown();
    }
  });
});
