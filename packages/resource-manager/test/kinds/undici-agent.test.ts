import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { ResourceMonitor } from '@otelkit/resource-monitor';
import { Agent, Client, type Dispatcher, fetch, Pool, request } from 'undici';
import { ResourceManager, UndiciAgentMonitor } from '../../src/index';
import { closeServer, collectMetrics, createTestMeter, histCount, pointOf, waitFor } from '../helpers';

jest.setTimeout(60_000);

function setup() {
  const { provider, reader } = createTestMeter();
  const monitor = new ResourceMonitor({ intervalMillis: 60_000, hostMetricGroups: false });
  const manager = new ResourceManager({ monitor, meter: provider.getMeter('test'), intervalMillis: 60_000 });
  manager.registerTypeMonitor(new UndiciAgentMonitor(manager));
  return {
    reader,
    manager,
    async close() {
      await manager.shutdown();
      await monitor.shutdown();
      await provider.shutdown();
    },
  };
}

/** A server on 127.0.0.1 that holds every request until the test answers it. */
async function holdingServer(): Promise<{ server: Server; origin: string; held: Array<() => void> }> {
  const held: Array<() => void> = [];
  const server = createServer((_req, res) => {
    held.push(() => res.end('ok'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, held };
}

describe('undici Agent against a local node:http server', () => {
  it('reports connections in use and requests waiting while the server holds them, then idle', async () => {
    const t = setup();
    const { server, origin, held } = await holdingServer();
    const agent = new Agent({ connections: 2 });
    try {
      t.manager.register({ id: 'api', type: 'undici-agent', resource: agent });
      expect(t.manager.getResource('api')).toMatchObject({ category: 'http' });
      await t.manager.collectNow();
      expect(t.manager.getValue('api', 'connection_pool_size')).toBe(0);
      expect(t.manager.getValue('api', 'connection_pool_waiting')).toBe(0);
      expect(t.manager.getValue('api', 'errors')).toBe(0);

      const bodies = [1, 2, 3].map(() =>
        request(origin, { dispatcher: agent }).then((res) => res.body.text()),
      );
      await waitFor(() => held.length === 2, 10_000, 'two requests at the server');
      await t.manager.collectNow();
      expect(t.manager.getValue('api', 'connection_pool_size')).toBe(2);
      expect(t.manager.getValue('api', 'connection_pool_in_use')).toBe(2);
      expect(t.manager.getValue('api', 'connection_pool_idle')).toBe(0);
      expect(t.manager.getValue('api', 'connection_pool_waiting')).toBe(1);
      expect(t.manager.getValue('api', 'connection_pool_max')).toBe(2);
      expect(t.manager.getValue('api', 'connection_pool_usage')).toBe(1);
      expect(t.manager.getValue('api', 'healthy')).toBe(0);
      expect((await t.manager.checkResource('api')).message).toBe('pool exhausted: 2/2 in use, 1 waiting');

      // Answer the two in flight: the third request gets a connection and reaches the server.
      for (const answer of held.splice(0)) answer();
      await waitFor(() => held.length === 1, 10_000, 'the queued request at the server');
      await t.manager.collectNow();
      expect(t.manager.getValue('api', 'connection_pool_in_use')).toBe(1);
      expect(t.manager.getValue('api', 'connection_pool_waiting')).toBe(0);
      expect(t.manager.getValue('api', 'connection_pool_usage')).toBe(0.5);
      for (const answer of held.splice(0)) answer();
      expect(await Promise.all(bodies)).toEqual(['ok', 'ok', 'ok']);
      await waitFor(
        async () => {
          await t.manager.collectNow();
          return t.manager.getValue('api', 'connection_pool_idle') === 2;
        },
        10_000,
        'both connections idle',
      );
      expect(t.manager.getValue('api', 'connection_pool_in_use')).toBe(0);
      expect(t.manager.getValue('api', 'connection_pool_size')).toBe(2);
      expect(t.manager.getValue('api', 'healthy')).toBe(1);

      const metrics = await collectMetrics(t.reader);
      expect(
        pointOf(metrics, 'otelkit.resource.connection_pool_idle', {
          'resource.id': 'api',
          'resource.type': 'undici-agent',
        })?.value,
      ).toBe(2);

      await agent.close();
      await t.manager.collectNow();
      expect(t.manager.getValue('api', 'healthy')).toBe(0);
      expect(await t.manager.checkResource('api')).toMatchObject({
        healthy: false,
        message: 'pool is closed',
      });
    } finally {
      for (const answer of held.splice(0)) answer();
      await agent.destroy().catch(() => undefined);
      await t.close();
      await closeServer(server);
    }
  });

  it('counts failed connects as errors; usage against connections × origins; no bound, no usage', async () => {
    const t = setup();
    const a = await holdingServer();
    const b = await holdingServer();
    // A port nobody listens on: bind one, note it, close it.
    const closed = await holdingServer();
    await closeServer(closed.server);
    const bounded = new Agent({ connections: 3 });
    const unbounded = new Agent();
    try {
      t.manager.register({ id: 'bounded', type: 'undici-agent', resource: bounded });
      t.manager.register({ id: 'unbounded', type: 'undici-agent', resource: unbounded });
      const bodies = [a.origin, b.origin].map((o) =>
        request(o, { dispatcher: bounded }).then((res) => res.body.text()),
      );
      const other = request(a.origin, { dispatcher: unbounded }).then((res) => res.body.text());
      await waitFor(() => a.held.length === 2 && b.held.length === 1, 10_000, 'three requests held');
      await t.manager.collectNow();
      expect(t.manager.getValue('bounded', 'connection_pool_max')).toBe(6);
      expect(t.manager.getValue('bounded', 'connection_pool_in_use')).toBe(2);
      expect(t.manager.getValue('bounded', 'connection_pool_usage')).toBeCloseTo(2 / 6, 10);
      expect(t.manager.getValue('unbounded', 'connection_pool_in_use')).toBe(1);
      expect(t.manager.getValue('unbounded', 'connection_pool_max')).toBeUndefined();
      expect(t.manager.getValue('unbounded', 'connection_pool_usage')).toBeUndefined();
      for (const answer of [...a.held.splice(0), ...b.held.splice(0)]) answer();
      await Promise.all([...bodies, other]);

      await expect(request(closed.origin, { dispatcher: unbounded })).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
      await t.manager.collectNow();
      expect(t.manager.getValue('unbounded', 'errors')).toBe(1);
      expect(t.manager.getValue('bounded', 'errors')).toBe(0);

      // Unregistered: the listener is gone, nothing more is counted.
      t.manager.unregister('unbounded');
      expect(unbounded.listenerCount('connectionError')).toBe(0);
    } finally {
      await bounded.destroy();
      await unbounded.destroy();
      await t.close();
      await closeServer(a.server);
      await closeServer(b.server);
    }
  });

  it('reads a Pool and a Client too', async () => {
    const t = setup();
    const { server, origin, held } = await holdingServer();
    const pool = new Pool(origin, { connections: 4 });
    const client = new Client(origin);
    let settled = 0;
    try {
      t.manager.register({ id: 'pool', type: 'undici-agent', resource: pool });
      t.manager.register({ id: 'client', type: 'undici-agent', resource: client });
      const bodies = [
        pool.request({ path: '/', method: 'GET' }),
        pool.request({ path: '/', method: 'GET' }),
        client.request({ path: '/', method: 'GET' }),
        client.request({ path: '/', method: 'GET' }),
      ].map((p) => p.then((res) => res.body.text()).finally(() => settled++));
      await waitFor(() => held.length === 3, 10_000, 'three requests held');
      await t.manager.collectNow();
      expect(t.manager.getValue('pool', 'connection_pool_in_use')).toBe(2);
      expect(t.manager.getValue('pool', 'connection_pool_max')).toBe(4);
      expect(t.manager.getValue('pool', 'connection_pool_usage')).toBe(0.5);
      expect(t.manager.getValue('client', 'connection_pool_size')).toBe(1);
      expect(t.manager.getValue('client', 'connection_pool_in_use')).toBe(1);
      expect(t.manager.getValue('client', 'connection_pool_waiting')).toBe(1);
      expect(t.manager.getValue('client', 'connection_pool_max')).toBe(1);
      // The client's second request reaches the server once the first is answered.
      await waitFor(
        () => {
          for (const answer of held.splice(0)) answer();
          return settled === bodies.length;
        },
        10_000,
        'every request answered',
      );
      expect(await Promise.all(bodies)).toEqual(['ok', 'ok', 'ok', 'ok']);
      await new Promise((r) => setImmediate(r));
      await t.manager.collectNow();
      expect(t.manager.getValue('client', 'connection_pool_in_use')).toBe(0);
      expect(t.manager.getValue('client', 'connection_pool_idle')).toBe(1);
      expect(() => t.manager.register({ id: 'bad', type: 'undici-agent', resource: {} })).toThrow(
        /must be an undici Agent, Pool or Client/,
      );
    } finally {
      for (const answer of held.splice(0)) answer();
      await pool.destroy();
      await client.destroy();
      await t.close();
      await closeServer(server);
    }
  });

  it('times the wait for a connection (acquire wait), through request, fetch and a raw dispatch handler', async () => {
    const t = setup();
    const { server, origin, held } = await holdingServer();
    const agent = new Agent({ connections: 1 });
    try {
      t.manager.register({ id: 'one', type: 'undici-agent', resource: agent });
      // Two requests on one connection: the second waits until the first is answered (>= 300 ms).
      const first = request(origin, { dispatcher: agent }).then((res) => res.body.text());
      const second = fetch(origin, { dispatcher: agent }).then((res) => res.text());
      await waitFor(() => held.length === 1, 10_000, 'the first request at the server');
      await new Promise((r) => setTimeout(r, 300));
      held.shift()?.();
      await waitFor(() => held.length === 1, 10_000, 'the second request at the server');
      held.shift()?.();
      expect(await Promise.all([first, second])).toEqual(['ok', 'ok']);

      // A handler class with private fields, dispatched directly: it must keep working unchanged.
      class Collect implements Dispatcher.DispatchHandler {
        #chunks: Buffer[] = [];
        #done: (body: string) => void;
        constructor(done: (body: string) => void) {
          this.#done = done;
        }
        onRequestStart() {}
        onResponseStart() {}
        onResponseData(_controller: unknown, chunk: Buffer) {
          this.#chunks.push(chunk);
        }
        onResponseEnd() {
          this.#done(Buffer.concat(this.#chunks).toString());
        }
        onResponseError(_controller: unknown, err: Error) {
          this.#done(`error: ${err.message}`);
        }
      }
      const raw = new Promise<string>((resolve) => {
        agent.dispatch({ origin, path: '/', method: 'GET' }, new Collect(resolve));
      });
      await waitFor(() => held.length === 1, 10_000, 'the raw request at the server');
      held.shift()?.();
      expect(await raw).toBe('ok');

      const metrics = await collectMetrics(t.reader);
      const wait = pointOf(metrics, 'otelkit.resource.connection_pool_acquire_wait', {
        'resource.id': 'one',
      });
      expect(histCount(wait)).toBe(3);
      const value = (wait as HistogramMetricData['dataPoints'][number]).value;
      // The second request waited for the first to be answered; the others got the connection at once.
      expect(value.max).toBeGreaterThanOrEqual(0.29);
      expect(value.min).toBeLessThan(0.29);

      // Unregistering restores the agent's own dispatch.
      expect(Object.hasOwn(agent, 'dispatch')).toBe(true);
      t.manager.unregister('one');
      expect(Object.hasOwn(agent, 'dispatch')).toBe(false);
    } finally {
      for (const answer of held.splice(0)) answer();
      await agent.close();
      await t.close();
      await closeServer(server);
    }
  });
});
