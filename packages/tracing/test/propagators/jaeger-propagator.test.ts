// Our uber-trace-id propagator against jaeger-client's own codec (an independent implementation
// of the Jaeger wire format): what one side injects, the other extracts unchanged.
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { JaegerPropagator, parseUberTraceId } from '../../src/propagators/jaeger-propagator';

// jaeger-client (root devDependency) is plain JS without types; the part used here:
interface JaegerSpanContext {
  traceIdStr: string;
  spanIdStr: string;
  isSampled(): boolean;
  baggage: Record<string, string>;
}
interface JaegerSpan {
  context(): JaegerSpanContext;
  setBaggageItem(key: string, value: string): void;
  finish(): void;
}
interface JaegerTracer {
  startSpan(name: string, options?: { childOf?: JaegerSpanContext }): JaegerSpan;
  inject(ctx: JaegerSpanContext, format: string, carrier: Record<string, string>): void;
  extract(format: string, carrier: Record<string, string>): JaegerSpanContext | null;
  close(cb?: () => void): void;
}
const jaeger = require('jaeger-client') as {
  initTracer(config: object, options: object): JaegerTracer;
};
const HTTP_HEADERS = 'http_headers';

function jaegerTracer(sampled: boolean): JaegerTracer {
  return jaeger.initTracer(
    {
      serviceName: 'peer',
      sampler: { type: 'const', param: sampled ? 1 : 0 },
      reporter: { logSpans: false },
    },
    {
      reporter: {
        report() {},
        close(cb?: () => void) {
          cb?.();
        },
        setProcess() {},
      },
      logger: { info() {}, error() {} },
    },
  );
}

const propagator = new JaegerPropagator();

describe('JaegerPropagator ↔ jaeger-client', () => {
  it.each([true, false])('extracts what jaeger-client injects (sampled=%s), with baggage', (sampled) => {
    const tracer = jaegerTracer(sampled);
    const span = tracer.startSpan('op');
    span.setBaggageItem('tenant', 'acme corp/1');
    const headers: Record<string, string> = {};
    tracer.inject(span.context(), HTTP_HEADERS, headers);
    expect(headers['uber-trace-id']).toBeDefined();

    const extracted = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    const sc = trace.getSpanContext(extracted);
    expect(sc).toEqual({
      traceId: span.context().traceIdStr.padStart(32, '0'),
      spanId: span.context().spanIdStr.padStart(16, '0'),
      traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      isRemote: true,
    });
    expect(propagation.getBaggage(extracted)?.getEntry('tenant')?.value).toBe('acme corp/1');
    span.finish();
    tracer.close();
  });

  it.each([true, false])('jaeger-client extracts what we inject (sampled=%s), with baggage', (sampled) => {
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: '00f067aa0ba902b7',
      traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    };
    let ctx = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    ctx = propagation.setBaggage(ctx, propagation.createBaggage({ 'user-id': { value: 'a:b c' } }));
    const headers: Record<string, string> = {};
    propagator.inject(ctx, headers, defaultTextMapSetter);

    const tracer = jaegerTracer(true);
    const got = tracer.extract(HTTP_HEADERS, headers);
    expect(got).not.toBeNull();
    expect(got!.traceIdStr.padStart(32, '0')).toBe(spanContext.traceId);
    expect(got!.spanIdStr.padStart(16, '0')).toBe(spanContext.spanId);
    expect(got!.isSampled()).toBe(sampled);
    expect(got!.baggage['user-id']).toBe('a:b c');
    tracer.close();
  });

  it('pads 64-bit trace ids and short ids, accepts the URL-encoded form and the debug flag', () => {
    expect(parseUberTraceId('4bf92f3577b34da6:a3ce929d0e0e4736:0:1')).toEqual({
      traceId: '00000000000000004bf92f3577b34da6',
      spanId: 'a3ce929d0e0e4736',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(parseUberTraceId('abc%3A7%3A0%3A2')?.traceFlags).toBe(TraceFlags.SAMPLED);
    expect(parseUberTraceId('ABC:7:0:0')?.traceId).toBe(`${'0'.repeat(29)}abc`);
  });

  it.each([
    '',
    'abc',
    'abc:def:0',
    'abc:def:0:1:extra',
    'xyz:def:0:1',
    '0:def:0:1',
    'abc:0:0:1',
    `${'a'.repeat(33)}:def:0:1`,
    `abc:${'a'.repeat(17)}:0:1`,
    'abc:def:0:zz',
    '%E0%A4%A',
  ])('a malformed header %j leaves the context as it was (never throws)', (value) => {
    const base = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '11111111111111111111111111111111',
      spanId: '2222222222222222',
      traceFlags: TraceFlags.NONE,
    });
    const out = propagator.extract(base, { 'uber-trace-id': value }, defaultTextMapGetter);
    expect(trace.getSpanContext(out)?.traceId).toBe('11111111111111111111111111111111');
  });

  it('injects nothing for an invalid span context or under suppressed tracing', () => {
    const headers: Record<string, string> = {};
    propagator.inject(context.active(), headers, defaultTextMapSetter);
    expect(headers).toEqual({});
  });
});
