import type { Context, Middleware } from 'koa';
import { type HttpMetricsOptions, HttpServerMetrics, recordRequestError } from './http/http-server-metrics';
import type { MetricsHandle } from './types';

/** Options of {@link koaMetrics}; `route` is supplied by the adapter. */
export type KoaMetricsOptions = Omit<HttpMetricsOptions, 'route'>;

/** The template `@koa/router` matched (`/users/:id`), or undefined for a 404 — never the raw URL. */
function koaRoute(ctx: Context): string | undefined {
  const c = ctx as Context & { _matchedRoute?: unknown; routerPath?: unknown };
  const route = c._matchedRoute ?? c.routerPath;
  return typeof route === 'string' && route.length > 0 ? route : undefined;
}

/**
 * Koa middleware recording HTTP server metrics, with `http.route` from the route template
 * `@koa/router` matched (`/users/:id`) and a thrown error's class name as `error.type` (the error
 * is rethrown unchanged, so Koa's own error handling still runs). Use it first: `app.use(koaMetrics(metrics))`.
 *
 * @example
 * import { koaMetrics } from '@otelkit/metrics/koa';
 * app.use(koaMetrics(metrics));
 * app.use(router.routes());
 */
export function koaMetrics(metrics: MetricsHandle, options: KoaMetricsOptions = {}): Middleware {
  const core = new HttpServerMetrics(metrics, options);
  return async function otelkitMetrics(ctx, next) {
    const state = core.start(ctx.req, ctx.res);
    try {
      await core.runInContext(state, next);
    } catch (err) {
      recordRequestError(ctx.res, err);
      throw err;
    } finally {
      // Routing has happened by now and Koa writes the response only after the chain: in time.
      if (state) core.setRoute(state, koaRoute(ctx));
    }
  };
}
