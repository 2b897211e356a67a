import type { MetricsHandle } from '../../src/types';
import { eventually } from './eventually';
import { httpRequest } from './http';
import { activeRequests, durationPoints } from './http-points';

/** The error class the framework tests' `/boom/:n` route throws. */
export class QuotaExceeded extends Error {}

/**
 * The framework adapters' shared check: an app serving `/users/:id`, `/v2/orders/:orderId/lines/:line`
 * (a nested router or sub-app), `/boom/:n` (throws QuotaExceeded), `/unavailable` (503) gets the
 * same requests, and the duration histogram must hold exactly these series.
 */
export async function expectRouteTemplates(metrics: MetricsHandle, port: number): Promise<void> {
  expect((await httpRequest(port, '/users/1')).status).toBe(200);
  expect((await httpRequest(port, '/v2/orders/77/lines/2')).status).toBe(200);
  expect((await httpRequest(port, '/missing/123')).status).toBe(404);
  expect((await httpRequest(port, '/boom/3')).status).toBe(500);
  expect((await httpRequest(port, '/unavailable')).status).toBe(503);
  // many ids, one template
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
}
