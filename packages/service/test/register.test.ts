import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type OtlpReceiver, startOtlpReceiver } from '../../../test/support/otlp-receiver';

// Over the built package (`pnpm test` builds first), against the local PostgreSQL.
const pkg = join(__dirname, '..');

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: pkg, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function envFor(receiver: OtlpReceiver, name: string): Record<string, string> {
  return {
    OTEL_SERVICE_NAME: name,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
}

function expectInstrumented(receiver: OtlpReceiver, service: string): void {
  const spans = receiver.spans().filter((s) => s.resource.attributes['service.name'] === service);
  const names = spans.map((s) => s.name);
  // http server and client spans, express routing, and the pg query, in one trace
  const server = spans.find((s) => s.kind === 2 && s.attributes['http.route'] === '/users/:id');
  const client = spans.find(
    (s) =>
      s.kind === 3 && String(s.attributes['http.request.method'] ?? s.attributes['http.method']) === 'GET',
  );
  // (pg.connect happens before any request: its own trace)
  const query = spans.find(
    (s) =>
      s.name.startsWith('pg.query') &&
      (s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql'),
  );
  const summary = spans.map((s) => `${s.name} kind=${s.kind} trace=${s.traceId} parent=${s.parentSpanId}`);
  expect({ summary, server: !!server, client: !!client, query: !!query }).toMatchObject({
    server: true,
    client: true,
    query: true,
  });
  expect(names.some((n) => /users\/:id/.test(n))).toBe(true);
  expect({ summary, trace: query!.traceId }).toEqual({ summary, trace: server!.traceId });
  expect(server!.traceId).toBe(client!.traceId);
}

describe('the register entry', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(() => receiver.close());

  it('instruments a CommonJS app started with --require', async () => {
    const r = await run(
      ['--require', '@otelkit/service/register', join('test', 'fixtures', 'register-app.cjs')],
      envFor(receiver, 'cjs-app'),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ id: '42' });
    expectInstrumented(receiver, 'cjs-app');
  }, 60_000);

  it('instruments an ES module app started with --import', async () => {
    const r = await run(
      ['--import', '@otelkit/service/register', join('test', 'fixtures', 'register-app.mjs')],
      envFor(receiver, 'esm-app'),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectInstrumented(receiver, 'esm-app');
  }, 60_000);

  it('instruments only what the config names', async () => {
    const r = await run(
      ['--require', '@otelkit/service/register', join('test', 'fixtures', 'register-app.cjs')],
      {
        ...envFor(receiver, 'only-pg'),
        OTELKIT_CONFIG: join('test', 'fixtures', 'only-pg.yaml'),
      },
    );
    expect(r.code).toBe(0);
    const spans = receiver.spans().filter((s) => s.resource.attributes['service.name'] === 'only-pg');
    expect(spans.length).toBeGreaterThan(0);
    expect(
      spans.every(
        (s) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql',
      ),
    ).toBe(true);
  }, 60_000);

  it('fails at startup on a bad config, naming the problem', async () => {
    const r = await run(['--require', '@otelkit/service/register', '-e', '1'], {
      OTEL_TRACES_SAMPLER: 'sometimes',
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('OTEL_TRACES_SAMPLER (environment): expected one of always_on|always_off');
  }, 30_000);

  it('warns about a library loaded before instrumentation', async () => {
    const r = await run([join('test', 'fixtures', 'early-load.cjs')], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"loadedTooEarly":["pg"]');
    expect(r.stdout).toMatch(/pg was loaded before instrumentation could patch it/);
  }, 30_000);
});
