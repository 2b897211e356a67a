import { resourceFromAttributes } from '@opentelemetry/resources';
import { loadConfig } from '@otelkit/config';
import { createTracing } from '../../src';

// Issue 14 item 18: a 10 MB attribute and a 5 MB exception message were exported whole (one
// 20 MB request). A default attribute value length limit applies now, and the OpenTelemetry
// variables set it.

function exportedSpan(env: Record<string, string>) {
  const config = loadConfig({ config: { tracing: { exporters: [{ type: 'memory' }] } }, file: false, env });
  const tracing = createTracing(config.tracing, resourceFromAttributes({ 'service.name': 'limits' }));
  const span = tracing.tracer.startSpan('big');
  span.setAttribute('payload', 'x'.repeat(10 * 1024 * 1024));
  span.setAttribute('small', 'ok');
  span.recordException(new Error('e'.repeat(5 * 1024 * 1024)));
  span.end();
  const spans = tracing.memoryExporter?.getFinishedSpans() ?? [];
  return { tracing, span: spans[0] };
}

describe('attribute value length limit', () => {
  it('cuts string attributes and exception messages to 4096 characters by default', async () => {
    const { tracing, span } = exportedSpan({});
    expect(String(span?.attributes.payload).length).toBe(4096);
    expect(span?.attributes.small).toBe('ok');
    expect(String(span?.events[0]?.attributes?.['exception.message']).length).toBe(4096);
    await tracing.shutdown();
  });

  it('honours OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, and OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT over it', async () => {
    const general = exportedSpan({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100' });
    expect(String(general.span?.attributes.payload).length).toBe(100);
    await general.tracing.shutdown();
    const both = exportedSpan({
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100',
      OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '50',
    });
    expect(String(both.span?.attributes.payload).length).toBe(50);
    await both.tracing.shutdown();
  });

  it('is configurable, and refuses a limit that is not a positive integer', async () => {
    const config = loadConfig({
      config: { tracing: { exporters: [{ type: 'memory' }], attributeValueLengthLimit: 1_000_000 } },
      file: false,
      env: {},
    });
    expect(config.tracing.attributeValueLengthLimit).toBe(1_000_000);
    expect(() =>
      loadConfig({ config: { tracing: { attributeValueLengthLimit: 0 } }, file: false, env: {} }),
    ).toThrow(/tracing\.attributeValueLengthLimit/);
  });
});
