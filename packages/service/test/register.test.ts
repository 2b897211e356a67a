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
  const summary = spans.map((s) => `${s.name} kind=${s.kind} scope=${s.scope.name} trace=${s.traceId}`);
  const byScope = (scope: string) => spans.filter((s) => s.scope.name === scope);
  // every supported library produced spans through its instrumentation
  const scopes = [
    '@opentelemetry/instrumentation-http',
    '@opentelemetry/instrumentation-express',
    '@opentelemetry/instrumentation-pg',
    '@opentelemetry/instrumentation-ioredis',
    '@opentelemetry/instrumentation-undici',
    '@opentelemetry/instrumentation-amqplib',
  ];
  expect({ summary, missing: scopes.filter((sc) => byScope(sc).length === 0) }).toEqual({
    summary,
    missing: [],
  });

  // one trace per request: http server → express handler → pg query and redis command
  const server = spans.find((s) => s.kind === 2 && s.attributes['http.route'] === '/users/:id')!;
  const client = spans.find(
    (s) =>
      s.kind === 3 && s.traceId === server.traceId && (s.scope.name ?? '').endsWith('instrumentation-http'),
  );
  const query = spans.find((s) => s.name.startsWith('pg.query') && s.traceId === server.traceId);
  const redis = byScope('@opentelemetry/instrumentation-ioredis').find((s) => s.traceId === server.traceId);
  expect({ summary, client: !!client, query: !!query, redis: !!redis }).toEqual({
    summary,
    client: true,
    query: true,
    redis: true,
  });
  expect(query!.attributes['db.system.name'] ?? query!.attributes['db.system']).toBe('postgresql');
  // fetch() is traced by undici, fastify routes name the http SERVER span (read from fastify's
  // diagnostics channel: @fastify/otel has no OpenTelemetry 3.x release), amqplib publishes as a producer
  expect(
    byScope('@opentelemetry/instrumentation-undici').some((s) =>
      String(s.attributes['url.full']).endsWith('/users/7'),
    ),
  ).toBe(true);
  const fastifyServer = byScope('@opentelemetry/instrumentation-http').filter(
    (s) => s.kind === 2 && s.attributes['http.route'] === '/items/:id',
  );
  expect(fastifyServer.map((s) => s.name)).toEqual(['GET /items/:id']);
  expect(
    byScope('@opentelemetry/instrumentation-amqplib').some(
      (s) => s.kind === 4 && s.attributes['messaging.system'] === 'rabbitmq',
    ),
  ).toBe(true);
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

  it('gives the app that then calls startMonitoring(sameConfig) the running handle; a different config still fails loudly', async () => {
    const r = await run(
      ['--import', '@otelkit/service/register', join('test', 'fixtures', 'register-same-config.mjs')],
      {
        OTELKIT_CONFIG: join('test', 'fixtures', 'register-same-config.json'),
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({
      sameHandle: true,
      service: 'register-same',
      instrumentations: ['http'],
      code: 'OTELKIT_ERR_ALREADY_STARTED',
    });
    // the conflict names what differs
    expect(result.conflict).toEqual(expect.arrayContaining(['service.name']));
  }, 60_000);

  it('fails at startup on a bad config file, naming the problem', async () => {
    const r = await run(['--require', '@otelkit/service/register', '-e', '1'], {
      OTELKIT_CONFIG: join('test', 'fixtures', 'bad-sampler.yaml'),
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('tracing.sampler: expected');
  }, 30_000);

  it('starts with an invalid OTEL_* value, warning once about the variable (the OpenTelemetry spec)', async () => {
    const r = await run(['--require', '@otelkit/service/register', '-e', '1'], {
      OTEL_TRACES_SAMPLER: 'sometimes',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
    });
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('OtelkitConfigWarning'));
    expect(warnings).toEqual([
      expect.stringContaining('OTEL_TRACES_SAMPLER: expected one of always_on|always_off'),
    ]);
  }, 30_000);

  it('warns about a library loaded before instrumentation', async () => {
    const r = await run([join('test', 'fixtures', 'early-load.cjs')], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"loadedTooEarly":["pg"]');
    expect(r.stdout).toMatch(/pg was loaded before instrumentation could patch it/);
  }, 30_000);
});
