// A real service for the dashboard tests: startMonitoring from one config, an Express app with
// otelkit's Express metrics (route templates), a fast, a 100 ms, a 50 %-500 and a /users/:id
// route, a traced route that logs twice and calls an erroring child, and the dashboard mounted
// in the same server. Everything listens on 127.0.0.1, port 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import type { DashboardInput } from '@otelkit/config';
import { createDashboard, type DashboardHandler, type DashboardOptions } from '@otelkit/dashboard';
import { dashboardMiddleware } from '@otelkit/dashboard/express';
import { expressMetrics } from '@otelkit/metrics/express';
import { type Monitoring, monitored, startMonitoring } from '@otelkit/service';
import { Profiler } from '@otelkit/tracing';
import express from 'express';

/** A @monitored class: its methods show in the methods panel (RED per `Class.method`). */
@monitored
class OrderService {
  async create(id: number): Promise<{ id: number }> {
    await new Promise((r) => setTimeout(r, 2));
    return { id };
  }

  async charge(id: number): Promise<void> {
    await new Promise((r) => setTimeout(r, 8));
    if (id % 3 === 0) throw new Error('card declined');
  }
}

export interface TestApp {
  readonly monitoring: Monitoring;
  readonly server: Server;
  readonly origin: string;
  /** The dashboard page (`…/monitoring/dashboard/`, or the sub-path mount). */
  readonly page: string;
  readonly dashboard: DashboardHandler | { shutdown(): Promise<void>; stats: DashboardHandler['stats'] };
  close(): Promise<void>;
}

export interface TestAppOptions {
  dashboard?: DashboardInput | boolean;
  options?: DashboardOptions;
  /** Mount through the Express adapter under this prefix instead of the node handler. */
  expressPrefix?: string;
  resources?: boolean;
  /** The resource manager on (pg kind), collecting every 250 ms. */
  pools?: boolean;
}

export async function startApp(o: TestAppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'otelkit-dashboard-'));
  const monitoring = startMonitoring(
    {
      service: { name: 'orders-test' },
      logging: { level: 'info', outputs: [{ type: 'file', path: join(dir, 'app.log') }] },
      metrics: { collectors: ['prometheus'], exporters: ['handler'] },
      tracing: { exporter: 'memory', sampler: 'always_on' },
      resources: o.resources === false ? { enabled: false } : { interval: '250ms' },
      ...(o.pools ? { pools: { interval: '250ms', kinds: ['pg'] } } : {}),
      instrumentations: false,
      shutdown: { timeout: '3s', handleSignals: false },
      dashboard: o.dashboard ?? true,
    } as never,
    { env: {}, file: false },
  );
  const app = express();
  app.use(expressMetrics(monitoring.metrics));
  let flaky = 0;
  app.get('/fast', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/slow', (_req, res) => {
    setTimeout(() => res.json({ ok: true }), 100);
  });
  app.get('/flaky', (_req, res) => {
    flaky++;
    res.status(flaky % 2 === 0 ? 500 : 200).json({ n: flaky });
  });
  app.get('/users/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  const orders = new OrderService();
  const profiler = new Profiler({ collectStackTrace: false });
  app.post('/orders/:id', async (req, res) => {
    const id = Number(req.params.id);
    await profiler.traceContext('orders.create', () => orders.create(id));
    try {
      await orders.charge(id);
      res.status(201).json({ id });
    } catch {
      res.status(402).json({ id, error: 'declined' });
    }
  });
  app.get('/work', async (_req, res) => {
    const log = monitoring.logger;
    log.info({ step: 'start' }, 'work started');
    await monitoring.tracer.startActiveSpan('load-order', async (child) => {
      await new Promise((r) => setTimeout(r, 5));
      child.end();
    });
    await monitoring.tracer.startActiveSpan('charge-card', async (child) => {
      await new Promise((r) => setTimeout(r, 10));
      child.recordException(new Error('card declined'));
      child.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
      child.end();
    });
    log.warn({ step: 'end' }, 'work finished with a declined card');
    res.json({ ok: true });
  });

  let dashboard: TestApp['dashboard'];
  let server: Server;
  if (o.expressPrefix !== undefined) {
    const mw = dashboardMiddleware(monitoring, { profiler, ...o.options });
    dashboard = mw;
    const outer = express();
    outer.use(o.expressPrefix, mw);
    outer.use(app);
    server = createServer(outer);
  } else {
    const handler = createDashboard(monitoring, { profiler, ...o.options });
    dashboard = handler;
    const health = monitoring.health.handler();
    server = createServer((req, res) => handler(req, res, () => health(req, res, () => app(req, res))));
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const path = o.expressPrefix ?? monitoring.config.dashboard.path;
  return {
    monitoring,
    server,
    origin,
    page: `${origin}${path}/`,
    dashboard,
    async close() {
      await dashboard.shutdown();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await monitoring.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `n` GET requests to `path`, `concurrency` at a time. */
export async function drive(
  origin: string,
  path: string | ((i: number) => string),
  n: number,
  concurrency = 10,
): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const r = await fetch(`${origin}${typeof path === 'string' ? path : path(i)}`);
      await r.arrayBuffer();
      statuses.push(r.status);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
