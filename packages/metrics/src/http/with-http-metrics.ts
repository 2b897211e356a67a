import type { IncomingMessage, RequestListener as NodeRequestListener, ServerResponse } from 'node:http';
import { context } from '@opentelemetry/api';
import type { MetricsHandle } from '../types';
import { type HttpMetricsOptions, HttpServerMetrics, recordRequestError } from './http-server-metrics';

/** A `node:http` request listener. */
export type RequestListener<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
> = (req: Req, res: Res) => unknown;

/**
 * Calls the handler once (with `self` as `this`); records a sync throw or a rejection as the
 * request's error. `self` is an argument, not `this`: a `thisArg` would make the context manager
 * bind a new function for every request.
 */
function invoke(self: unknown, handler: RequestListener, req: IncomingMessage, res: ServerResponse): unknown {
  let result: unknown;
  try {
    result = handler.call(self, req, res);
  } catch (err) {
    recordRequestError(res, err);
    throw err;
  }
  if (result instanceof Promise) {
    return result.then(undefined, (err: unknown) => {
      recordRequestError(res, err);
      throw err;
    });
  }
  return result;
}

/**
 * Wraps a plain `node:http` request listener with HTTP server metrics (and a server span when
 * tracing is on). The handler runs exactly once; what it returns or throws passes through (a
 * rejected promise is observed for `error.type` and handed back rejected).
 *
 * @example
 * const server = http.createServer(
 *   withHttpMetrics(metrics, handler, { route: (req) => router.match(req.url)?.template }),
 * );
 */
export function withHttpMetrics(
  metrics: MetricsHandle,
  handler: RequestListener,
  options: HttpMetricsOptions = {},
): NodeRequestListener {
  if (typeof handler !== 'function')
    throw new Error('@otelkit/metrics: withHttpMetrics needs a handler function');
  const core = new HttpServerMetrics(metrics, options);
  const listener = function metricsListener(
    this: unknown,
    req: IncomingMessage,
    res: ServerResponse,
  ): unknown {
    const state = core.start(req, res);
    // The listener's own return value (a promise, for async handlers) is handed back as is.
    if (!state) return handler.call(this, req, res);
    // No closure or bound function per request: context.with passes the arguments through.
    return state.ctx
      ? context.with(state.ctx, invoke, undefined, this, handler, req, res)
      : invoke(this, handler, req, res);
  };
  return listener as NodeRequestListener;
}
