import type { Attributes } from '@opentelemetry/api';
import type { MetricsHandle } from '../../src/types';
import { pointsOf } from './collect';

export interface DurationPoint {
  attributes: Attributes;
  count: number;
}

/** `http.server.request.duration` points, sorted by route then status, with counts. */
export async function durationPoints(metrics: MetricsHandle): Promise<DurationPoint[]> {
  const points = await pointsOf(metrics, 'http.server.request.duration');
  return points
    .map((p) => ({ attributes: p.attributes, count: (p.value as { count: number }).count }))
    .sort((a, b) =>
      `${a.attributes['http.route']}|${a.attributes['http.response.status_code']}`.localeCompare(
        `${b.attributes['http.route']}|${b.attributes['http.response.status_code']}`,
      ),
    );
}

/** Sum of `http.server.active_requests` over all its series. */
export async function activeRequests(metrics: MetricsHandle): Promise<number> {
  const points = await pointsOf(metrics, 'http.server.active_requests');
  return points.reduce((a, p) => a + (p.value as number), 0);
}
