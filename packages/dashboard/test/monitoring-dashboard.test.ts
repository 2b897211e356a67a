// `monitoring.dashboard()`: the service's handle returns this package's handler without the
// service depending on it — importing @otelkit/dashboard fills the process-wide slot the service
// reads. (The service's own tests cover the lazy require and the not-installed error, in child
// processes: packages/service/test/dashboard-mount.test.ts.) Also: while nobody watches, the
// dashboard code starts no timer at all, mounted in front of an app serving traffic.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDashboard } from '@otelkit/dashboard';
import { DASHBOARD_FACTORY_SLOT, type Monitoring, startMonitoring } from '@otelkit/service';

jest.setTimeout(30_000);

describe('monitoring.dashboard()', () => {
  let dir: string;
  let monitoring: Monitoring;
  let server: Server | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'otelkit-mount-'));
    monitoring = startMonitoring(
      {
        service: { name: 'mount-test' },
        logging: { level: 'info', outputs: [{ type: 'file', path: join(dir, 'app.log') }] },
        metrics: { collectors: ['prometheus'], exporters: ['handler'] },
        tracing: { exporter: 'memory', sampler: 'always_on' },
        resources: { enabled: false },
        instrumentations: false,
        shutdown: { timeout: '3s', handleSignals: false },
        dashboard: true,
      } as never,
      { env: {}, file: false },
    );
  });
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
    await monitoring.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const listen = async (handler: Parameters<typeof createServer>[1]) => {
    server = createServer(handler);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  };

  it('importing @otelkit/dashboard registers createDashboard in the slot the service reads', () => {
    expect((globalThis as unknown as Record<symbol, unknown>)[DASHBOARD_FACTORY_SLOT]).toBe(createDashboard);
  });

  it('returns the node:http handler: the page under dashboard.path, everything else to next()', async () => {
    const dashboard = monitoring.dashboard();
    expect(dashboard.path).toBe('/monitoring/dashboard');
    const origin = await listen((req, res) => dashboard(req, res, () => res.end('app')));
    const page = await fetch(`${origin}/monitoring/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    await page.text();
    expect(await (await fetch(`${origin}/users/1`)).text()).toBe('app');
    const snap = await (await fetch(`${origin}/monitoring/dashboard/api/snapshot`)).json();
    expect(snap).toHaveProperty('red');
    expect(dashboard.stats()).toMatchObject({ clients: 0, ticking: false });
  });

  it('passes its options on (a config slice, authorize) like createDashboard', async () => {
    const dashboard = monitoring.dashboard({
      config: { path: '/ops' },
      authorize: (req) => req.headers['x-ok'] === 'yes',
    });
    expect(dashboard.path).toBe('/ops');
    const origin = await listen((req, res) => dashboard(req, res, () => res.end('app')));
    const denied = await fetch(`${origin}/ops/`);
    expect(denied.status).toBe(401);
    await denied.text();
    const allowed = await fetch(`${origin}/ops/`, { headers: { 'x-ok': 'yes' } });
    expect(allowed.status).toBe(200);
    await allowed.text();
  });

  it('monitoring.shutdown() ends the streams of the handlers it made', async () => {
    const dashboard = monitoring.dashboard();
    const origin = await listen((req, res) => dashboard(req, res, () => res.end('app')));
    const ended = new Promise<string>((resolve, reject) => {
      get(`${origin}/monitoring/dashboard/`, { headers: { accept: 'text/event-stream' } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
        res.on('error', reject);
      }).on('error', reject);
    });
    for (let i = 0; i < 50 && dashboard.stats().clients === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(dashboard.stats()).toMatchObject({ clients: 1, ticking: true });
    await monitoring.shutdown();
    expect(await ended).toContain('event: snapshot');
    expect(dashboard.stats()).toMatchObject({ clients: 0, ticking: false });
  });

  it('nobody watching: the dashboard code starts no timer and makes no collection while the app serves traffic', async () => {
    const started: string[] = [];
    const spy = <K extends 'setTimeout' | 'setInterval' | 'setImmediate'>(name: K) => {
      const original = globalThis[name];
      const wrapped = ((...args: unknown[]) => {
        const stack = new Error().stack ?? '';
        if (/packages[\\/]dashboard[\\/]src/.test(stack)) started.push(`${name}\n${stack}`);
        return (original as (...a: unknown[]) => unknown)(...args);
      }) as unknown as (typeof globalThis)[K];
      globalThis[name] = wrapped;
      return () => {
        globalThis[name] = original;
      };
    };
    const restore = [spy('setTimeout'), spy('setInterval'), spy('setImmediate')];
    try {
      const dashboard = monitoring.dashboard();
      const origin = await listen((req, res) =>
        dashboard(req, res, () => {
          monitoring.logger.info({ url: req.url }, 'request');
          monitoring.tracer.startSpan('work').end();
          res.end('app');
        }),
      );
      for (let i = 0; i < 50; i++) await (await fetch(`${origin}/users/${i}`)).text();
      await new Promise((r) => setTimeout(r, 1100));
      expect(started).toEqual([]);
      expect(dashboard.stats()).toMatchObject({ clients: 0, ticking: false, collections: 0, frames: 0 });
      // The rings did fill (the dashboard is on), read only now, on demand.
      expect(monitoring.recent!.spans.toArray().length).toBeGreaterThanOrEqual(50);
      // The control: the spies do see the dashboard's 1 Hz tick once somebody watches.
      const tick = () => started.some((t) => /^setInterval\n[\s\S]*frames\.ts/.test(t));
      const watcher = get(
        `${origin}/monitoring/dashboard/`,
        { headers: { accept: 'text/event-stream' } },
        (res) => res.resume(),
      ).on('error', () => {});
      for (let i = 0; i < 100 && !tick(); i++) await new Promise((r) => setTimeout(r, 20));
      watcher.destroy();
      expect(tick()).toBe(true);
    } finally {
      for (const r of restore) r();
    }
  });
});
