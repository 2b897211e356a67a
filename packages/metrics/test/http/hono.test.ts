import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createMetrics } from '../../src/create-metrics';
import { honoMetrics } from '../../src/hono';
import type { MetricsHandle } from '../../src/types';
import { metricsConfig } from '../helpers/config';
import { expectRouteTemplates, QuotaExceeded } from '../helpers/route-matrix';

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

    await expectRouteTemplates(metrics, port);
  });
});
