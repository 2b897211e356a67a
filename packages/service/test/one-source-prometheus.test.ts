// Issue #18, "tests that matter": a real Prometheus scraping an app started with the `register`
// entry (HTTP auto-instrumentation on) that also mounts otelkit's Express adapter — one stream
// per metric in Prometheus, `promtool check metrics` on the 0.0.4 text finding only the two semconv
// `*.count` gauges its lint dislikes (the resource monitor is on, as by default), the OpenMetrics
// exposition parsed by Prometheus itself (promtool 2.42 lints the text format only: on OpenMetrics
// it stops at `unknown metric type "info"`), one SERVER span per request. The Prometheus listener is placed by
// OTEL_EXPORTER_PROMETHEUS_HOST / _PORT. A child process over the built packages (the http
// instrumentation patches the real `node:http`, which it cannot inside jest's module registry).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type OtlpReceiver, startOtlpReceiver } from '../../../test/support/otlp-receiver';
import { eventually, type RealPrometheus, startPrometheus } from '../../../test/support/prometheus';

jest.setTimeout(120_000);

const pkg = join(__dirname, '..');
const SERVICE = 'register-express-prometheus';
const REQUESTS = 5;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function get(
  port: number,
  path: string,
  accept?: string,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: accept ? { accept } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** promtool's findings, one per line ([] when clean). */
function promtool(text: string): Promise<string[]> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], (err, stdout, stderr) =>
      resolve(err ? `${stdout}${stderr}`.split('\n').filter((l) => l.trim() !== '') : []),
    );
    child.stdin!.end(text);
  });
}

// The two current semconv names (process.thread.count, process.unix.file_descriptor.count, from
// the resource monitor) that promtool's lint flags for a "_count" suffix on a gauge: semconv and
// Prometheus' naming lint disagree; otelkit follows semconv (issue #18's name rule).
const SEMCONV_COUNT_GAUGES = [
  'process_thread_count non-histogram and non-summary metrics should not have "_count" suffix',
  'process_unix_file_descriptor_count non-histogram and non-summary metrics should not have "_count" suffix',
];

describe('a real Prometheus scraping a register-entry app with the Express adapter', () => {
  let receiver: OtlpReceiver;
  let prometheus: RealPrometheus | undefined;
  let child: ChildProcess | undefined;
  let stderr = '';
  let metricsPort = 0;
  let proxy: Server | undefined;
  /** Content types of the expositions served to Prometheus (through a recording proxy). */
  const served: string[] = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    metricsPort = await freePort();
    child = spawn(
      process.execPath,
      ['--require', '@otelkit/service/register', join('test', 'fixtures', 'register-express-prometheus.cjs')],
      {
        cwd: pkg,
        env: {
          PATH: process.env.PATH ?? '',
          OTELKIT_CONFIG: join('test', 'fixtures', 'register-express-prometheus.json'),
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '100',
          OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
          OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
        },
      },
    );
    child.stderr!.on('data', (d) => (stderr += d));
    const appPort = await new Promise<number>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { port: number }).port);
      });
      child!.once('exit', (code) => reject(new Error(`app exited (${code}) before listening\n${stderr}`)));
    });
    for (let i = 1; i <= REQUESTS; i++) {
      expect((await get(appPort, `/orders/${i}`)).status).toBe(200);
    }
    proxy = createHttpServer((req, res) => {
      const accept = req.headers.accept;
      const upstream = request(
        { host: '127.0.0.1', port: metricsPort, path: req.url, headers: accept ? { accept } : {} },
        (up) => {
          served.push(String(up.headers['content-type']));
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end();
    });
    await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', r));
    const { port: proxyPort } = proxy.address() as { port: number };
    prometheus = await startPrometheus([`127.0.0.1:${proxyPort}`]);
  });

  afterAll(async () => {
    await prometheus?.close();
    proxy?.closeAllConnections();
    proxy?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await receiver?.close();
  });

  it('serves metrics on the host and port of OTEL_EXPORTER_PROMETHEUS_HOST/_PORT, and Prometheus scrapes them', async () => {
    const targets = await eventually(async () => {
      const t = await prometheus!.targets();
      if (t.length === 0 || t[0]!.health !== 'up') throw new Error(`not up yet: ${JSON.stringify(t)}`);
      return t;
    });
    expect(targets[0]).toMatchObject({ health: 'up', lastError: '' });
    // Prometheus asked for OpenMetrics and parsed it without error (its lastError is empty)
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((t) => t.startsWith('application/openmetrics-text'))).toBe(true);
  });

  it(`${REQUESTS} requests are one http.server.request.duration stream in Prometheus, counting ${REQUESTS}`, async () => {
    const series = await eventually(async () => {
      const s = await prometheus!.series('{__name__=~"http_server_request_duration.*_count"}');
      if (s.length === 0) throw new Error('not scraped yet');
      return s;
    });
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ http_route: '/orders/:id', http_request_method: 'GET' });
    const count = await prometheus!.scalar(`sum({__name__="${series[0]!.__name__}"})`);
    expect(count).toBe(REQUESTS);
    // no metric has two streams that differ only by instrumentation scope
    const all = await prometheus!.series('{job="app"}');
    const byIdentity = new Map<string, Set<string>>();
    for (const s of all) {
      const { otel_scope_name: scope = '', otel_scope_version: _v, ...rest } = s;
      const key = JSON.stringify(Object.entries(rest).sort());
      byIdentity.set(key, (byIdentity.get(key) ?? new Set()).add(scope));
    }
    expect([...byIdentity.entries()].filter(([, scopes]) => scopes.size > 1)).toEqual([]);
  });

  it('promtool check metrics finds nothing in the 0.0.4 text but the two semconv *.count gauges; neither format repeats a family', async () => {
    const text = await get(metricsPort, '/metrics');
    expect(text.type).toMatch(/^text\/plain/);
    const open = await get(
      metricsPort,
      '/metrics',
      'application/openmetrics-text;version=1.0.0;q=1,text/plain;version=0.0.4;q=0.5',
    );
    expect(open.type).toMatch(/^application\/openmetrics-text/);
    expect(open.body.trimEnd().endsWith('# EOF')).toBe(true);
    for (const body of [text.body, open.body]) {
      const families = body.split('\n').filter((l) => l.startsWith('# TYPE '));
      expect(families.length).toBeGreaterThan(5);
      expect(new Set(families).size).toBe(families.length);
    }
    expect(text.body).toContain('# TYPE process_thread_count gauge');
    expect((await promtool(text.body)).sort()).toEqual(SEMCONV_COUNT_GAUGES);
  });

  it('one SERVER span per request, from one instrumentation scope', async () => {
    const server = () =>
      receiver.spans().filter((s) => s.resource.attributes['service.name'] === SERVICE && s.kind === 2);
    await receiver.waitFor(() => server().length >= REQUESTS, 20_000);
    await new Promise((r) => setTimeout(r, 500)); // a second span per request would have come by now
    expect(server()).toHaveLength(REQUESTS);
    expect(new Set(server().map((s) => s.scope.name)).size).toBe(1);
    expect(new Set(server().map((s) => s.name))).toEqual(new Set(['GET /orders/:id']));
  });
});
