import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DashboardHandler } from '@otelkit/dashboard';
import { withHttpMetrics } from '@otelkit/metrics';
import type { Monitoring } from '@otelkit/service';
import { NotFoundError, type OrderService, PaymentDeclinedError, ValidationError } from './orders';

const MAX_BODY = 16 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ValidationError('body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new ValidationError('body is not JSON');
  }
}

/** The route template of a request, for `http.route` (never the raw URL with its ids). */
export function routeOf(req: IncomingMessage): string | undefined {
  const path = (req.url ?? '/').split('?')[0]!;
  if (path === '/orders') return '/orders';
  if (/^\/orders\/[^/]+$/.test(path)) return '/orders/:id';
  if (path === '/') return '/';
  return undefined;
}

/**
 * The demo's HTTP API, with HTTP metrics and a server span per request, and the live dashboard
 * (when given) mounted in front: its own requests never reach the API's metrics or traces.
 */
export function createApiServer(
  monitoring: Monitoring,
  orders: OrderService,
  dashboard?: DashboardHandler,
): Server {
  const health = monitoring.health.handler();
  const metricsPath = monitoring.metrics.prometheusPath ?? '/metrics';

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      if (path.startsWith('/health')) return health(req, res);
      if (path === metricsPath) return monitoring.metrics.handler(req, res);
      const route = routeOf(req);
      if (route === '/orders' && req.method === 'POST') {
        const body = (await readJson(req)) as { item?: unknown; quantity?: unknown };
        return send(res, 201, await orders.place(body.item, body.quantity));
      }
      if (route === '/orders/:id' && req.method === 'GET') {
        return send(res, 200, await orders.get(decodeURIComponent(path.slice('/orders/'.length))));
      }
      if (path === '/debug/traces' && req.method === 'GET') {
        const spans = monitoring.tracing.memoryExporter?.getFinishedSpans() ?? [];
        return send(
          res,
          200,
          spans.slice(-100).map((s) => ({
            name: s.name,
            traceId: s.spanContext().traceId,
            spanId: s.spanContext().spanId,
            parentSpanId: s.parentSpanContext?.spanId,
            durationMs: s.duration[0] * 1e3 + s.duration[1] / 1e6,
            status: s.status.code === 2 ? 'ERROR' : 'OK',
          })),
        );
      }
      if (route === '/' && req.method === 'GET') {
        return send(res, 200, {
          service: monitoring.config.service.name,
          orders: await orders.count(),
          metrics: metricsPath,
          health: '/health',
        });
      }
      return send(res, 404, { error: 'not found' });
    } catch (err) {
      if (err instanceof ValidationError) return send(res, 400, { error: err.message });
      if (err instanceof NotFoundError) return send(res, 404, { error: err.message });
      if (err instanceof PaymentDeclinedError) return send(res, 402, { error: err.message });
      monitoring.logger.error({ err }, 'request failed');
      return send(res, 500, { error: 'internal error' });
    }
  };
  const api = withHttpMetrics(monitoring.metrics, handler, { route: routeOf });
  return createServer(dashboard ? (req, res) => dashboard(req, res, () => api(req, res)) : api);
}
