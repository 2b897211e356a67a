import { join } from 'node:path';
import { defineConfig, loadConfig } from '@otelkit/config';

// The config from the README, exactly as written.
const MONITORING_CONFIG = {
  logging: { level: 'INFO', format: 'structured', outputs: ['console', 'file'], correlation: true },
  metrics: { collectors: ['prometheus'], interval: 10, exporters: ['http'] },
  tracing: { enabled: true, sampler: 0.1, exporter: 'jaeger' },
};

describe('the sample MONITORING_CONFIG', () => {
  const cwd = '/srv/app';
  const config = loadConfig({ config: defineConfig(MONITORING_CONFIG as never), env: {}, cwd });

  it('means JSON logs at info level with trace correlation', () => {
    expect(config.logging.enabled).toBe(true);
    expect(config.logging.level).toBe('info');
    expect(config.logging.format).toBe('json');
    expect(config.logging.correlation).toBe(true);
  });

  it('means logs to the console and to a file at a sensible default path', () => {
    expect(config.logging.outputs).toEqual([
      { type: 'console', stream: 'stdout' },
      { type: 'file', path: join(cwd, 'logs', 'unknown_service_node.log'), mkdir: true, rotation: null },
    ]);
  });

  it('redacts secrets by default', () => {
    expect(config.logging.redact.enabled).toBe(true);
    expect(config.logging.redact.paths).toEqual(
      expect.arrayContaining(['password', '*.password', 'headers.authorization']),
    );
    expect(config.logging.redact.censor).toBe('[REDACTED]');
  });

  it('means Prometheus metrics served over HTTP on 127.0.0.1, collected every 10 s', () => {
    expect(config.metrics.enabled).toBe(true);
    expect(config.metrics.exportIntervalMillis).toBe(10_000);
    expect(config.metrics.exporters).toEqual([
      { type: 'prometheus', mode: 'server', host: '127.0.0.1', port: 9464, path: '/metrics' },
    ]);
    expect(config.metrics.cardinalityLimit).toBe(2000);
    expect(config.metrics.http.ignorePaths).toEqual(['/metrics', '/health', '/health/live', '/health/ready']);
  });

  it('means tracing on, 10 % of root traces sampled (children follow their parent)', () => {
    expect(config.tracing.enabled).toBe(true);
    expect(config.tracing.sampler).toEqual({ type: 'parentbased_traceidratio', ratio: 0.1 });
    expect(config.tracing.propagators).toEqual(['tracecontext', 'baggage']);
  });

  it("means traces exported to Jaeger's OTLP intake on port 4318", () => {
    expect(config.tracing.exporters).toEqual([
      {
        type: 'jaeger',
        endpoint: 'http://localhost:4318/v1/traces',
        protocol: 'http/protobuf',
        headers: {},
        compression: 'none',
        timeoutMillis: 10_000,
      },
    ]);
    expect(config.tracing.batch).toEqual({
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduledDelayMillis: 5000,
      exportTimeoutMillis: 30_000,
    });
    expect(config.tracing.shutdownTimeoutMillis).toBe(5000);
  });

  it('fills every other section with its defaults', () => {
    expect(config.enabled).toBe(true);
    expect(config.service).toEqual({
      name: 'unknown_service:node',
      attributes: {},
      detectors: ['host', 'os', 'process', 'serviceinstance', 'container'],
      detectionTimeoutMillis: 2000,
    });
    expect(config.resources).toEqual({
      enabled: true,
      intervalMillis: 5000,
      historySize: 720,
      containerAware: true,
      thresholds: {},
    });
    expect(config.alerts).toEqual({ rules: [], webhooks: [], log: true });
    expect(config.health.path).toBe('/health');
    expect(config.shutdown).toEqual({ timeoutMillis: 5000, handleSignals: true });
    expect(config.diagnostics).toEqual({ logLevel: 'warn', printSummary: false });
  });

  it('is deep-frozen', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.tracing.exporters[0])).toBe(true);
    expect(Object.isFrozen(config.logging.redact.paths)).toBe(true);
    expect(() => {
      (config.tracing.sampler as { ratio: number }).ratio = 1;
    }).toThrow(TypeError);
  });

  it('does not change the object it was given', () => {
    const input = JSON.parse(JSON.stringify(MONITORING_CONFIG));
    loadConfig({ config: input, env: {} });
    expect(input).toEqual(MONITORING_CONFIG);
  });
});

describe('loadConfig defaults with no input at all', () => {
  const config = loadConfig({ env: {} });

  it('exports traces over OTLP to localhost:4318 and serves Prometheus on 127.0.0.1:9464', () => {
    expect(config.tracing.exporters).toEqual([
      expect.objectContaining({
        type: 'otlp',
        endpoint: 'http://localhost:4318/v1/traces',
        protocol: 'http/protobuf',
      }),
    ]);
    expect(config.metrics.exporters).toEqual([
      expect.objectContaining({ type: 'prometheus', host: '127.0.0.1', port: 9464 }),
    ]);
    expect(config.logging.outputs).toEqual([{ type: 'console', stream: 'stdout' }]);
    expect(config.tracing.sampler).toEqual({ type: 'parentbased_always_on', ratio: 1 });
  });
});
