import type { Server } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { createMetrics } from '../../src/create-metrics';
import { koaMetrics } from '../../src/koa';
import type { MetricsHandle } from '../../src/types';
import { metricsConfig } from '../helpers/config';
import { eventually } from '../helpers/eventually';
import { httpRequest } from '../helpers/http';
import { activeRequests, durationPoints } from '../helpers/http-points';

class QuotaExceeded extends Error {}

describe('koaMetrics (real Koa 3 + @koa/router)', () => {
  let metrics: MetricsHandle;
  let server: Server | undefined;
  beforeEach(() => {
    metrics = createMetrics(metricsConfig());
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await metrics.shutdown();
  });

  it('records route templates (nested routers too), 404s and thrown errors with their status and error.type', async () => {
    const app = new Koa();
    app.silent = true; // the thrown error is ours; keep the test output clean
    app.use(koaMetrics(metrics, { tracer: false }));
    const router = new Router();
    router.get('/users/:id', (ctx) => {
      ctx.body = { id: ctx.params.id };
    });
    router.get('/boom/:n', () => {
      throw new QuotaExceeded('too many');
    });
    router.get('/unavailable', (ctx) => {
      ctx.status = 503;
      ctx.body = 'later';
    });
    const v2 = new Router({ prefix: '/v2' });
    v2.get('/orders/:orderId/lines/:line', (ctx) => {
      ctx.body = 'line';
    });
    app.use(router.routes()).use(v2.routes());
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server!.once('listening', r));
    const port = (server.address() as { port: number }).port;

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
