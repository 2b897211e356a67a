// Choices that went away with the move to OpenTelemetry JS 3.x: each is a ConfigError that says
// what to use instead, never a did-you-mean to an unrelated name or a silent fallback.
import { ConfigError, loadConfig } from '@otelkit/config';

const load = (config: Record<string, unknown>, env: Record<string, string> = {}) =>
  loadConfig({ config: config as never, env, file: false });

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe("tracing exporter 'jaeger-thrift' (no @opentelemetry/exporter-jaeger on 3.x)", () => {
  it.each([
    ['shorthand string', { tracing: { exporter: 'jaeger-thrift' } }, 'tracing.exporter'],
    [
      'object form',
      { tracing: { exporters: [{ type: 'jaeger-thrift', host: 'agent' }] } },
      'tracing.exporters[0].type',
    ],
  ])('%s: names the field and points to the OTLP intake', (_name, config, field) => {
    const message = messageOf(() => load(config));
    expect(message).toContain(field);
    expect(message).toMatch(/removed with the move to OpenTelemetry JS 3\.x/);
    expect(message).toMatch(/use 'jaeger', which sends OTLP to Jaeger's own OTLP intake/);
    expect(message).not.toMatch(/did you mean/);
  });

  it("'jaeger' still loads, as OTLP/HTTP to Jaeger's port 4318", () => {
    const c = load({ tracing: { exporter: 'jaeger' } });
    expect(c.tracing.exporters).toEqual([
      expect.objectContaining({
        type: 'jaeger',
        endpoint: 'http://localhost:4318/v1/traces',
        protocol: 'http/protobuf',
      }),
    ]);
  });
});
