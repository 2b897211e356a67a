import { formatSummary, loadConfig, maskUrl } from '@otelkit/config';

describe('startup summary', () => {
  const config = loadConfig({
    env: { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20sekrit-token-1' },
    cwd: '/app',
    config: {
      service: { name: 'orders', version: '2.1.0', environment: 'prod' },
      tracing: {
        sampler: 0.1,
        exporters: [{ type: 'otlp', endpoint: 'https://user:pa55word@collector.example:4318' }, 'memory'],
      },
      metrics: { collectors: ['prometheus'], exporters: ['http'], interval: 10 },
      logging: {
        level: 'INFO',
        outputs: [
          'console',
          { type: 'file', rotation: { maxSize: '10MB', maxFiles: 3 } },
          {
            type: 'elasticsearch',
            node: 'https://es.example:9200/?api_key=sekrit-key-2',
            auth: { username: 'u', password: 'sekrit-pw-3' },
          },
        ],
      },
      resources: { thresholds: { cpu_usage: 80, memory_usage: { warning: 80, critical: 90 } } },
      alerts: {
        rules: [{ name: 'slow', condition: 'p95(request_duration_seconds) > 1' }],
        webhooks: ['https://hooks.example/x?token=sekrit-4'],
      },
    },
  });
  const text = formatSummary(config);

  it('says what is on and where each signal goes', () => {
    expect(text).toContain('otelkit service=orders version=2.1.0 environment=prod');
    expect(text).toMatch(/tracing +on +sampler=parentbased_traceidratio\(0\.1\)/);
    expect(text).toContain(
      '-> otlp https://***:***@collector.example:4318/v1/traces (http/protobuf) headers authorization=***; memory (last 1000 spans)',
    );
    expect(text).toContain(
      'metrics    on  every 10s, max 2000 series/instrument -> prometheus http://127.0.0.1:9464/metrics',
    );
    expect(text).toContain('file /app/logs/orders.log, rotate at 10000000 bytes, keep 3');
    expect(text).toContain('thresholds cpu_usage>80 memory_usage>80/90');
    expect(text).toContain('alerts     1 rule (slow) -> webhooks https://hooks.example/x?token=***');
    expect(text).toContain('health     on  /health /health/live /health/ready');
  });

  it('never prints a secret', () => {
    for (const secret of ['sekrit', 'pa55word', 'Bearer']) expect(text).not.toContain(secret);
  });

  it('says when the SDK is disabled', () => {
    expect(formatSummary(loadConfig({ env: { OTEL_SDK_DISABLED: 'true' } }))).toContain(
      'DISABLED by OTEL_SDK_DISABLED',
    );
  });

  it('masks URL credentials and secret query parameters only', () => {
    expect(maskUrl('http://a:b@h:1/p?x=1&password=2&apiKey=3')).toBe(
      'http://***:***@h:1/p?x=1&password=***&apiKey=***',
    );
    expect(maskUrl('not a url')).toBe('***');
  });
});
