import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { type HttpMetricsOptions, HttpServerMetrics, recordRequestError } from './http/http-server-metrics';
import type { MetricsHandle } from './types';

/** Options of {@link honoMetrics}; `route` is supplied by the adapter. */
export type HonoMetricsOptions = Omit<HttpMetricsOptions, 'route'>;

/** The node:http pair `@hono/node-server` hands the app as `c.env` (its `HttpBindings`). */
interface NodeBindings {
  readonly incoming?: IncomingMessage;
  readonly outgoing?: ServerResponse;
}

/**
 * The template of the route that handled the request (`/users/:id`): the last matched route that
 * is not a middleware (`*`, `/*`), or undefined for a 404 — never the raw URL.
 */
function honoRoute(c: Context): string | undefined {
  const matched = (c.req as { matchedRoutes?: ReadonlyArray<{ path: string; method: string }> })
    .matchedRoutes;
  if (!Array.isArray(matched)) return undefined;
  for (let i = matched.length - 1; i >= 0; i--) {
    const r = matched[i]!;
    if (r.method !== 'ALL' && typeof r.path === 'string') return r.path;
  }
  return undefined;
}

/**
 * Hono middleware for the Node adapter (`@hono/node-server`), recording HTTP server metrics with
 * `http.route` from the matched route template (`/users/:id`) and a handler's error class as
 * `error.type`. It measures the node:http request under Hono (`c.env.incoming` / `c.env.outgoing`),
 * so the numbers are the same as every other otelkit adapter's; on other runtimes it passes through.
 *
 * @example
 * import { honoMetrics } from '@otelkit/metrics/hono';
 * app.use(honoMetrics(metrics));
 * serve({ fetch: app.fetch, port: 3000 });
 */
export function honoMetrics(metrics: MetricsHandle, options: HonoMetricsOptions = {}): MiddlewareHandler {
  const core = new HttpServerMetrics(metrics, options);
  return async function otelkitMetrics(c, next) {
    const env = c.env as NodeBindings | undefined;
    const req = env?.incoming;
    const res = env?.outgoing;
    if (req === undefined || res === undefined) {
      await next();
      return;
    }
    const state = core.start(req, res);
    try {
      await core.runInContext(state, next);
    } finally {
      // Hono catches a handler's error (onError answers 500) and keeps it on the context.
      if (c.error !== undefined) recordRequestError(res, c.error);
      if (state) core.setRoute(state, honoRoute(c));
    }
  };
}
