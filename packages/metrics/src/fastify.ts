import type { FastifyPluginCallback } from 'fastify';
import { type HttpMetricsOptions, HttpServerMetrics, recordRequestError } from './http/http-server-metrics';
import type { MetricsHandle } from './types';

/** Options of {@link fastifyMetrics}; `route` is supplied by the adapter. */
export type FastifyMetricsOptions = Omit<HttpMetricsOptions, 'route'>;

/**
 * Fastify plugin recording HTTP server metrics for every route of the instance it is registered on
 * (hooks are not encapsulated), with `http.route` from the route template (`/users/:id`) and thrown
 * errors' class names as `error.type`.
 *
 * @example
 * import { fastifyMetrics } from '@otelkit/metrics/fastify';
 * await app.register(fastifyMetrics(metrics));
 */
export function fastifyMetrics(
  metrics: MetricsHandle,
  options: FastifyMetricsOptions = {},
): FastifyPluginCallback {
  const core = new HttpServerMetrics(metrics, options);
  const plugin: FastifyPluginCallback = (fastify, _opts, done) => {
    fastify.addHook('onRequest', (request, reply, next) => {
      const state = core.start(request.raw, reply.raw);
      if (!state) {
        next();
        return;
      }
      // Undefined for requests no route matched (404): never the raw URL.
      core.setRoute(state, request.routeOptions?.url);
      core.runInContext(state, next);
    });
    fastify.addHook('onError', (_request, reply, error, next) => {
      recordRequestError(reply.raw, error);
      next();
    });
    done();
  };
  // What fastify-plugin does: hooks apply to the parent instance, not an encapsulated child.
  const meta = plugin as unknown as Record<symbol, unknown>;
  meta[Symbol.for('skip-override')] = true;
  meta[Symbol.for('fastify.display-name')] = '@otelkit/metrics';
  return plugin;
}
