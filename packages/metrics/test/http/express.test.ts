import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createMetrics } from '../../src/create-metrics';
import { expressErrorMetrics, expressMetrics } from '../../src/express';
import type { MetricsHandle } from '../../src/types';
import { metricsConfig } from '../helpers/config';
import { eventually } from '../helpers/eventually';
import { httpRequest } from '../helpers/http';
import { activeRequests, type DurationPoint, durationPoints } from '../helpers/http-points';

class NotFoundInDb extends Error {}

function buildApp(metrics: MetricsHandle, withErrorMiddleware: boolean) {
  const app = express();
  app.use(expressMetrics(metrics, { tracer: false }));
  app.get('/users/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  const api = express.Router();
  api.get('/items/:itemId/parts/:partId', (_req, res) => {
    res.send('part');
  });
  app.use('/api', api);
  app.get('/boom/:n', () => {
    throw new TypeError('bad input');
  });
  app.get('/async-boom', async () => {
    throw new NotFoundInDb('gone');
  });
  app.get('/health', (_req, res) => {
    res.send('ok');
  });
  if (withErrorMiddleware) app.use(expressErrorMetrics());
  // The app's own error handler still runs after ours.
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).send(`handled ${err.message}`);
  });
  return app;
}

async function start(app: express.Express): Promise<{ server: Server; port: number }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { server, port: (server.address() as AddressInfo).port };
}

function byRoute(points: DurationPoint[]) {
  return points.map((p) => ({
    route: p.attributes['http.route'],
    status: p.attributes['http.response.status_code'],
    error: p.attributes['error.type'],
    count: p.count,
  }));
}

describe('expressMetrics', () => {
  let metrics: MetricsHandle;
  let server: Server | undefined;
  beforeEach(() => {
    metrics = createMetrics(metricsConfig());
  });
  afterEach(async () => {
    server?.closeAllConnections();
    server?.close();
    await metrics.shutdown();
  });

  it('records route templates, 404s and thrown errors with their status and error.type', async () => {
    const s = await start(buildApp(metrics, true));
    server = s.server;
    expect((await httpRequest(s.port, '/users/1')).status).toBe(200);
    expect((await httpRequest(s.port, '/users/2')).status).toBe(200);
    expect((await httpRequest(s.port, '/api/items/9/parts/3')).status).toBe(200);
    expect((await httpRequest(s.port, '/nope/123')).status).toBe(404);
    const boom = await httpRequest(s.port, '/boom/5');
    expect(boom).toMatchObject({ status: 500, body: 'handled bad input' });
    expect((await httpRequest(s.port, '/async-boom')).status).toBe(500);
    await httpRequest(s.port, '/health');
    const points = await eventually(async () => {
      const p = await durationPoints(metrics);
      expect(p.reduce((a, x) => a + x.count, 0)).toBe(6);
      return p;
    });
    expect(byRoute(points)).toEqual([
      { route: '/api/items/:itemId/parts/:partId', status: 200, error: undefined, count: 1 },
      { route: '/async-boom', status: 500, error: 'NotFoundInDb', count: 1 },
      { route: '/boom/:n', status: 500, error: 'TypeError', count: 1 },
      { route: '/users/:id', status: 200, error: undefined, count: 2 },
      { route: undefined, status: 404, error: undefined, count: 1 },
    ]);
    expect(await activeRequests(metrics)).toBe(0);
  });

  it('without the error middleware records a thrown error as its 500 status', async () => {
    const s = await start(buildApp(metrics, false));
    server = s.server;
    await httpRequest(s.port, '/boom/1');
    const points = await eventually(async () => {
      const p = await durationPoints(metrics);
      expect(p).toHaveLength(1);
      return p;
    });
    expect(byRoute(points)).toEqual([{ route: '/boom/:n', status: 500, error: '500', count: 1 }]);
  });
});
