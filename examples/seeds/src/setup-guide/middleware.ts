// Monitoring Setup Guide — "Integration with Middleware": MonitoringMiddleware over
// PerformanceMetrics, here around a node:http handler.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { runIfMain } from '../services';
import { PerformanceMetrics } from './performance-metrics';

type Request = IncomingMessage & { startTime?: number; path: string };
type Response = ServerResponse & { request: Request };

export class MonitoringMiddleware {
  constructor(readonly metrics: PerformanceMetrics) {}

  async shouldRun(request: Request): Promise<boolean> {
    // Only monitor non-metrics endpoints
    return !request.path.startsWith('/metrics');
  }

  async processRequest(request: Request): Promise<Request> {
    if (!(await this.shouldRun(request))) {
      return request;
    }

    // Track request
    this.metrics.activeRequests.inc();
    request.startTime = performance.now() / 1000;
    return request;
  }

  async processResponse(response: Response): Promise<Response> {
    if (response.request.startTime !== undefined) {
      const duration = performance.now() / 1000 - response.request.startTime;
      this.metrics.requestTimes.observe(duration);
      this.metrics.activeRequests.dec();
    }
    return response;
  }
}

/** An app whose handler runs between the middleware's two hooks. */
export function createApp(
  middleware: MonitoringMiddleware,
  handler: (req: Request, res: Response) => Promise<void>,
): Server {
  return createServer((req, res) => {
    const request = Object.assign(req, { path: new URL(req.url ?? '/', 'http://x').pathname }) as Request;
    const response = Object.assign(res, { request }) as Response;
    void (async () => {
      await middleware.processRequest(request);
      try {
        await handler(request, response);
      } finally {
        await middleware.processResponse(response);
      }
    })();
  });
}

runIfMain(module, async () => {
  const { startMonitoring } = await import('@otelkit/service');
  startMonitoring();
  const app = createApp(new MonitoringMiddleware(new PerformanceMetrics()), async (_req, res) => {
    res.end('hello\n');
  });
  app.listen(8080, '127.0.0.1', () => console.log('http://127.0.0.1:8080/'));
});
