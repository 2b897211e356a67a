import type { IncomingMessage } from 'node:http';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { type HttpMetricsOptions, HttpServerMetrics, recordRequestError } from './http/http-server-metrics';
import type { MetricsHandle } from './types';

/** Options of {@link expressMetrics}; `route` is supplied by the adapter. */
export type ExpressMetricsOptions = Omit<HttpMetricsOptions, 'route'>;

function expressRoute(req: IncomingMessage): string | undefined {
  const r = req as Request;
  const path: unknown = r.route?.path;
  if (path === undefined) return undefined; // no route matched (404): never the raw URL
  // Routers mounted at static paths: baseUrl is that path. (At parameterised mount paths Express
  // only keeps the matched values, so templates there come out with the values filled in.)
  return (r.baseUrl || '') + (typeof path === 'string' ? path : String(path));
}

/**
 * Express middleware recording HTTP server metrics with `http.route` taken from the matched route
 * template (`/users/:id`). Register it before your routes. Add {@link expressErrorMetrics} after
 * them to have thrown errors' class names as `error.type` (without it a thrown error is recorded
 * as status 500 with `error.type="500"`).
 *
 * @example
 * import { expressMetrics, expressErrorMetrics } from '@otelkit/metrics/express';
 * app.use(expressMetrics(metrics));
 * app.get('/users/:id', handler);
 * app.use(expressErrorMetrics());
 */
export function expressMetrics(metrics: MetricsHandle, options: ExpressMetricsOptions = {}): RequestHandler {
  const core = new HttpServerMetrics(metrics, { ...options, route: expressRoute });
  return function otelkitMetrics(req, res, next) {
    const state = core.start(req, res);
    if (state?.ctx) core.runInContext(state, next);
    else next();
  };
}

/**
 * Express error middleware: notes the error for `error.type` and passes it on unchanged
 * (`next(err)`), so your own error handlers still run.
 */
export function expressErrorMetrics(): ErrorRequestHandler {
  return function otelkitMetricsError(err, _req, res, next) {
    recordRequestError(res, err);
    next(err);
  };
}
