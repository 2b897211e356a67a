import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  type ReadableSpan,
  TracerProvider as SdkTracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { acceptEncodedSpans, EncodedSpanQueue, takesEncodedSpans } from '../../src/exporters/otlp-encoded';

// The spans a processor queues encoded must reach the collector as the same bytes the upstream
// ProtobufTraceSerializer writes for the span objects (the payload is also decoded with the
// official protos end to end in otlp.test.ts).

interface Serializer {
  serializeRequest(request: unknown): Uint8Array;
}
const upstream = (): Serializer =>
  (new OTLPTraceExporter() as unknown as { _delegate: { _serializer: Serializer } })._delegate._serializer;

function spansOf(make: (p: SdkTracerProvider[]) => void, resources = 1): ReadableSpan[] {
  const ended: ReadableSpan[] = [];
  const collect: SpanProcessor = {
    onStart() {},
    onEnd: (span) => void ended.push(span),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const providers = Array.from(
    { length: resources },
    (_, i) =>
      new SdkTracerProvider({
        resource: resourceFromAttributes({ 'service.name': `svc-${i}`, 'host.id': i }),
        sampler: new AlwaysOnSampler(),
        spanProcessors: [collect],
      }),
  );
  make(providers);
  return ended;
}

function encoded(spans: ReadableSpan[], batch = spans.length): Uint8Array[] {
  const q = new EncodedSpanQueue();
  for (const s of spans) q.push(s);
  const exporter = new OTLPTraceExporter();
  expect(acceptEncodedSpans(exporter)).toBe(true);
  expect(takesEncodedSpans(exporter)).toBe(true);
  const serializer = (exporter as unknown as { _delegate: { _serializer: Serializer } })._delegate
    ._serializer;
  const out: Uint8Array[] = [];
  while (q.length > 0) out.push(Uint8Array.from(serializer.serializeRequest(q.take(batch))));
  return out;
}

const bytes = (u: Uint8Array) => Buffer.from(u).toString('hex');

describe('OTLP spans encoded at end', () => {
  it('writes the bytes of the upstream serializer: attributes of every type, events, links, status, trace state, remote parent', () => {
    const spans = spansOf(([p]) => {
      const tracer = p!.getTracer('scope-a', '1.2.3');
      const parent = {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
        traceState: new TraceState('vendor=x,other=y'),
      };
      const { trace, context } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
      const ctx = trace.setSpanContext(context.active(), parent);
      const s = tracer.startSpan(
        'GET /users/:id',
        {
          kind: SpanKind.SERVER,
          attributes: {
            str: 'plain',
            long: 'x'.repeat(300),
            utf8: 'héllo wörld ✓ 𝄞',
            lone: 'a\ud800b',
            int: 42,
            neg: -7,
            big: 2 ** 40,
            dbl: 3.25,
            bool: true,
            f: false,
            arr: ['a', 'b'],
            nums: [1, 2.5, -3],
          },
          links: [
            {
              context: {
                traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
                spanId: 'bbbbbbbbbbbbbbbb',
                traceFlags: 1,
              },
              attributes: { 'link.kind': 'retry' },
            },
          ],
        },
        ctx,
      );
      s.addEvent('exception', { 'exception.message': 'boom', 'exception.type': 'Error' });
      s.addEvent('plain');
      s.setStatus({ code: SpanStatusCode.ERROR, message: 'db down' });
      s.end();
      const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), s));
      child.end();
      const big = tracer.startSpan('big');
      for (let i = 0; i < 200; i++) big.setAttribute(`k${i}`, `value ${i} `.repeat(i % 7));
      big.end();
    });
    expect(spans).toHaveLength(3);
    expect(encoded(spans).map(bytes)).toEqual([bytes(upstream().serializeRequest(spans))]);
  });

  it('groups by resource and scope in order of first appearance, across batches', () => {
    const spans = spansOf(([a, b]) => {
      for (let i = 0; i < 9; i++) {
        const p = i % 3 === 0 ? b! : a!;
        p.getTracer(i % 2 ? 'odd' : 'even', i % 2 ? undefined : '2')
          .startSpan(`s${i}`)
          .end();
      }
    }, 2);
    expect(encoded(spans).map(bytes)).toEqual([bytes(upstream().serializeRequest(spans))]);
    // batches of 4: each batch is the upstream request for those 4 spans
    const expected = [spans.slice(0, 4), spans.slice(4, 8), spans.slice(8)].map((b) =>
      bytes(upstream().serializeRequest(b)),
    );
    expect(encoded(spans, 4).map(bytes)).toEqual(expected);
  });

  it('a span array still goes to the upstream serializer', () => {
    const spans = spansOf(([p]) => p!.getTracer('t').startSpan('x').end());
    const exporter = new OTLPTraceExporter();
    acceptEncodedSpans(exporter);
    const serializer = (exporter as unknown as { _delegate: { _serializer: Serializer } })._delegate
      ._serializer;
    expect(bytes(serializer.serializeRequest(spans))).toBe(bytes(upstream().serializeRequest(spans)));
  });

  it('an exporter of another shape is left alone', () => {
    const other = { export() {}, shutdown: async () => {} };
    expect(acceptEncodedSpans(other)).toBe(false);
    expect(takesEncodedSpans(other)).toBe(false);
  });
});
