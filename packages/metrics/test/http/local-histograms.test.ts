import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregationTemporality, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { createMetrics } from '../../src/create-metrics';
import { LocalHistograms } from '../../src/http/local-histograms';
import { withHttpMetrics } from '../../src/http/with-http-metrics';
import type { MetricsHandle } from '../../src/types';
import { metricNamed, pointsOf } from '../helpers/collect';
import { metricsConfig } from '../helpers/config';
import { eventually } from '../helpers/eventually';
import { httpRequest } from '../helpers/http';

async function serve(listener: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('HTTP histograms aggregated locally', () => {
  let metrics: MetricsHandle;
  let server: Server | undefined;
  afterEach(async () => {
    server?.close();
    server = undefined;
    await metrics.shutdown();
  });

  it('applies config views to http.server.request.duration: buckets, attribute allow-list, rename', async () => {
    metrics = createMetrics(
      metricsConfig({
        views: [
          {
            instrument: 'http.server.request.*',
            buckets: [0.5, 1],
            attributes: ['http.request.method'],
          },
        ],
      }),
    );
    const s = await serve(
      withHttpMetrics(metrics, (_req, res) => res.end(), { tracer: false, route: (r) => r.url }),
    );
    server = s.server;
    await httpRequest(s.port, '/a');
    await httpRequest(s.port, '/b');
    const points = await eventually(async () => {
      const p = await pointsOf(metrics, 'http.server.request.duration');
      expect((p[0]?.value as { count: number } | undefined)?.count).toBe(2);
      return p;
    });
    expect(points).toHaveLength(1);
    expect(points[0]!.attributes).toEqual({ 'http.request.method': 'GET' });
    expect((points[0]!.value as { buckets: { boundaries: number[] } }).buckets.boundaries).toEqual([0.5, 1]);
  });

  it('drops it with a drop view', async () => {
    metrics = createMetrics(
      metricsConfig({ views: [{ instrument: 'http.server.request.duration', drop: true }] }),
    );
    const s = await serve(withHttpMetrics(metrics, (_req, res) => res.end(), { tracer: false }));
    server = s.server;
    await httpRequest(s.port, '/a');
    await eventually(async () =>
      expect(await pointsOf(metrics, 'http.server.active_requests')).toHaveLength(1),
    );
    expect(await metricNamed(metrics, 'http.server.request.duration')).toBeUndefined();
  });

  it('caps series at the cardinality limit even when a route function leaks raw URLs', async () => {
    metrics = createMetrics(metricsConfig({ cardinalityLimit: 10 }));
    const s = await serve(
      withHttpMetrics(metrics, (_req, res) => res.end(), { tracer: false, route: (r) => r.url }),
    );
    server = s.server;
    for (let i = 0; i < 30; i++) await httpRequest(s.port, `/orders/${i}`);
    const points = await eventually(async () => {
      const p = await pointsOf(metrics, 'http.server.request.duration');
      expect(p.reduce((a, x) => a + (x.value as { count: number }).count, 0)).toBe(30);
      return p;
    });
    expect(points).toHaveLength(10);
    const overflow = points.filter((p) => p.attributes['otel.metric.overflow'] === true);
    expect(overflow).toHaveLength(1);
    expect((overflow[0]!.value as { count: number }).count).toBe(21);
    expect(metrics.stats().overflow.instruments).toEqual(['http.server.request.duration']);
  });
});

describe('LocalHistograms producer', () => {
  it('reports deltas to a delta reader and lifetime totals to a cumulative one', async () => {
    const local = new LocalHistograms(100, [], 'scope');
    const h = local.histogram('d', 'desc', 's', [1, 10]);
    const delta = local.producer(AggregationTemporality.DELTA);
    const cumulative = local.producer(AggregationTemporality.CUMULATIVE);
    const read = async (p: typeof delta) => {
      const { resourceMetrics } = await p.collect();
      const metric = resourceMetrics.scopeMetrics[0]?.metrics[0] as HistogramMetricData | undefined;
      return metric?.dataPoints.map((d) => ({ attrs: d.attributes, ...d.value }));
    };
    h.recordNew('k1', { a: 1 }, 0.5);
    h.recordKnown('k1', 5);
    expect(await read(delta)).toEqual([
      { attrs: { a: 1 }, buckets: { boundaries: [1, 10], counts: [1, 1, 0] }, sum: 5.5, count: 2 },
    ]);
    expect(h.recordKnown('k1', 50)).toBe(true);
    expect(h.recordKnown('unknown', 1)).toBe(false);
    expect(await read(delta)).toEqual([
      { attrs: { a: 1 }, buckets: { boundaries: [1, 10], counts: [0, 0, 1] }, sum: 50, count: 1 },
    ]);
    // Nothing new: a delta reader gets no point at all.
    expect(await read(delta)).toBeUndefined();
    expect(await read(cumulative)).toEqual([
      {
        attrs: { a: 1 },
        buckets: { boundaries: [1, 10], counts: [1, 1, 1] },
        sum: 55.5,
        count: 3,
        min: 0.5,
        max: 50,
      },
    ]);
  });

  it('ignores NaN, negative and infinite values like the SDK', async () => {
    const local = new LocalHistograms(100, [], 'scope');
    const h = local.histogram('d', 'desc', 's', [1]);
    h.recordNew('k', {}, Number.NaN);
    h.recordKnown('k', -1);
    h.recordKnown('k', Number.POSITIVE_INFINITY);
    h.recordKnown('k', 2);
    expect(h.series()[0]).toMatchObject({ count: 1, sum: 2, counts: [0, 1] });
  });
});
