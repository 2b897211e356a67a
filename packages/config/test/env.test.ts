import { ConfigError, ENV_VARIABLES, loadConfig, type OtelkitConfigInput } from '@otelkit/config';

const load = (env: Record<string, string>, config?: OtelkitConfigInput, overrides?: OtelkitConfigInput) =>
  loadConfig({ env, config, overrides, cwd: '/app' });

/**
 * The problems found in `env`. An invalid OTEL_* value is a warning, never a ConfigError (the
 * OpenTelemetry spec: warn and ignore it), so this collects what loadConfig reports through
 * onWarning — and fails if a bad environment ever makes loadConfig throw again.
 */
function envIssues(env: Record<string, string>): Array<{ path: string; message: string }> {
  const warnings: Array<{ path: string; message: string }> = [];
  loadConfig({ env, cwd: '/app', onWarning: ({ path, message }) => warnings.push({ path, message }) });
  return warnings;
}

describe('OpenTelemetry environment variables', () => {
  it('OTEL_SDK_DISABLED=true turns everything off; false and empty change nothing', () => {
    expect(load({ OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(load({ OTEL_SDK_DISABLED: 'TRUE' }).enabled).toBe(false);
    expect(load({ OTEL_SDK_DISABLED: 'false' }).enabled).toBe(true);
    expect(load({ OTEL_SDK_DISABLED: '' }).enabled).toBe(true);
    expect(envIssues({ OTEL_SDK_DISABLED: 'yes' })).toEqual([
      { path: 'OTEL_SDK_DISABLED', message: 'expected true or false, got "yes"' },
    ]);
  });

  it('OTEL_SERVICE_NAME sets the service name and wins over OTEL_RESOURCE_ATTRIBUTES', () => {
    expect(load({ OTEL_SERVICE_NAME: 'orders' }).service.name).toBe('orders');
    const c = load({ OTEL_SERVICE_NAME: 'orders', OTEL_RESOURCE_ATTRIBUTES: 'service.name=other' });
    expect(c.service.name).toBe('orders');
  });

  it('OTEL_RESOURCE_ATTRIBUTES fills service fields and extra attributes, percent-decoded', () => {
    const c = load(
      {
        OTEL_RESOURCE_ATTRIBUTES:
          'service.name=pay,service.version=1.2.3,deployment.environment.name=prod,service.namespace=shop,service.instance.id=i-1,cloud.region=eu%2Cwest, team = a b ',
      },
      { service: { attributes: { 'cloud.region': 'code', owner: 'me' } } },
    );
    expect(c.service).toEqual({
      name: 'pay',
      version: '1.2.3',
      environment: 'prod',
      namespace: 'shop',
      instanceId: 'i-1',
      attributes: { 'cloud.region': 'eu,west', owner: 'me', team: 'a b' },
      detectors: ['host', 'os', 'process', 'serviceinstance', 'container'],
      detectionTimeoutMillis: 2000,
    });
    expect(envIssues({ OTEL_RESOURCE_ATTRIBUTES: 'novalue' })[0]!.path).toBe('OTEL_RESOURCE_ATTRIBUTES');
    expect(envIssues({ OTEL_RESOURCE_ATTRIBUTES: '__proto__=x' })[0]!.message).toContain('not allowed');
  });

  it('OTEL_LOG_LEVEL sets the diag level, any case', () => {
    expect(load({ OTEL_LOG_LEVEL: 'DEBUG' }).diagnostics.logLevel).toBe('debug');
    expect(envIssues({ OTEL_LOG_LEVEL: 'loud' })[0]!.path).toBe('OTEL_LOG_LEVEL');
  });

  it('OTEL_TRACES_SAMPLER and _ARG set the sampler', () => {
    expect(
      load({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).tracing
        .sampler,
    ).toEqual({
      type: 'parentbased_traceidratio',
      ratio: 0.25,
    });
    expect(load({ OTEL_TRACES_SAMPLER: 'always_off' }).tracing.sampler).toEqual({
      type: 'always_off',
      ratio: 1,
    });
    expect(load({ OTEL_TRACES_SAMPLER: 'traceidratio' }).tracing.sampler).toEqual({
      type: 'traceidratio',
      ratio: 1,
    });
    // _ARG alone adjusts a ratio sampler from the config
    expect(
      load({ OTEL_TRACES_SAMPLER_ARG: '0.5' }, { tracing: { sampler: 0.1 } }).tracing.sampler.ratio,
    ).toBe(0.5);
    expect(envIssues({ OTEL_TRACES_SAMPLER: 'parentbased_jaeger_remote' })[0]!.path).toBe(
      'OTEL_TRACES_SAMPLER',
    );
    expect(envIssues({ OTEL_TRACES_SAMPLER_ARG: '2' })).toEqual([
      { path: 'OTEL_TRACES_SAMPLER_ARG', message: 'expected a ratio between 0 and 1, got "2"' },
    ]);
  });

  it('OTEL_PROPAGATORS and OTEL_BSP_* set propagation and batching', () => {
    const c = load({
      OTEL_PROPAGATORS: 'b3multi,jaeger',
      OTEL_BSP_SCHEDULE_DELAY: '1000',
      OTEL_BSP_EXPORT_TIMEOUT: '2000',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
    });
    expect(c.tracing.propagators).toEqual(['b3multi', 'jaeger']);
    expect(c.tracing.batch).toEqual({
      scheduledDelayMillis: 1000,
      exportTimeoutMillis: 2000,
      maxQueueSize: 100,
      maxExportBatchSize: 10,
    });
    expect(load({ OTEL_PROPAGATORS: 'none' }).tracing.propagators).toEqual([]);
    expect(envIssues({ OTEL_PROPAGATORS: 'xray' })[0]!.path).toBe('OTEL_PROPAGATORS');
    expect(envIssues({ OTEL_BSP_MAX_QUEUE_SIZE: '0' })[0]!.path).toBe('OTEL_BSP_MAX_QUEUE_SIZE');
  });

  it('OTEL_TRACES_EXPORTER picks trace exporters, keeping settings the config gave them', () => {
    const c = load(
      { OTEL_TRACES_EXPORTER: 'zipkin,otlp' },
      {
        tracing: { exporters: [{ type: 'otlp', endpoint: 'http://c:4318', headers: { k: 'v' } }, 'console'] },
      },
    );
    expect(c.tracing.exporters).toEqual([
      expect.objectContaining({ type: 'zipkin' }),
      expect.objectContaining({ type: 'otlp', endpoint: 'http://c:4318/v1/traces', headers: { k: 'v' } }),
    ]);
    expect(load({ OTEL_TRACES_EXPORTER: 'none' }).tracing.exporters).toEqual([]);
    expect(envIssues({ OTEL_TRACES_EXPORTER: 'otlp,kafka' })[0]!.path).toBe('OTEL_TRACES_EXPORTER');
  });

  it('OTEL_METRICS_EXPORTER picks metric exporters', () => {
    expect(load({ OTEL_METRICS_EXPORTER: 'otlp' }).metrics.exporters).toEqual([
      expect.objectContaining({ type: 'otlp', endpoint: 'http://localhost:4318/v1/metrics' }),
    ]);
    expect(
      load({ OTEL_METRICS_EXPORTER: 'prometheus,console' }).metrics.exporters.map((e) => e.type),
    ).toEqual(['prometheus', 'console']);
    expect(load({ OTEL_METRICS_EXPORTER: 'none' }).metrics.exporters).toEqual([]);
    expect(envIssues({ OTEL_METRICS_EXPORTER: 'statsd' })[0]!.path).toBe('OTEL_METRICS_EXPORTER');
  });

  it('OTEL_LOGS_EXPORTER picks console/otlp log outputs and keeps files', () => {
    const c = load(
      { OTEL_LOGS_EXPORTER: 'otlp' },
      { logging: { outputs: ['console', { type: 'file', path: 'a.log' }] } },
    );
    expect(c.logging.outputs).toEqual([
      expect.objectContaining({ type: 'otlp', endpoint: 'http://localhost:4318/v1/logs' }),
      expect.objectContaining({ type: 'file', path: '/app/a.log' }),
    ]);
    expect(load({ OTEL_LOGS_EXPORTER: 'none' }).logging.outputs).toEqual([]);
    expect(envIssues({ OTEL_LOGS_EXPORTER: 'fluentd' })[0]!.path).toBe('OTEL_LOGS_EXPORTER');
  });

  it('OTEL_EXPORTER_OTLP_ENDPOINT is a base URL: each signal gets its path, gRPC gets it as is', () => {
    const c = load(
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/' },
      {
        tracing: { exporters: ['otlp', { type: 'jaeger', protocol: 'grpc' }] },
        metrics: { exporters: ['otlp'] },
        logging: { outputs: ['otlp'] },
      },
    );
    expect(c.tracing.exporters.map((e) => (e as { endpoint: string }).endpoint)).toEqual([
      'https://collector.example:4318/v1/traces',
      'https://collector.example:4318/',
    ]);
    expect((c.metrics.exporters[0] as { endpoint: string }).endpoint).toBe(
      'https://collector.example:4318/v1/metrics',
    );
    expect((c.logging.outputs[0] as { endpoint: string }).endpoint).toBe(
      'https://collector.example:4318/v1/logs',
    );
    expect(envIssues({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual([
      { path: 'OTEL_EXPORTER_OTLP_ENDPOINT', message: 'expected an http(s) URL, got "collector:4318"' },
    ]);
  });

  it('per-signal endpoints are used exactly as given and win over the base', () => {
    const c = load(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://metrics:4318',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:4318/v1/logs',
      },
      { metrics: { exporters: ['otlp'] }, logging: { outputs: ['otlp'] } },
    );
    expect((c.tracing.exporters[0] as { endpoint: string }).endpoint).toBe('http://traces:4318/custom');
    expect((c.metrics.exporters[0] as { endpoint: string }).endpoint).toBe('http://metrics:4318');
    expect((c.logging.outputs[0] as { endpoint: string }).endpoint).toBe('http://logs:4318/v1/logs');
    expect(envIssues({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'nope' })[0]!.path).toBe(
      'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
    );
  });

  it('OTEL_EXPORTER_OTLP_PROTOCOL (and per signal) changes the protocol and its default endpoint', () => {
    const c = load(
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json' },
      { metrics: { exporters: ['otlp'] } },
    );
    expect(c.tracing.exporters[0]).toMatchObject({ protocol: 'grpc', endpoint: 'http://localhost:4317' });
    expect(c.metrics.exporters[0]).toMatchObject({
      protocol: 'http/json',
      endpoint: 'http://localhost:4318/v1/metrics',
    });
    expect(envIssues({ OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' })[0]!.path).toBe('OTEL_EXPORTER_OTLP_PROTOCOL');
  });

  it('OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT and _COMPRESSION apply, per signal ones win', () => {
    const c = load({
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc%20def,x-team=core',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'api-key=traces',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    });
    expect(c.tracing.exporters[0]).toMatchObject({
      headers: { 'api-key': 'traces', 'x-team': 'core' },
      timeoutMillis: 2500,
      compression: 'gzip',
    });
    expect(envIssues({ OTEL_EXPORTER_OTLP_TIMEOUT: '-1' })[0]!.path).toBe('OTEL_EXPORTER_OTLP_TIMEOUT');
    expect(envIssues({ OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' })[0]!.path).toBe(
      'OTEL_EXPORTER_OTLP_COMPRESSION',
    );
  });

  it('OTEL_METRIC_EXPORT_INTERVAL and _TIMEOUT are milliseconds', () => {
    const c = load(
      { OTEL_METRIC_EXPORT_INTERVAL: '15000', OTEL_METRIC_EXPORT_TIMEOUT: '5000' },
      { metrics: { interval: 10 } },
    );
    expect(c.metrics.exportIntervalMillis).toBe(15_000);
    expect(c.metrics.exportTimeoutMillis).toBe(5000);
    expect(envIssues({ OTEL_METRIC_EXPORT_INTERVAL: '10s' })).toEqual([
      {
        path: 'OTEL_METRIC_EXPORT_INTERVAL',
        message: 'expected a whole number of milliseconds >= 1, got "10s"',
      },
    ]);
  });

  it('an invalid OTEL_* value is a warning naming the variable, and ignored: the config (or default) value stays', () => {
    const warnings: string[] = [];
    const c = loadConfig({
      env: { OTEL_TRACES_SAMPLER: 'bogus', OTEL_METRIC_EXPORT_INTERVAL: 'x', OTEL_SERVICE_NAME: 'from-env' },
      config: { metrics: { interval: 7 }, tracing: { sampler: 0.25 } },
      cwd: '/app',
      onWarning: (w) => warnings.push(`${w.path}: ${w.message}`),
    });
    expect(warnings).toEqual([
      'OTEL_TRACES_SAMPLER: expected one of always_on|always_off|traceidratio|parentbased_always_on|parentbased_always_off|parentbased_traceidratio, got "bogus"',
      'OTEL_METRIC_EXPORT_INTERVAL: expected a whole number of milliseconds >= 1, got "x"',
    ]);
    expect(c.tracing.sampler).toEqual({ type: 'parentbased_traceidratio', ratio: 0.25 });
    expect(c.metrics.exportIntervalMillis).toBe(7000);
    expect(c.service.name).toBe('from-env'); // the valid ones still apply
  });

  it('code and file config stay strict next to a bad environment: a ConfigError lists only them', () => {
    try {
      loadConfig({
        env: { OTEL_TRACES_SAMPLER: 'bogus' },
        config: { logging: { level: 'loud' } } as never,
        cwd: '/app',
        onWarning: () => {},
      });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.map((i) => i.path)).toEqual(['logging.level']);
    }
  });

  it('by default the warning is a process warning, emitted once per variable and message', () => {
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      for (let i = 0; i < 3; i++) load({ OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd-once' });
      const mine = spy.mock.calls.filter(([message]) => String(message).includes('zstd-once'));
      expect(mine).toEqual([
        [
          expect.stringMatching(/^OTEL_EXPORTER_OTLP_COMPRESSION: .*"zstd-once"; ignored/),
          { type: 'OtelkitConfigWarning', code: 'OTELKIT_ENV_INVALID' },
        ],
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE sets the OTLP metric temporality (any case)', () => {
    const c = load(
      { OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'LowMemory' },
      { metrics: { exporters: ['otlp'] } },
    );
    expect(c.metrics.exporters[0]).toMatchObject({ type: 'otlp', temporality: 'lowmemory' });
    expect(
      load(
        { OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta' },
        { metrics: { exporters: ['otlp'] } },
      ).metrics.exporters[0],
    ).toMatchObject({ temporality: 'delta' });
    expect(envIssues({ OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'sometimes' })).toEqual([
      {
        path: 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
        message: 'expected cumulative, delta or lowmemory, got "sometimes"',
      },
    ]);
  });

  it('OTEL_EXPORTER_PROMETHEUS_HOST and _PORT move the Prometheus listener', () => {
    const c = load({ OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0', OTEL_EXPORTER_PROMETHEUS_PORT: '9500' });
    expect(c.metrics.exporters[0]).toMatchObject({ type: 'prometheus', host: '0.0.0.0', port: 9500 });
    expect(envIssues({ OTEL_EXPORTER_PROMETHEUS_PORT: '99999' })[0]!.path).toBe(
      'OTEL_EXPORTER_PROMETHEUS_PORT',
    );
  });

  it('documents the variables it reads', () => {
    expect(ENV_VARIABLES).toEqual(
      expect.arrayContaining([
        'OTEL_SERVICE_NAME',
        'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
        'OTEL_METRIC_EXPORT_INTERVAL',
      ]),
    );
  });
});

describe('precedence: defaults < file < config in code < environment < overrides', () => {
  const fs = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  const path = require('node:path') as typeof import('node:path');
  let file: string;

  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-prec-'));
    file = path.join(dir, 'otelkit.yaml');
    fs.writeFileSync(
      file,
      [
        'service:',
        '  name: from-file',
        '  version: "1.0"',
        'tracing:',
        '  sampler: 0.3',
        'metrics:',
        '  interval: 30',
        'logging:',
        '  level: debug',
        '  format: ecs',
      ].join('\n'),
    );
  });

  it('the file beats defaults', () => {
    const c = loadConfig({ file, env: {} });
    expect(c.service.name).toBe('from-file');
    expect(c.tracing.sampler.ratio).toBe(0.3);
    expect(c.metrics.exportIntervalMillis).toBe(30_000);
  });

  it('the config in code beats the file, field by field', () => {
    const c = loadConfig({
      file,
      env: {},
      config: { service: { name: 'from-code' }, logging: { level: 'warn' } },
    });
    expect(c.service).toMatchObject({ name: 'from-code', version: '1.0' });
    expect(c.logging).toMatchObject({ level: 'warn', format: 'ecs' });
  });

  it('the environment beats the config in code and the file', () => {
    const c = loadConfig({
      file,
      config: { service: { name: 'from-code' }, tracing: { sampler: 0.2 }, metrics: { interval: 20 } },
      env: {
        OTEL_SERVICE_NAME: 'from-env',
        OTEL_TRACES_SAMPLER_ARG: '0.9',
        OTEL_METRIC_EXPORT_INTERVAL: '9000',
      },
    });
    expect(c.service.name).toBe('from-env');
    expect(c.tracing.sampler.ratio).toBe(0.9);
    expect(c.metrics.exportIntervalMillis).toBe(9000);
  });

  it('explicit overrides beat everything', () => {
    const c = loadConfig({
      file,
      config: { service: { name: 'from-code' } },
      env: { OTEL_SERVICE_NAME: 'from-env', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' },
      overrides: {
        service: { name: 'from-override' },
        tracing: { exporter: { type: 'otlp', endpoint: 'http://ovr:4318' } },
      },
    });
    expect(c.service.name).toBe('from-override');
    expect(c.tracing.exporters).toEqual([expect.objectContaining({ endpoint: 'http://ovr:4318/v1/traces' })]);
  });

  it('OTELKIT_CONFIG names the file when no file option is given; file: false ignores it', () => {
    expect(loadConfig({ env: { OTELKIT_CONFIG: file } }).service.name).toBe('from-file');
    expect(loadConfig({ env: { OTELKIT_CONFIG: file }, file: false }).service.name).toBe(
      'unknown_service:node',
    );
  });

  it('reads process.env when no env is given', () => {
    const saved = process.env.OTEL_SERVICE_NAME;
    process.env.OTEL_SERVICE_NAME = 'from-process-env';
    try {
      expect(loadConfig().service.name).toBe('from-process-env');
    } finally {
      if (saved === undefined) delete process.env.OTEL_SERVICE_NAME;
      else process.env.OTEL_SERVICE_NAME = saved;
    }
  });
});
