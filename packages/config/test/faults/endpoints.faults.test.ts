import { loadConfig, type OtelkitConfigInput } from '@otelkit/config';
import { configErrorOf } from '../config-error-of';

// Issue 14 item 16: cloud metadata and link-local addresses (and 0.0.0.0) were accepted as exporter
// endpoints — one variable away from sending telemetry (and its headers) to instance credentials.

const load = (config: unknown, env: Record<string, string> = {}) =>
  loadConfig({ config: config as OtelkitConfigInput, file: false, env });

const UNSAFE = [
  'http://169.254.169.254/latest/meta-data',
  'http://169.254.170.2:4318',
  // the same address in other IPv4 spellings a URL parser accepts
  'http://2852039166:4318',
  'http://0xa9.0xfe.0xa9.0xfe:4318',
  'http://[fd00:ec2::254]:4318',
  'http://[fe80::1]:4318',
  'http://[::ffff:169.254.169.254]:4318',
  'http://metadata.google.internal/computeMetadata/v1',
  'http://METADATA.GOOGLE.INTERNAL./x',
  'http://0.0.0.0:4318',
  'http://[::]:4318',
  'http://100.100.100.200/latest/meta-data',
];

describe('exporter endpoints', () => {
  it.each(UNSAFE)('refuses %s at config load, naming the field and how to allow it', (url) => {
    const err = configErrorOf(() => load({ tracing: { exporters: [{ type: 'otlp', endpoint: url }] } }));
    const issue = err.issues.find((i) => i.path === 'tracing.exporters[0].endpoint');
    expect(issue?.message).toMatch(
      /refused as a destination; set tracing\.exporters\[0\]\.allowLinkLocal: true/,
    );
  });

  it('refuses them in every outbound field: metric and log exporters, Elasticsearch nodes, webhooks', () => {
    const err = configErrorOf(() =>
      load({
        metrics: { exporters: [{ type: 'otlp', endpoint: 'http://169.254.169.254:4318' }] },
        tracing: { exporters: [{ type: 'zipkin', endpoint: 'http://[fe80::2]:9411/api/v2/spans' }] },
        logging: {
          outputs: [
            'console',
            { type: 'otlp', endpoint: 'http://metadata.google.internal:4318' },
            { type: 'elasticsearch', nodes: ['http://127.0.0.1:9200', 'http://169.254.1.1:9200'] },
          ],
        },
        alerts: { webhooks: ['http://169.254.169.254/hook'] },
      }),
    );
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'alerts.webhooks[0].url',
      'logging.outputs[1].endpoint',
      'logging.outputs[2].nodes[1]',
      'metrics.exporters[0].endpoint',
      'tracing.exporters[0].endpoint',
    ]);
  });

  it('refuses one set through OTEL_EXPORTER_OTLP_ENDPOINT too', () => {
    const err = configErrorOf(() =>
      load({ tracing: { exporter: 'otlp' } }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://169.254.169.254' }),
    );
    expect(err.issues.map((i) => i.path)).toContain('tracing.exporters[0].endpoint');
  });

  it('never echoes credentials or a query string of the refused URL', () => {
    const err = configErrorOf(() =>
      load({
        tracing: {
          exporters: [{ type: 'otlp', endpoint: 'http://user:s3cret@169.254.169.254/v1/traces?token=abc' }],
        },
      }),
    );
    expect(err.message).not.toMatch(/s3cret|abc/);
  });

  it('accepts them with allowLinkLocal: true on that exporter, and ordinary hosts without it', () => {
    const c = load({
      tracing: { exporters: [{ type: 'otlp', endpoint: 'http://169.254.170.2:4318', allowLinkLocal: true }] },
      metrics: { exporters: [{ type: 'otlp', endpoint: 'http://collector:4318' }] },
      logging: {
        outputs: [
          { type: 'elasticsearch', node: 'http://169.254.3.3:9200', allowLinkLocal: true },
          { type: 'otlp', endpoint: 'http://10.1.2.3:4318' },
        ],
      },
      alerts: {
        webhooks: [{ url: 'http://[fe80::1]/hook', allowLinkLocal: true }, 'https://hooks.example.com/x'],
      },
    });
    expect(c.tracing.exporters[0]).toMatchObject({
      endpoint: 'http://169.254.170.2:4318/v1/traces',
      allowLinkLocal: true,
    });
    expect(c.alerts.webhooks[0]?.allowLinkLocal).toBe(true);
    for (const ok of [
      'http://localhost:4318',
      'http://127.0.0.1:4318',
      'http://[::1]:4318',
      'https://otlp.example.com',
      'http://169.255.0.1:4318',
      'http://[fe00::1]:4318',
    ])
      expect(() => load({ tracing: { exporters: [{ type: 'otlp', endpoint: ok }] } })).not.toThrow();
  });

  it('refuses a non-boolean allowLinkLocal', () => {
    const err = configErrorOf(() =>
      load({
        tracing: { exporters: [{ type: 'otlp', endpoint: 'http://169.254.170.2', allowLinkLocal: 'yes' }] },
      }),
    );
    expect(err.issues.map((i) => i.path)).toContain('tracing.exporters[0].allowLinkLocal');
  });
});
