import Fastify, { type FastifyInstance } from 'fastify';
import { createMetrics } from '../../src/create-metrics';
import { fastifyMetrics } from '../../src/fastify';
import type { MetricsHandle } from '../../src/types';
import { metricsConfig } from '../helpers/config';
import { eventually } from '../helpers/eventually';
import { httpRequest } from '../helpers/http';
import { activeRequests, durationPoints } from '../helpers/http-points';

class QuotaExceeded extends Error {}

describe('fastifyMetrics', () => {
  let metrics: MetricsHandle;
  let app: FastifyInstance;
  beforeEach(() => {
    metrics = createMetrics(metricsConfig());
    app = Fastify();
  });
  afterEach(async () => {
    await app.close();
    await metrics.shutdown();
  });

  it('records route templates, 404s and thrown errors with their status and error.type', async () => {
    await app.register(fastifyMetrics(metrics, { tracer: false }));
    app.get('/users/:id', async (req) => ({ id: (req.params as { id: string }).id }));
    // Routes in an encapsulated child plugin are measured too (the hooks are not encapsulated).
    await app.register(
      async (child) => {
        child.get('/orders/:orderId/lines/:line', async () => 'line');
      },
      { prefix: '/v2' },
    );
    app.get('/boom/:n', async () => {
      throw new QuotaExceeded('too many');
    });
    app.get('/unavailable', async (_req, reply) => reply.code(503).send('later'));
    app.get('/health', async () => 'ok');
    const port = await app
      .listen({ port: 0, host: '127.0.0.1' })
      .then(() => (app.server.address() as { port: number }).port);

    expect((await httpRequest(port, '/users/1')).status).toBe(200);
    expect((await httpRequest(port, '/v2/orders/77/lines/2')).status).toBe(200);
    expect((await httpRequest(port, '/missing/123')).status).toBe(404);
    expect((await httpRequest(port, '/boom/3')).status).toBe(500);
    expect((await httpRequest(port, '/unavailable')).status).toBe(503);
    await httpRequest(port, '/health');

    const points = await eventually(async () => {
      const p = await durationPoints(metrics);
      expect(p.reduce((a, x) => a + x.count, 0)).toBe(5);
      return p;
    });
    expect(
      points.map((p) => ({
        route: p.attributes['http.route'],
        status: p.attributes['http.response.status_code'],
        error: p.attributes['error.type'],
      })),
    ).toEqual([
      { route: '/boom/:n', status: 500, error: 'QuotaExceeded' },
      { route: '/unavailable', status: 503, error: '503' },
      { route: '/users/:id', status: 200, error: undefined },
      { route: '/v2/orders/:orderId/lines/:line', status: 200, error: undefined },
      { route: undefined, status: 404, error: undefined },
    ]);
    expect(await activeRequests(metrics)).toBe(0);
  });
});
