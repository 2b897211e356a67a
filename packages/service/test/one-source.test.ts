// Exactly one source per signal, whatever the user combines: the auto-instrumentations that
// startMonitoring turns on (config.instrumentations, all by default) and otelkit's HTTP
// middleware. Child processes over the built packages, so the http instrumentation patches the
// real `node:http` (it cannot inside jest's module registry); spans are decoded by the
// independent OTLP receiver, the exposition is checked by promtool.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type OtlpReceiver, startOtlpReceiver } from '../../../test/support/otlp-receiver';

jest.setTimeout(90_000);

const pkg = join(__dirname, '..');

function run(mode: string, receiver: OtlpReceiver): Promise<{ text: string; summary: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'one-source-app.cjs'), mode], {
      cwd: pkg,
      env: {
        PATH: process.env.PATH ?? '',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`exit ${code}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

function promtool(text: string): Promise<string> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], (err, stdout, stderr) =>
      resolve(err ? `${stdout}${stderr}` : 'ok'),
    );
    child.stdin!.end(text);
  });
}

/** The 0.0.4 exposition's HELP lines of one family, and the sum of its _count series. */
function family(text: string, name: string): { help: number; count: number; routes: string[] } {
  const lines = text.split('\n');
  const counts = lines.filter((l) => l.startsWith(`${name}_count`));
  return {
    help: lines.filter((l) => l.startsWith(`# HELP ${name} `)).length,
    count: counts.reduce((n, l) => n + Number(l.split(' ').pop()), 0),
    routes: [...new Set(counts.map((l) => /http_route="([^"]*)"/.exec(l)?.[1] ?? ''))],
  };
}

describe('one SERVER span and one duration stream per request', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver.close());

  const serverSpans = (service: string) =>
    receiver.spans().filter((s) => s.resource.attributes['service.name'] === service && s.kind === 2);

  it.each([
    [
      'middleware',
      'GET /orders/:id',
      ['/orders/:id'],
      'the http instrumentation (named by route by the middleware)',
    ],
    ['bare', 'GET', [''], 'the http instrumentation (named by route by the middleware)'],
    ['no-auto', 'GET /orders/:id', ['/orders/:id'], 'the otelkit HTTP middleware'],
    [
      'express',
      'GET /orders/:id',
      ['/orders/:id'],
      'the http instrumentation (named by route by the middleware)',
    ],
  ])(
    '%s: 5 requests → 5 SERVER spans named "%s", one histogram family counting 5',
    async (mode, spanName, routes, from) => {
      const { text, summary } = await run(mode, receiver);
      const service = `one-source-${mode}`;
      await receiver.waitFor(() => serverSpans(service).length >= 5, 20_000);
      const spans = serverSpans(service);
      expect(spans.map((s) => s.name)).toEqual(Array(5).fill(spanName));
      expect(new Set(spans.map((s) => s.scope.name)).size).toBe(1);
      expect(family(text, 'http_server_request_duration')).toEqual({ help: 1, count: 5, routes });
      expect(await promtool(text)).toBe('ok');
      expect(summary).toContain(`SERVER spans from ${from}`);
    },
  );
});
