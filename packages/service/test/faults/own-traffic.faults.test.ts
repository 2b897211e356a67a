// Issue 14 item 5, telemetry about telemetry, end to end: an app started with the `register`
// entry (every HTTP auto-instrumentation on) whose logs go to Elasticsearch and OTLP, whose spans
// and metrics go to an OTLP collector.
// - None of otelkit's own requests (the `_bulk` shipping, the OTLP exports of spans, metrics and
//   logs) becomes a span: the collector sees exactly one SERVER span per app request and no
//   CLIENT span at all.
// - With debug logging, debug diagnostics and OTLP logs on, the log file grows with the app's
//   lines, not with its own exports: the diagnostics about exports do not feed more exports (the
//   reported run grew 52 KB → 1.86 MB in 30 s, accelerating).
// A child process over the built packages: the http instrumentation patches the real `node:http`,
// which it cannot inside jest's module registry. The collector decodes with the independent
// protobufjs decoder of test/support/otlp-receiver.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeServer, type FakeServer } from '@otelkit/testing';
import { type OtlpReceiver, startOtlpReceiver } from '../../../../test/support/otlp-receiver';

jest.setTimeout(120_000);

const pkg = join(__dirname, '..', '..');
const SPAN_KIND_SERVER = 2;

interface App {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

function startApp(config: object, dir: string, extraEnv: Record<string, string> = {}): Promise<App> {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  const child = spawn(
    process.execPath,
    ['--require', '@otelkit/service/register', join('test', 'fixtures', 'own-traffic-app.cjs')],
    {
      cwd: pkg,
      env: {
        PATH: process.env.PATH ?? '',
        OTELKIT_CONFIG: file,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ...extraEnv,
      },
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise<App>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, port: (JSON.parse(line) as { port: number }).port, stderr: () => stderr });
    });
    child.once('exit', (code) => reject(new Error(`app exited (${code}) before listening\n${stderr}`)));
  });
}

async function stopApp(app: App | undefined): Promise<void> {
  if (!app || app.child.exitCode !== null) return;
  const exited = new Promise((r) => app.child.once('exit', r));
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("otelkit's own traffic, with every HTTP instrumentation on", () => {
  let dir: string;
  let receiver: OtlpReceiver;
  let es: FakeServer;
  let app: App | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otelkit-own-traffic-'));
    receiver = await startOtlpReceiver();
    es = await createFakeServer({ behaviour: { kind: 'elasticsearch' } });
  });
  afterEach(async () => {
    await stopApp(app);
    app = undefined;
  });
  afterAll(async () => {
    await es?.close();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never becomes a span: one SERVER span per request and no CLIENT span, while _bulk and OTLP exports run', async () => {
    receiver.reset();
    const REQUESTS = 10;
    app = await startApp(
      {
        service: { name: 'own-traffic' },
        logging: {
          level: 'info',
          outputs: [
            { type: 'elasticsearch', node: es.url, flushInterval: '50ms' },
            { type: 'otlp', endpoint: receiver.urls.logs },
          ],
        },
        tracing: { exporters: [{ type: 'otlp', endpoint: receiver.urls.traces }], sampler: 'always_on' },
        metrics: { exporters: [{ type: 'otlp', endpoint: receiver.urls.metrics }], interval: '500ms' },
        resources: { enabled: false },
      },
      dir,
    );
    for (let i = 1; i <= REQUESTS; i++) {
      expect(await get(app.port, `/req/${i}`)).toBe(200);
      await sleep(250); // over 2.5 s: several _bulk requests and several exports of each signal
    }
    const handled = () => es.documents.filter((d) => d.includes('"handled"')).length;
    await es.waitFor(() => handled() >= REQUESTS, 20_000);
    await receiver.waitFor(
      (r) =>
        r.logRecords().filter((l) => String(l.body) === 'handled').length >= REQUESTS &&
        ['/v1/traces', '/v1/metrics', '/v1/logs'].every(
          (path) => r.requests.filter((q) => q.path === path).length >= 2,
        ) &&
        r.spans().length >= REQUESTS,
      20_000,
    );
    await sleep(1_000); // a span for the last exports would have been exported by now

    // the pipes really ran: several _bulk requests, several exports of each signal
    expect(es.requests.filter((q) => q.url.endsWith('/_bulk')).length).toBeGreaterThanOrEqual(2);
    const exports = ['/v1/traces', '/v1/metrics', '/v1/logs'].map(
      (path) => `${path} ${receiver.requests.filter((q) => q.path === path).length}`,
    );
    for (const e of exports) expect(Number(e.split(' ')[1])).toBeGreaterThanOrEqual(2);
    const spans = receiver.spans();
    const summary = spans.map(
      (s) => `${s.kind} ${s.name} ${s.attributes['url.full'] ?? s.attributes['url.path'] ?? ''}`,
    );
    expect(summary.filter((_, i) => spans[i]!.kind !== SPAN_KIND_SERVER)).toEqual([]);
    expect(summary.filter((s) => /_bulk|\/v1\//.test(s))).toEqual([]);
    expect(spans).toHaveLength(REQUESTS);
    expect(new Set(spans.map((s) => s.attributes['url.path'])).size).toBe(REQUESTS);
  });

  it('with debug logging, debug diagnostics and OTLP logs, the log file grows with the app, not with its own exports', async () => {
    receiver.reset();
    const file = join(dir, 'debug.log');
    app = await startApp(
      {
        service: { name: 'own-traffic-debug' },
        logging: {
          level: 'debug',
          outputs: [
            { type: 'file', path: file },
            { type: 'otlp', endpoint: receiver.urls.logs },
          ],
        },
        tracing: { exporters: [{ type: 'otlp', endpoint: receiver.urls.traces }], sampler: 'always_on' },
        metrics: { exporters: [{ type: 'otlp', endpoint: receiver.urls.metrics }], interval: '500ms' },
        resources: { enabled: false },
        diagnostics: { logLevel: 'debug' },
      },
      dir,
      { LOG_EVERY_MS: '50' },
    );
    // four windows of 2 s each after a 1 s warm-up: lines written per window, by origin
    await sleep(1_000);
    const windows: Array<{ app: number; own: number; bytes: number }> = [];
    let seenLines = 0;
    let seenBytes = statSync(file).size;
    for (let w = 0; w < 4; w++) {
      // requests too, so the HTTP instrumentation has something of ours to see
      for (let i = 0; i < 5; i++) await get(app.port, `/w${w}/${i}`);
      await sleep(2_000);
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      const fresh = lines.slice(seenLines).map((l) => JSON.parse(l) as { msg?: string; component?: string });
      seenLines = lines.length;
      const bytes = statSync(file).size;
      windows.push({
        app: fresh.filter((l) => l.msg === 'app tick' || l.msg === 'handled').length,
        own: fresh.filter((l) => l.msg !== 'app tick' && l.msg !== 'handled').length,
        bytes: bytes - seenBytes,
      });
      seenBytes = bytes;
    }
    const detail = JSON.stringify(windows);
    // the app's lines arrive at their rate (~40 per 2 s window + 5 requests; loaded machine: slack)
    for (const w of windows) expect(w.app).toBeGreaterThan(10);
    // our own lines do not grow window over window, and stay a bounded share of the app's
    const own = windows.map((w) => w.own);
    expect(Math.max(...own.slice(2))).toBeLessThanOrEqual(Math.max(...own.slice(0, 2)) * 1.5 + 10);
    const totalOwn = own.reduce((a, b) => a + b, 0);
    const totalApp = windows.reduce((a, w) => a + w.app, 0);
    if (totalOwn > totalApp) throw new Error(`own lines ${totalOwn} > app lines ${totalApp}: ${detail}`);
    // bytes per window: no acceleration
    const bytes = windows.map((w) => w.bytes);
    expect(Math.max(...bytes.slice(2))).toBeLessThanOrEqual(Math.max(...bytes.slice(0, 2)) * 1.5 + 4096);
    // and the collector's log records are the app's plus at most the same bounded own share
    const records = receiver.logRecords();
    const appRecords = records.filter((r) => String(r.body) === 'app tick' || String(r.body) === 'handled');
    expect(appRecords.length).toBeGreaterThan(30);
    expect(records.length - appRecords.length).toBeLessThanOrEqual(appRecords.length);
    console.log(
      `own-traffic debug windows: ${detail}; collector records ${records.length} (app ${appRecords.length})`,
    );
  });
});
