import { createServer, request as httpRequestRaw, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, type RealPrometheus, startPrometheus } from '../../../test/support/prometheus';
import { createMetrics } from '../src/create-metrics';
import { withHttpMetrics } from '../src/http/with-http-metrics';
import type { MetricsHandle } from '../src/types';
import { metricsConfig, prometheusExporter } from './helpers/config';
import { httpRequest } from './helpers/http';
import { setupTracing } from './helpers/tracing';

async function scalar(prometheus: RealPrometheus, query: string): Promise<number> {
  const value = await prometheus.scalar(query);
  if (value === undefined) throw new Error(`no result for ${query}`);
  return value;
}

/** An example service: node:http with request metrics, /metrics mounted on the same port. */
function exampleApp(metrics: MetricsHandle): Server {
  const app = withHttpMetrics(
    metrics,
    (req, res) => {
      const url = req.url ?? '/';
      if (url === '/metrics') return metrics.handler(req, res);
      const slow = url.includes('slow=1');
      if (url.startsWith('/fail')) {
        res.statusCode = 500;
        res.end('fail');
        return;
      }
      setTimeout(() => res.end('ok'), slow ? 300 : 0);
    },
    {
      tracer: false,
      route: (req) =>
        req.url?.startsWith('/users/') ? '/users/:id' : req.url?.startsWith('/fail') ? '/fail' : undefined,
    },
  );
  return createServer(app);
}

describe('a real Prometheus scraping an example server', () => {
  let prometheus: RealPrometheus | undefined;
  let metrics: MetricsHandle | undefined;
  let app: Server | undefined;

  afterAll(async () => {
    await prometheus?.close();
    app?.closeAllConnections();
    app?.close();
    await metrics?.shutdown();
  });

  it('returns the request count and a sane p95 through PromQL', async () => {
    metrics = createMetrics(metricsConfig({ exporters: [prometheusExporter({ mode: 'handler' })] }));
    app = exampleApp(metrics);
    await new Promise<void>((r) => app?.listen(0, '127.0.0.1', r));
    const appPort = (app.address() as AddressInfo).port;

    prometheus = await startPrometheus([`127.0.0.1:${appPort}`]);
    const p = prometheus;

    // Traffic: 40 fast and 10 slow (300 ms) requests to /users/:id, 5 failures.
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) calls.push(httpRequest(appPort, `/users/${i}`));
    for (let i = 0; i < 10; i++) calls.push(httpRequest(appPort, `/users/${100 + i}?slow=1`));
    for (let i = 0; i < 5; i++) calls.push(httpRequest(appPort, '/fail'));
    await Promise.all(calls);

    const total = await eventually(
      () =>
        scalar(p, 'sum(http_server_request_duration_count{http_route="/users/:id"})').then((v) => {
          expect(v).toBe(50);
          return v;
        }),
      45_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nprometheus log: ${p.log()}`);
    });
    expect(total).toBe(50);
    expect(await scalar(p, 'up{job="app"}')).toBe(1);
    expect(
      await scalar(
        p,
        'sum(http_server_request_duration_count{http_route="/fail",http_response_status_code="500",error_type="500"})',
      ),
    ).toBe(5);
    // The scrapes of /metrics are on the skip list: never measured.
    expect(await p.query('http_server_request_duration_count{http_route="/metrics"}')).toEqual([]);
    const p95 = await scalar(
      p,
      'histogram_quantile(0.95, sum by (le) (http_server_request_duration_bucket{http_route="/users/:id"}))',
    );
    // The 48th of 50 observations is one of the ~300 ms ones: the (0.25, 0.5] bucket.
    expect(p95).toBeGreaterThan(0.25);
    expect(p95).toBeLessThanOrEqual(0.5);
    expect(await scalar(p, 'sum(http_server_active_requests)')).toBe(0);
  }, 90_000);
});

/**
 * A pass-through to `port` that makes the scraper ask for the 0.0.4 text format only (Prometheus
 * 2.42 has no per-job protocol setting), so one Prometheus scrapes the same app in both formats.
 */
function textOnlyProxy(port: number): Server {
  return createServer((req, res) => {
    const upstream = httpRequestRaw(
      {
        host: '127.0.0.1',
        port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, accept: 'text/plain;version=0.0.4' },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
}

describe('a real Prometheus negotiating OpenMetrics', () => {
  let prometheus: RealPrometheus | undefined;
  let metrics: MetricsHandle | undefined;
  let app: Server | undefined;
  let proxy: Server | undefined;
  let tracing: ReturnType<typeof setupTracing> | undefined;

  afterAll(async () => {
    await prometheus?.close();
    for (const s of [app, proxy]) {
      s?.closeAllConnections();
      s?.close();
    }
    await metrics?.shutdown();
    await tracing?.teardown();
  });

  it('stores exemplars with the trace ids of sampled requests, and the same series as the text format', async () => {
    tracing = setupTracing();
    const { exporter, tracer } = tracing;
    metrics = createMetrics(metricsConfig({ exporters: [prometheusExporter({ mode: 'handler' })] }));
    const handle = metrics;
    // Label values a scrape must survive in both formats.
    const hostile = ['quote " here', 'back\\slash', 'new\nline', 'non-ASCII: żółw ✓ 日本'];
    const counter = handle.counter('orders_placed', { description: 'Orders "placed"\nper kind' });
    for (const [i, kind] of hostile.entries()) counter.add(i + 1, { kind });
    handle.gauge('queue_size').set(7, { queue: 'q1' });

    app = createServer(
      withHttpMetrics(
        handle,
        (req, res) => {
          if (req.url === '/metrics') return handle.handler(req, res);
          setTimeout(() => res.end('ok'), req.url?.includes('slow') ? 120 : 0);
        },
        { tracer, route: (req) => (req.url?.startsWith('/users/') ? '/users/:id' : undefined) },
      ),
    );
    await new Promise<void>((r) => app?.listen(0, '127.0.0.1', r));
    const appPort = (app.address() as AddressInfo).port;
    proxy = textOnlyProxy(appPort);
    await new Promise<void>((r) => proxy?.listen(0, '127.0.0.1', r));
    const proxyPort = (proxy.address() as AddressInfo).port;

    for (let i = 0; i < 20; i++) await httpRequest(appPort, `/users/${i}${i % 4 === 0 ? '?slow=1' : ''}`);
    const spans = exporter.getFinishedSpans().filter((s) => s.name === 'GET /users/:id');
    expect(spans).toHaveLength(20);

    // What the endpoint serves to Prometheus' Accept header (checked independently by Prometheus below).
    const served = await httpRequest(appPort, '/metrics', {
      headers: {
        accept:
          'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      },
    });
    expect(served.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(served.body.endsWith('# EOF\n')).toBe(true);

    prometheus = await startPrometheus([`127.0.0.1:${appPort}`], '/metrics', {
      args: ['--enable-feature=exemplar-storage'],
      jobs: [{ name: 'text', targets: [`127.0.0.1:${proxyPort}`] }],
    });
    const p = prometheus;
    const exemplars = await eventually(async () => {
      const result = await p.exemplars('http_server_request_duration_bucket{job="app"}');
      const all = result.flatMap((r) => r.exemplars.map((e) => ({ series: r.seriesLabels, ...e })));
      expect(all.length).toBeGreaterThan(0);
      return all;
    }, 45_000).catch((err: Error) => {
      throw new Error(`${err.message}\nprometheus log: ${p.log()}`);
    });
    const byTrace = new Map(spans.map((s) => [s.spanContext().traceId, s]));
    for (const e of exemplars) {
      // Each exemplar points at one of the request spans, and its value lies in its bucket.
      const span = byTrace.get(e.labels.trace_id ?? '');
      expect(span?.spanContext().spanId).toBe(e.labels.span_id);
      const le = e.series.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(e.series.le);
      expect(Number(e.value)).toBeLessThanOrEqual(le);
      expect(e.series.http_route).toBe('/users/:id');
    }
    // The slow requests (120 ms) left exemplars in a bucket above 0.1 s.
    expect(exemplars.some((e) => Number(e.value) > 0.1)).toBe(true);
    // The text-format job stores no exemplars (0.0.4 has none).
    expect(await p.exemplars('http_server_request_duration_bucket{job="text"}')).toEqual([]);

    // Both jobs healthy, and the same series through either format.
    await eventually(async () => {
      const targets = await p.targets();
      expect(targets.map((t) => [t.job, t.health, t.lastError]).sort()).toEqual([
        ['app', 'up', ''],
        ['text', 'up', ''],
      ]);
      const strip = (all: Array<Record<string, string>>) =>
        all
          .filter((l) => !(l.__name__ ?? '').startsWith('scrape_') && l.__name__ !== 'up')
          .map((l) => {
            const { job: _job, instance: _instance, ...rest } = l;
            return JSON.stringify(Object.entries(rest).sort());
          })
          .sort();
      const om = strip(await p.series('{job="app"}'));
      const text = strip(await p.series('{job="text"}'));
      expect(om.length).toBeGreaterThan(20);
      expect(om).toEqual(text);
    }, 30_000);

    // Hostile label values come back exactly, through OpenMetrics.
    for (const [i, kind] of hostile.entries()) {
      const rows = await p.query('orders_placed_total{job="app"}');
      const row = rows.find((r) => r.metric.kind === kind);
      expect(row?.value[1]).toBe(String(i + 1));
    }
    expect(await scalar(p, 'queue_size{job="app",queue="q1"}')).toBe(7);
  }, 90_000);
});
