import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { HttpServerMetrics } from '@otelkit/metrics';
import type { Monitoring } from '@otelkit/service';
import { OTELKIT_MONITORING } from './tokens';

/** Requests left unmeasured because their path is on `ignorePaths` (health probes, the scrape). */
const ignoredRequests = new WeakSet<IncomingMessage>();

/**
 * Whether the middleware left `req` (the node:http request) unmeasured because its path is on
 * `metrics.http.ignorePaths`: the interceptor then gives its handler no span either, so probes do
 * not become root spans.
 */
export function ignoredRequest(req: unknown): boolean {
  return typeof req === 'object' && req !== null && ignoredRequests.has(req as IncomingMessage);
}

/** The route object Express had set when this middleware ran (its own wildcard mount). */
const ownRoute = new WeakMap<IncomingMessage, unknown>();

/**
 * Express: the route the router matched (`req.route.path`, behind a static mount `req.baseUrl`).
 * Read when the request ends, for requests the interceptor never saw (a guard refused them).
 * Nest on Fastify hands middleware the raw request, which has no route: the interceptor names it.
 */
function expressRoute(req: IncomingMessage): string | undefined {
  const r = req as IncomingMessage & { route?: { path?: unknown }; baseUrl?: unknown };
  // Nest mounts this middleware as a wildcard route: still ours when no controller route matched.
  if (r.route === ownRoute.get(req)) return undefined;
  const path = r.route?.path;
  if (typeof path !== 'string') return undefined; // no route matched (404): never the raw URL
  return (typeof r.baseUrl === 'string' ? r.baseUrl : '') + path;
}

/**
 * Measures every request the Nest app serves with `@otelkit/metrics`' HTTP server metrics — the
 * same core the Express and Fastify adapters use, so a request is measured once: when the http
 * auto-instrumentation already measures it (the `register` entry, or `startMonitoring`'s
 * instrumentations), this only joins that measurement; otherwise it starts the SERVER span
 * (config `metrics.http.serverSpans`) and runs the rest of the request in its context.
 * `OtelkitModule` applies it to every route; the interceptor names the route.
 */
export class OtelkitHttpMiddleware implements NestMiddleware {
  private readonly _core: HttpServerMetrics;

  constructor(monitoring: Monitoring) {
    this._core = new HttpServerMetrics(monitoring.metrics, { route: expressRoute });
  }

  use(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
    let state: ReturnType<HttpServerMetrics['start']>;
    try {
      // Nest on Fastify strips the mount path from `req.url` as middie does (here: all of it);
      // the path as requested is `originalUrl`, which is what is ignored or measured.
      const original = (req as { originalUrl?: unknown }).originalUrl;
      const url = req.url;
      if (typeof original === 'string') req.url = original;
      try {
        if (this._core.ignored(req.url)) {
          ignoredRequests.add(req);
        } else {
          ownRoute.set(req, (req as { route?: unknown }).route);
          state = this._core.start(req, res);
        }
      } finally {
        req.url = url;
      }
    } catch {
      // instrumentation never breaks the request
    }
    if (state?.ctx) this._core.runInContext(state, next);
    else next();
  }
}
// Applied as calls, not decorator syntax: the package compiles without experimentalDecorators.
Injectable()(OtelkitHttpMiddleware);
Inject(OTELKIT_MONITORING)(OtelkitHttpMiddleware, undefined, 0);
