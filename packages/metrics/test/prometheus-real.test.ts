import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, type RealPrometheus, startPrometheus } from '../../../test/support/prometheus';
import { createMetrics } from '../src/create-metrics';
import { withHttpMetrics } from '../src/http/with-http-metrics';
import type { MetricsHandle } from '../src/types';
import { metricsConfig, prometheusExporter } from './helpers/config';
import { httpRequest } from './helpers/http';

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
