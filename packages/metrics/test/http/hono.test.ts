import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createMetrics } from '../../src/create-metrics';
import { honoMetrics } from '../../src/hono';
import type { MetricsHandle } from '../../src/types';
import { metricsConfig } from '../helpers/config';
import { eventually } from '../helpers/eventually';
import { httpRequest } from '../helpers/http';
import { activeRequests, durationPoints } from '../helpers/http-points';

class QuotaExceeded extends Error {}

describe('honoMetrics (real Hono 4 on @hono/node-server)', () => {
  let metrics: MetricsHandle;
  let server: ServerType | undefined;
  beforeEach(() => {
    metrics = createMetrics(metricsConfig());
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await metrics.shutdown();
  });

  it('records route templates (sub-apps too), 404s and thrown errors with their status and error.type', async () => {
    const app = new Hono();
    app.use(honoMetrics(metrics, { tracer: false }));
    app.use('*', async (_c, next) => next()); // another middleware: never taken for the route
    app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
    app.get('/boom/:n', () => {
      throw new QuotaExceeded('too many');
    });
    app.get('/unavailable', (c) => c.text('later', 503));
    const v2 = new Hono();
    v2.get('/orders/:orderId/lines/:line', (c) => c.text('line'));
    app.route('/v2', v2);
    app.onError((_err, c) => c.text('failed', 500));
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    });

    expect((await httpRequest(port, '/users/1')).status).toBe(200);
    expect((await httpRequest(port, '/v2/orders/77/lines/2')).status).toBe(200);
    expect((await httpRequest(port, '/missing/123')).status).toBe(404);
    expect((await httpRequest(port, '/boom/3')).status).toBe(500);
    expect((await httpRequest(port, '/unavailable')).status).toBe(503);
    for (let i = 2; i <= 20; i++) await httpRequest(port, `/users/${i}`);

    const points = await eventually(async () => {
      const p = await durationPoints(metrics);
      expect(p.reduce((a, x) => a + x.count, 0)).toBe(24);
      return p;
    });
    expect(
      points.map((p) => ({
        route: p.attributes['http.route'],
        status: p.attributes['http.response.status_code'],
        error: p.attributes['error.type'],
        count: p.count,
      })),
    ).toEqual([
      { route: '/boom/:n', status: 500, error: 'QuotaExceeded', count: 1 },
      { route: '/unavailable', status: 503, error: '503', count: 1 },
      { route: '/users/:id', status: 200, error: undefined, count: 20 },
      { route: '/v2/orders/:orderId/lines/:line', status: 200, error: undefined, count: 1 },
      { route: undefined, status: 404, error: undefined, count: 1 },
    ]);
    expect(await activeRequests(metrics)).toBe(0);
  });
});
