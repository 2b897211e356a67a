import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetrics } from '../src/create-metrics';
import { withHttpMetrics } from '../src/http/with-http-metrics';
import type { MetricsHandle } from '../src/types';
import { metricsConfig, prometheusExporter } from './helpers/config';
import { eventually } from './helpers/eventually';
import { httpRequest } from './helpers/http';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

async function promQuery(port: number, query: string): Promise<PromResult[]> {
  const res = await httpRequest(port, `/api/v1/query?query=${encodeURIComponent(query)}`);
  const json = JSON.parse(res.body) as { status: string; data: { result: PromResult[] }; error?: string };
  if (json.status !== 'success') throw new Error(`PromQL ${query}: ${json.error}`);
  return json.data.result;
}

async function scalar(port: number, query: string): Promise<number> {
  const [first] = await promQuery(port, query);
  if (!first) throw new Error(`no result for ${query}`);
  return Number(first.value[1]);
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
  let prometheus: ChildProcess | undefined;
  let dir: string | undefined;
  let metrics: MetricsHandle | undefined;
  let app: Server | undefined;
  let promLog = '';

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((r) => prometheus?.once('exit', r));
      prometheus.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    app?.closeAllConnections();
    app?.close();
    await metrics?.shutdown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('returns the request count and a sane p95 through PromQL', async () => {
    metrics = createMetrics(metricsConfig({ exporters: [prometheusExporter({ mode: 'handler' })] }));
    app = exampleApp(metrics);
    await new Promise<void>((r) => app?.listen(0, '127.0.0.1', r));
    const appPort = (app.address() as AddressInfo).port;

    dir = mkdtempSync(join(tmpdir(), 'otelkit-prom-'));
    const promPort = await freePort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 900ms',
        'scrape_configs:',
        '  - job_name: example',
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${appPort}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (d: Buffer) => {
      promLog = (promLog + d.toString()).slice(-4000);
    });

    // Traffic: 40 fast and 10 slow (300 ms) requests to /users/:id, 5 failures.
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) calls.push(httpRequest(appPort, `/users/${i}`));
    for (let i = 0; i < 10; i++) calls.push(httpRequest(appPort, `/users/${100 + i}?slow=1`));
    for (let i = 0; i < 5; i++) calls.push(httpRequest(appPort, '/fail'));
    await Promise.all(calls);

    const total = await eventually(
      () =>
        scalar(promPort, 'sum(http_server_request_duration_count{http_route="/users/:id"})').then((v) => {
          expect(v).toBe(50);
          return v;
        }),
      45_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nprometheus log: ${promLog}`);
    });
    expect(total).toBe(50);
    expect(await scalar(promPort, 'up{job="example"}')).toBe(1);
    expect(
      await scalar(
        promPort,
        'sum(http_server_request_duration_count{http_route="/fail",http_response_status_code="500",error_type="500"})',
      ),
    ).toBe(5);
    // The scrapes of /metrics are on the skip list: never measured.
    expect(await promQuery(promPort, 'http_server_request_duration_count{http_route="/metrics"}')).toEqual(
      [],
    );
    const p95 = await scalar(
      promPort,
      'histogram_quantile(0.95, sum by (le) (http_server_request_duration_bucket{http_route="/users/:id"}))',
    );
    // The 48th of 50 observations is one of the ~300 ms ones: the (0.25, 0.5] bucket.
    expect(p95).toBeGreaterThan(0.25);
    expect(p95).toBeLessThanOrEqual(0.5);
    expect(await scalar(promPort, 'sum(http_server_active_requests)')).toBe(0);
  }, 90_000);
});
