import { loadConfig, type OtelkitConfigInput } from '@otelkit/config';

const load = (config: OtelkitConfigInput) => loadConfig({ config, env: {}, cwd: '/app' });

describe('shorthand normalisation', () => {
  it.each([
    ['INFO', 'info'],
    ['Warning', 'warn'],
    ['critical', 'fatal'],
    ['OFF', 'silent'],
    ['trace', 'trace'],
  ])('reads log level %p as %p', (level, expected) => {
    expect(load({ logging: { level } }).logging.level).toBe(expected);
  });

  it.each([
    [0, { type: 'parentbased_traceidratio', ratio: 0 }],
    [1, { type: 'parentbased_traceidratio', ratio: 1 }],
    ['always_off', { type: 'always_off', ratio: 1 }],
    ['ALWAYS_ON', { type: 'always_on', ratio: 1 }],
    [
      { type: 'traceidratio', ratio: 0.25 },
      { type: 'traceidratio', ratio: 0.25 },
    ],
  ] as const)('reads sampler %p', (sampler, expected) => {
    expect(load({ tracing: { sampler: sampler as never } }).tracing.sampler).toEqual(expected);
  });

  it('accepts durations as strings or numbers in the unit the field names', () => {
    const c = load({
      metrics: { interval: '500ms', shutdownTimeout: 2 },
      resources: { interval: '1m' },
      tracing: { shutdownTimeoutMillis: 1500 },
      health: { checkTimeout: '250ms', cacheMillis: '2s' as never },
      shutdown: { timeout: '1h' },
    });
    expect(c.metrics.exportIntervalMillis).toBe(500);
    expect(c.metrics.shutdownTimeoutMillis).toBe(2000);
    expect(c.resources.intervalMillis).toBe(60_000);
    expect(c.tracing.shutdownTimeoutMillis).toBe(1500);
    expect(c.health.checkTimeoutMillis).toBe(250);
    expect(c.health.cacheMillis).toBe(2000);
    expect(c.shutdown.timeoutMillis).toBe(3_600_000);
  });

  it('appends the signal path to a base OTLP endpoint, keeps a full one, and defaults by protocol', () => {
    const c = load({
      tracing: {
        exporters: [
          { type: 'otlp', endpoint: 'http://collector:4318' },
          { type: 'otlp', endpoint: 'https://gw.example.com/custom/traces' },
          { type: 'otlp', protocol: 'grpc' },
          { type: 'otlp', protocol: 'http/json', timeout: 3 },
        ],
      },
    });
    expect(c.tracing.exporters.map((e) => ('endpoint' in e ? e.endpoint : undefined))).toEqual([
      'http://collector:4318/v1/traces',
      'https://gw.example.com/custom/traces',
      'http://localhost:4317',
      'http://localhost:4318/v1/traces',
    ]);
    expect(c.tracing.exporters[3]).toMatchObject({ protocol: 'http/json', timeoutMillis: 3000 });
  });

  it('fills the defaults of every trace exporter kind', () => {
    const c = load({ tracing: { exporters: ['zipkin', 'console', 'memory', 'none'] } });
    expect(c.tracing.exporters).toEqual([
      { type: 'zipkin', endpoint: 'http://localhost:9411/api/v2/spans', headers: {}, timeoutMillis: 10_000 },
      { type: 'console' },
      { type: 'memory', maxSpans: 1000 },
    ]);
  });

  it("reads exporter: 'none' as no exporter", () => {
    expect(load({ tracing: { exporter: 'none' } }).tracing.exporters).toEqual([]);
  });

  it('pairs metrics collectors with transports', () => {
    expect(
      load({ metrics: { collectors: ['prometheus'], exporters: ['handler'] } }).metrics.exporters,
    ).toEqual([{ type: 'prometheus', mode: 'handler', host: '127.0.0.1', port: 9464, path: '/metrics' }]);
    const otlp = load({ metrics: { collectors: ['otlp', 'prometheus'], exporters: ['grpc', 'http'] } })
      .metrics.exporters;
    expect(otlp).toEqual([
      expect.objectContaining({
        type: 'otlp',
        protocol: 'grpc',
        endpoint: 'http://localhost:4317',
        temporality: 'cumulative',
      }),
      expect.objectContaining({ type: 'prometheus', mode: 'server' }),
    ]);
    expect(
      load({ metrics: { exporters: ['console', { type: 'otlp', temporality: 'delta' }] } }).metrics.exporters,
    ).toEqual([
      { type: 'console' },
      expect.objectContaining({
        type: 'otlp',
        temporality: 'delta',
        endpoint: 'http://localhost:4318/v1/metrics',
      }),
    ]);
  });

  it('derives the metrics skip list from the Prometheus and health paths', () => {
    const c = load({
      metrics: { exporters: [{ type: 'prometheus', mode: 'handler', path: '/internal/metrics' }] },
      health: { path: '/status', livenessPath: '/status/live', readinessPath: '/status/ready' },
    });
    expect(c.metrics.http.ignorePaths).toEqual([
      '/internal/metrics',
      '/status',
      '/status/live',
      '/status/ready',
    ]);
  });

  it('normalises log outputs, file rotation and Elasticsearch', () => {
    const c = load({
      service: { name: 'Orders-API' },
      logging: {
        outputs: [
          'stderr',
          { type: 'file', path: 'var/app.log', rotation: { maxSize: '10MB', interval: '1d', maxFiles: 7 } },
          { type: 'elasticsearch', node: 'https://es.local:9200', auth: { apiKey: 'k' } },
          { type: 'otlp', endpoint: 'http://collector:4318' },
        ],
      },
    });
    expect(c.logging.outputs).toEqual([
      { type: 'console', stream: 'stderr' },
      {
        type: 'file',
        path: '/app/var/app.log',
        mkdir: true,
        rotation: { maxSizeBytes: 10_000_000, intervalMillis: 86_400_000, maxFiles: 7 },
      },
      {
        type: 'elasticsearch',
        node: 'https://es.local:9200',
        index: 'logs-orders_api-default',
        dataStream: true,
        headers: {},
        auth: { apiKey: 'k' },
        flushIntervalMillis: 1000,
        maxBatchSize: 500,
        maxBufferedLines: 10_000,
        maxRetries: 3,
        timeoutMillis: 10_000,
      },
      expect.objectContaining({
        type: 'otlp',
        endpoint: 'http://collector:4318/v1/logs',
        protocol: 'http/protobuf',
      }),
    ]);
  });

  it('adds redaction paths to the defaults, replaces them on request, or turns redaction off', () => {
    const added = load({ logging: { redact: ['user.ssn'] } }).logging.redact;
    expect(added.paths).toEqual(expect.arrayContaining(['user.ssn', 'password']));
    const replaced = load({ logging: { redact: { paths: ['a.b'], replaceDefaults: true, censor: 'x' } } })
      .logging.redact;
    expect(replaced).toEqual({ enabled: true, paths: ['a.b'], censor: 'x' });
    expect(load({ logging: { redact: false } }).logging.redact.enabled).toBe(false);
  });

  it('reads a bare threshold as a warning level above the value, and the rich form as written', () => {
    const c = load({
      resources: {
        thresholds: {
          cpu_usage: 80,
          free_disk: {
            warning: 20,
            critical: 10,
            direction: 'below',
            for: '30s',
            hysteresis: 5,
            message: 'disk low',
          },
        },
      },
    });
    expect(c.resources.thresholds).toEqual({
      cpu_usage: { warning: 80, direction: 'above', forMillis: 0, hysteresis: 0 },
      free_disk: {
        warning: 20,
        critical: 10,
        direction: 'below',
        forMillis: 30_000,
        hysteresis: 5,
        message: 'disk low',
      },
    });
  });

  it('parses alert rules once, as a list or with webhooks', () => {
    const list = load({
      alerts: [{ name: 'slow', condition: 'request_duration_seconds > 1', for: '5m' }],
    }).alerts;
    expect(list.rules).toEqual([
      {
        name: 'slow',
        condition: 'request_duration_seconds > 1',
        parsed: { metric: 'request_duration_seconds', aggregation: 'last', operator: '>', value: 1 },
        forMillis: 300_000,
        windowMillis: 60_000,
        severity: 'warning',
        labels: {},
      },
    ]);
    const full = load({
      alerts: {
        rules: [
          { name: 'errors', condition: 'rate(errors_total) >= 0.5', severity: 'critical', window: '5m' },
        ],
        webhooks: ['https://hooks.example.com/alert', { url: 'http://127.0.0.1:9000/h', maxRetries: 1 }],
      },
    }).alerts;
    expect(full.rules[0]!.parsed).toEqual({
      metric: 'errors_total',
      aggregation: 'rate',
      operator: '>=',
      value: 0.5,
    });
    expect(full.webhooks).toEqual([
      { url: 'https://hooks.example.com/alert', headers: {}, timeoutMillis: 5000, maxRetries: 3 },
      { url: 'http://127.0.0.1:9000/h', headers: {}, timeoutMillis: 5000, maxRetries: 1 },
    ]);
  });

  it('reads instrumentations as a list, true/false, or per library switches', () => {
    const all = ['http', 'undici', 'pg', 'ioredis', 'amqplib', 'express', 'fastify'];
    expect(load({}).instrumentations.enabled).toEqual(all);
    expect(load({ instrumentations: ['pg', 'http', 'pg'] }).instrumentations.enabled).toEqual(['pg', 'http']);
    expect(load({ instrumentations: false }).instrumentations.enabled).toEqual([]);
    expect(load({ instrumentations: { fastify: false, express: false } }).instrumentations.enabled).toEqual(
      all.filter((n) => n !== 'fastify' && n !== 'express'),
    );
    expect(() => load({ instrumentations: ['mongodb' as never] })).toThrow(
      /instrumentations\[0\]: expected one of http\|undici\|pg\|ioredis\|amqplib\|express\|fastify, got "mongodb"/,
    );
  });
});
