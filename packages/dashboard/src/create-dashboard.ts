import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError, type DashboardConfig, normalizeDashboard } from '@otelkit/config';
import type { DashboardFactory } from '@otelkit/service';
import { configView } from './data/config-view';
import { queryLogs } from './data/logs';
import { reportRequest } from './data/report';
import { listTraces, type SpanLike, traceDetail } from './data/traces';
import { loadAssets } from './server/assets';
import { CpuProfiler } from './server/cpu-profile';
import { compact, FrameHub, untraced, windowOf } from './server/frames';
import { Guard, plain, secure } from './server/guard';
import type { DashboardHandler, DashboardOptions, DashboardSource, DashboardStats } from './types';

const DEFAULT_CHALLENGE = 'Basic realm="otelkit dashboard", charset="UTF-8"';
const TRACE_ID = /^[0-9a-f]{32}$/;

function json(res: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body, compact);
  secure(res);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(text);
}

function intParam(v: string | null, def: number, min: number, max: number): number {
  if (v === null || v === '') return def;
  const n = Number(v);
  return Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), min), max) : def;
}

/** The slice to use: the options' (checked), else the monitoring's. */
function sliceOf(source: DashboardSource, options: DashboardOptions): DashboardConfig {
  const given = options.config ?? source.config.dashboard;
  // The monitoring's slice is normalised already; a `config` option goes through the same checks,
  // and is on unless it says otherwise (mounting the handler is the decision).
  return normalizeDashboard(
    given === source.config.dashboard ? given : { enabled: true, ...(given as object) },
  );
}

/**
 * The live monitoring page as a `node:http` request handler (like `metrics.handler`): mount it
 * in any server, Connect or Express app; it answers under `dashboard.path` and passes the rest
 * to `next()`. It reads what the monitoring already has — the cumulative metric reader on
 * demand, the rings of recent spans and log lines, the monitor's samples and alerts, the health
 * registry — and does nothing at all while nobody has the page open.
 *
 * Security: the Host allow-list (421), then the credentials (`dashboard.auth` Basic, or
 * `options.authorize`) on every path including the stream (401 + `WWW-Authenticate`), strict
 * CSP and no CORS on every response; the one action (a CPU profile) is a same-origin POST.
 *
 * @throws ConfigError when `auth` is `'custom'` without `options.authorize`, or the slice is invalid.
 *
 * @example
 * const monitoring = startMonitoring({ service: { name: 'orders' }, dashboard: true });
 * const dashboard = createDashboard(monitoring);
 * http.createServer((req, res) => dashboard(req, res, () => app(req, res))).listen(3000);
 * // http://127.0.0.1:3000/monitoring/dashboard/
 */
export function createDashboard(source: DashboardSource, options: DashboardOptions = {}): DashboardHandler {
  if (source === null || typeof source !== 'object' || typeof source.metrics?.collect !== 'function')
    throw new TypeError('createDashboard(monitoring): expected the handle startMonitoring() returns');
  if (options.authorize !== undefined && typeof options.authorize !== 'function')
    throw new TypeError(
      'createDashboard: options.authorize must be a function (req) => boolean | Promise<boolean>',
    );
  const config = sliceOf(source, options);
  if (config.auth?.type === 'custom' && options.authorize === undefined)
    throw new ConfigError([
      {
        path: 'dashboard.auth',
        message: "is 'custom' but no authorize(req) function was given to createDashboard",
        source: 'code',
      },
    ]);
  const guard = new Guard(config, options.authorize, options.challenge ?? DEFAULT_CHALLENGE);
  const assets = loadAssets();
  const hub = new FrameHub(source, config);
  const profiler = new CpuProfiler();
  const base = config.path;
  let refused = 0;
  let closed = false;

  const deny = (res: ServerResponse, status: number, reason: string) => {
    refused++;
    plain(res, status, reason, status === 401 ? { 'www-authenticate': guard.challenge } : {});
  };

  const serveAsset = (req: IncomingMessage, res: ServerResponse, path: string): boolean => {
    const a = assets.get(path);
    if (a === undefined) return false;
    secure(res);
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (req.headers['if-none-match'] === a.etag) {
      res.writeHead(304, { etag: a.etag });
      res.end();
      return true;
    }
    const body = gzip ? a.gzip : a.body;
    res.writeHead(200, {
      'content-type': a.type,
      'content-length': String(body.length),
      etag: a.etag,
      // Revalidated each time (the ETag makes that cheap): a new version is never stale.
      'cache-control': 'no-cache',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };

  const spans = () => (source.recent?.spans.toArray() ?? []) as unknown as SpanLike[];

  const route = async (req: IncomingMessage, res: ServerResponse, rel: string): Promise<void> => {
    const url = new URL(rel, 'http://dashboard.invalid');
    const path = url.pathname;
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    if (method === 'POST') {
      if (path !== '/api/actions/cpu-profile') return deny(res, 404, 'not found');
      if (!config.actions) return deny(res, 403, 'actions are turned off (dashboard.actions)');
      if (!guard.sameOrigin(req)) return deny(res, 403, 'cross-origin action refused');
      const refusal = profiler.refusal();
      if (refusal !== undefined) return plain(res, 429, refusal, { 'retry-after': '10' });
      const millis = intParam(q.get('seconds'), 3, 1, 30) * 1000;
      try {
        const profile = await profiler.profile(millis);
        secure(res);
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="cpu-${Date.now()}.cpuprofile"`,
        });
        res.end(profile);
      } catch (err) {
        plain(res, 500, `profile failed: ${err instanceof Error ? err.message : 'error'}`);
      }
      return;
    }
    if (method !== 'GET' && method !== 'HEAD')
      return plain(res, 405, 'method not allowed', { allow: 'GET, HEAD, POST' });
    if (path === '/' && String(req.headers.accept ?? '').includes('text/event-stream')) {
      secure(res);
      res.setHeader('cache-control', 'no-store');
      await hub.attach(req, res, windowOf(q.get('window')));
      return;
    }
    if (serveAsset(req, res, path)) return;
    switch (path) {
      case '/api/snapshot':
        return json(res, await hub.snapshot(windowOf(q.get('window'))));
      case '/api/traces':
        return json(res, {
          buffer: config.buffer !== false && source.recent !== undefined,
          ...(source.recent ? { selection: source.recent.spans.stats() } : {}),
          traces: listTraces(spans(), {
            errors: q.get('errors') === '1',
            ...(q.get('minMs') ? { minMillis: intParam(q.get('minMs'), 0, 0, 86_400_000) } : {}),
            ...(q.get('route') ? { route: (q.get('route') as string).slice(0, 200) } : {}),
            limit: intParam(q.get('limit'), 50, 1, 500),
          }),
        });
      case '/api/logs': {
        const ring = source.recent?.logs;
        return json(res, {
          buffer: ring !== undefined,
          logs: ring
            ? queryLogs(ring, {
                ...(q.get('level') ? { level: q.get('level') as string } : {}),
                ...(q.get('q') ? { text: (q.get('q') as string).slice(0, 200) } : {}),
                ...(q.get('trace') ? { traceId: q.get('trace') as string } : {}),
                limit: intParam(q.get('limit'), 200, 1, 2000),
              })
            : [],
        });
      }
      case '/api/config':
        return json(res, configView(source));
      case '/api/report':
      case '/api/report.csv':
      case '/api/report.json': {
        // The resource utilisation report (what `otelkit report --url` fetches), on demand.
        const r = reportRequest(source.resources, q, path);
        secure(res);
        res.writeHead(r.status, {
          'content-type': r.type,
          'cache-control': 'no-store',
          ...(r.filename ? { 'content-disposition': `attachment; filename="${r.filename}"` } : {}),
        });
        res.end(method === 'HEAD' ? undefined : r.body);
        return;
      }
      case '/api/profiler': {
        const p = options.profiler;
        if (p === undefined) return json(res, { enabled: false });
        const profile = await p.getProfile();
        const names = Object.entries(profile.byName)
          .map(([name, s]) => ({ name, ...s }))
          .sort((a, b) => b.totalMillis - a.totalMillis)
          .slice(0, 200);
        return json(res, {
          enabled: true,
          totalTimeMillis: profile.totalTimeMillis,
          traces: profile.traces.length,
          discarded: profile.discarded,
          names,
        });
      }
      case '/api/profiler/chrome-trace': {
        const p = options.profiler;
        if (p === undefined) return plain(res, 404, 'no profiler was given to createDashboard');
        secure(res);
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="profile-${Date.now()}.json"`,
        });
        res.end(JSON.stringify(p.toChromeTrace()));
        return;
      }
      default:
        break;
    }
    if (path.startsWith('/api/traces/')) {
      const id = path.slice('/api/traces/'.length).toLowerCase();
      if (!TRACE_ID.test(id)) return plain(res, 400, 'expected a 32-digit hex trace id');
      const detail = traceDetail(spans(), id);
      if (detail === undefined)
        return plain(res, 404, 'trace not in the ring (it may have been overwritten)');
      const ring = source.recent?.logs;
      return json(res, { ...detail, logs: ring ? queryLogs(ring, { traceId: id, limit: 500 }) : [] });
    }
    plain(res, 404, 'not found');
  };

  const serve = (req: IncomingMessage, res: ServerResponse, rel: string): void => {
    if (closed) {
      plain(res, 503, 'dashboard shut down');
      return;
    }
    untraced(() =>
      guard
        .check(req)
        .then((g) => (g.ok ? route(req, res, rel || '/') : deny(res, g.status, g.reason)))
        .catch(() => plain(res, 500, 'dashboard error')),
    );
  };

  const handler = ((req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (path === base) {
      // Relative URLs need the trailing slash: send the browser there (relative Location).
      if (!guard.hostAllowed(req)) return deny(res, 421, 'host not allowed');
      secure(res);
      res.writeHead(308, {
        location: `${base.slice(base.lastIndexOf('/') + 1)}/${q === -1 ? '' : url.slice(q)}`,
      });
      res.end();
      return;
    }
    if (path.startsWith(`${base}/`)) return serve(req, res, url.slice(base.length));
    if (next) return next();
    plain(res, 404, 'not found');
  }) as DashboardHandler;

  Object.defineProperty(handler, 'path', { value: base, enumerable: true });
  handler.serve = serve;
  handler.shutdown = async () => {
    closed = true;
    hub.close();
  };
  handler.stats = (): DashboardStats => ({
    clients: hub.clients,
    ticking: hub.ticking,
    frames: hub.frames,
    slowClientsClosed: hub.slowClientsClosed,
    collections: hub.collections,
    refused,
    lastFrameBytes: hub.lastFrameBytes,
    ...(source.recent ? { recentSpans: source.recent.spans.stats() } : {}),
  });
  return handler;
}

// `monitoring.dashboard()` of @otelkit/service finds the factory in this process-wide slot (its
// DASHBOARD_FACTORY_SLOT): the service cannot import this package, which depends on it. Set when
// this module loads — any import of @otelkit/dashboard, /express or /fastify — with the literal
// key, so that loading the dashboard does not load the service's runtime.
const factory: DashboardFactory<DashboardSource> = createDashboard;
(globalThis as unknown as Record<symbol, unknown>)[Symbol.for('otelkit.dashboard.factory.v1')] = factory;
