import * as amqp from 'amqplib';
import { Pool } from 'pg';
import { createClient } from 'redis';
import { AmqpQueueMonitor, PgPoolMonitor, RedisClientMonitor, ResourceManager } from '../../src/index';
import { uniqueName, waitFor } from '../helpers';

jest.setTimeout(30_000);

// Bug: the kinds counted `error` events with an ordinary 'error' listener, which also handles them.
// A pg pool, amqplib connection or node-redis client whose app never listened for errors throws
// them (pg's docs: the process exits); once registered, the same error was silently swallowed.
// Counting now listens on events.errorMonitor, which observes without handling.
describe('regression: counting error events leaves them unhandled', () => {
  const pgOptions = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 1 };

  it('pg: an error nobody handles is still thrown; a real idle-client error is counted', async () => {
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    manager.registerTypeMonitor(new PgPoolMonitor(manager));
    const pool = new Pool(pgOptions);
    const admin = new Pool(pgOptions);
    try {
      manager.register({ id: 'db', type: 'pg', resource: pool });
      expect(pool.listenerCount('error')).toBe(0);
      expect(() => pool.emit('error', new Error('idle client lost'))).toThrow('idle client lost');
      expect(manager.getValue('db', 'errors')).toBe(1);

      // The app handles errors itself: the server ends an idle connection of the pool.
      const seen: Error[] = [];
      pool.on('error', (err) => seen.push(err));
      const pid = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid as number;
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await waitFor(() => seen.length === 1, 10_000, 'the pool error event');
      expect(manager.getValue('db', 'errors')).toBe(2);

      manager.unregister('db');
      expect(pool.listenerCount('error')).toBe(1);
      expect(pool.listeners(Symbol.for('nodejs.events.errorMonitor'))).toEqual([]);
    } finally {
      await manager.shutdown();
      await pool.end();
      await admin.end();
    }
  });

  it('amqplib connection and node-redis client: still thrown when the app has no error listener', async () => {
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    manager.registerTypeMonitor(new AmqpQueueMonitor(manager));
    manager.registerTypeMonitor(new RedisClientMonitor(manager, { resourceType: 'redis' }));
    const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    const client = createClient({ socket: { host: '127.0.0.1', port: 6379 } });
    await client.connect();
    try {
      manager.register({
        id: 'q',
        type: 'amqplib',
        resource: { connection, queue: uniqueName('otelkit-err') },
      });
      manager.register({ id: 'cache', type: 'redis', resource: client });
      expect(() => connection.emit('error', new Error('amqp broke'))).toThrow('amqp broke');
      expect(() => client.emit('error', new Error('redis broke'))).toThrow('redis broke');
      expect(manager.getValue('q', 'errors')).toBe(1);
      expect(manager.getValue('cache', 'errors')).toBe(1);
    } finally {
      await manager.shutdown();
      await connection.close();
      await client.close();
    }
  });
});
