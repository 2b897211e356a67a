import type { Server } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { createMetrics } from '../../src/create-metrics';
import { koaMetrics } from '../../src/koa';
import type { MetricsHandle } from '../../src/types';
import { metricsConfig } from '../helpers/config';
import { expectRouteTemplates, QuotaExceeded } from '../helpers/route-matrix';

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

    await expectRouteTemplates(metrics, port);
  });
});
