/**
 * Fastify (4 and 5) mounting: `app.register(dashboardPlugin(monitoring))` serves the dashboard at
 * `dashboard.path`, answering on the raw request (`reply.hijack()`), so the stream is not
 * buffered. Fastify is imported as types only.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createDashboard } from './create-dashboard';
import type { DashboardHandler, DashboardOptions, DashboardSource } from './types';

/** A Fastify plugin function with the handler's `shutdown()` and `stats()`. */
export type DashboardPlugin = ((app: FastifyInstance) => Promise<void>) &
  Pick<DashboardHandler, 'path' | 'shutdown' | 'stats'>;

/**
 * @example
 * await app.register(dashboardPlugin(monitoring)); // http://127.0.0.1:3000/monitoring/dashboard/
 */
export function dashboardPlugin(source: DashboardSource, options: DashboardOptions = {}): DashboardPlugin {
  const handler = createDashboard(source, options);
  const answer = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    handler(request.raw, reply.raw);
  };
  const plugin = (async (app: FastifyInstance) => {
    // Not encapsulated: the routes belong to the app it is registered on.
    app.route({ method: ['GET', 'HEAD', 'POST'], url: handler.path, handler: answer });
    app.route({ method: ['GET', 'HEAD', 'POST'], url: `${handler.path}/*`, handler: answer });
  }) as DashboardPlugin;
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  Object.defineProperty(plugin, 'path', { value: handler.path, enumerable: true });
  plugin.shutdown = handler.shutdown;
  plugin.stats = handler.stats;
  return plugin;
}
