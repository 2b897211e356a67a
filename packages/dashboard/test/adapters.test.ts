// The other two ways to mount it: Fastify (the adapter imports Fastify as types only) and the
// dashboard's own listener (`dashboard.port`).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDashboard, startDashboard } from '@otelkit/dashboard';
import { dashboardPlugin } from '@otelkit/dashboard/fastify';
import { startMonitoring } from '@otelkit/service';
import { Profiler } from '@otelkit/tracing';
import Fastify from 'fastify';

jest.setTimeout(30_000);

const base = {
  service: { name: 'adapters-test' },
  // Two monitorings in one process: the second one's diag warning about the global provider is expected.
  logging: { level: 'fatal', outputs: ['stderr'] },
  metrics: { collectors: ['prometheus'], exporters: ['handler'] },
  tracing: { exporter: 'memory' },
  resources: { enabled: false },
  instrumentations: false,
  shutdown: { handleSignals: false },
};

describe('Fastify', () => {
  it('serves the page, the API and the stream under dashboard.path, and leaves the other routes alone', async () => {
    const monitoring = startMonitoring({ ...base, dashboard: true } as never, { env: {}, file: false });
    const app = Fastify();
    const plugin = dashboardPlugin(monitoring);
    await app.register(plugin);
    app.get('/hello', async () => ({ hi: true }));
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const page = await fetch(`${address}/monitoring/dashboard/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toContain('<script src="app.js" defer></script>');
      const redirect = await fetch(`${address}/monitoring/dashboard`, { redirect: 'manual' });
      expect(redirect.status).toBe(308);
      const snap = (await (await fetch(`${address}/monitoring/dashboard/api/snapshot`)).json()) as {
        service: string;
      };
      expect(snap.service).toBe('adapters-test');
      const ac = new AbortController();
      const stream = await fetch(`${address}/monitoring/dashboard/`, {
        headers: { accept: 'text/event-stream' },
        signal: ac.signal,
      });
      expect(stream.headers.get('content-type')).toContain('text/event-stream');
      const first = await stream.body!.getReader().read();
      expect(new TextDecoder().decode(first.value)).toContain('event: snapshot');
      ac.abort();
      expect(await (await fetch(`${address}/hello`)).json()).toEqual({ hi: true });
      expect(plugin.path).toBe('/monitoring/dashboard');
    } finally {
      await plugin.shutdown();
      await app.close();
      await monitoring.shutdown();
    }
  });
});

describe('its own listener', () => {
  it('binds dashboard.host:port (port 0 = any free port) and redirects / to the page', async () => {
    const monitoring = startMonitoring({ ...base, dashboard: { port: 0 } } as never, {
      env: {},
      file: false,
    });
    const server = await startDashboard(monitoring);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/monitoring\/dashboard\/$/);
      expect((await fetch(server.url)).status).toBe(200);
      const root = await fetch(new URL('/', server.url), { redirect: 'manual' });
      expect(root.status).toBe(308);
      expect(root.headers.get('location')).toBe('/monitoring/dashboard/');
      expect((await fetch(new URL('/other', server.url))).status).toBe(404);
    } finally {
      await server.shutdown();
      await server.shutdown();
      await monitoring.shutdown();
    }
  });

  it('refuses to start without a port', async () => {
    const monitoring = startMonitoring({ ...base, dashboard: true } as never, { env: {}, file: false });
    try {
      await expect(startDashboard(monitoring)).rejects.toThrow(/dashboard\.port is not set/);
    } finally {
      await monitoring.shutdown();
    }
  });
});

describe('a Profiler given to the dashboard', () => {
  it('serves its per-name results and its Chrome trace', async () => {
    const monitoring = startMonitoring({ ...base, dashboard: true } as never, { env: {}, file: false });
    const profiler = new Profiler({ collectStackTrace: false });
    const load = profiler.trace(async () => new Promise((r) => setTimeout(r, 5)), { name: 'db.load' });
    await profiler.traceContext('warmup', async () => {
      await load();
      await load();
    });
    const dashboard = createDashboard(monitoring, { profiler });
    const server = createServer((req, res) => dashboard(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base_ = `http://127.0.0.1:${(server.address() as AddressInfo).port}/monitoring/dashboard/`;
    try {
      const p = (await (await fetch(`${base_}api/profiler`)).json()) as {
        enabled: boolean;
        traces: number;
        names: Array<{ name: string; count: number; p95Millis: number }>;
      };
      expect(p.enabled).toBe(true);
      expect(p.traces).toBe(3);
      expect(p.names.map((n) => [n.name, n.count])).toEqual([
        ['warmup', 1],
        ['db.load', 2],
      ]);
      expect(p.names[1]!.p95Millis).toBeGreaterThanOrEqual(4);
      const trace = await fetch(`${base_}api/profiler/chrome-trace`);
      expect(trace.headers.get('content-disposition')).toMatch(/^attachment; filename="profile-\d+\.json"$/);
      const events = (await trace.json()) as { traceEvents: Array<{ name: string }> };
      expect(events.traceEvents.map((e) => e.name)).toEqual(expect.arrayContaining(['db.load', 'warmup']));
    } finally {
      await dashboard.shutdown();
      server.close();
      await monitoring.shutdown();
    }
    const none = createDashboard(monitoring);
    const noneServer = createServer((req, res) => none(req, res));
    await new Promise<void>((r) => noneServer.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(noneServer.address() as AddressInfo).port}/monitoring/dashboard/api/profiler`;
      expect(await (await fetch(url)).json()).toEqual({ enabled: false });
    } finally {
      noneServer.close();
    }
  });
});
