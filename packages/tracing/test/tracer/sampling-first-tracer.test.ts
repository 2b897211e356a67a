import {
  context,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { suppressTracing, TraceState } from '@opentelemetry/core';
import { type Sampler, SamplingDecision } from '@opentelemetry/sdk-trace';
import { createTracing, type TracingHandle } from '../../src';
import { PooledIdGenerator } from '../../src/ids/pooled-id-generator';
import { BoundedBatchSpanProcessor } from '../../src/processors/bounded-batch-span-processor';
import { TraceIdRatioSampler } from '../../src/samplers/trace-id-ratio-sampler';
import { SamplingFirstTracerProvider } from '../../src/tracer/sampling-first-tracer';
import { memoryExporter, testResource, tracingConfig } from '../support/config';

const handles: TracingHandle[] = [];
function make(type: string, ratio = 1): TracingHandle {
  const h = createTracing(
    tracingConfig({ sampler: { type: type as never, ratio }, exporters: [memoryExporter(10_000)] }),
    testResource(),
  );
  handles.push(h);
  return h;
}
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.shutdown()));
});

const remote = (flags: number, traceState?: TraceState): SpanContext => ({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: flags,
  isRemote: true,
  ...(traceState ? { traceState } : {}),
});

/** A sampler that counts its calls and keeps the trace ids it was asked about. */
function counting(inner: Sampler): Sampler & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    shouldSample: (...args) => {
      calls.push(args[1]);
      return inner.shouldSample(...args);
    },
    toString: () => 'counting',
  };
}

describe('SamplingFirstTracer (createTracing)', () => {
  it('an unsampled root is a valid non-recording span that never reaches the processor', () => {
    const tracing = make('traceidratio', 0);
    const span = tracing.tracer.startSpan('dropped', { attributes: { a: 1 } });
    const sc = span.spanContext();
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(sc)).toBe(true);
    expect(sc.traceFlags).toBe(TraceFlags.NONE);
    span.setAttribute('b', 2);
    span.end();
    expect(tracing.stats()).toMatchObject({ started: 0, ended: 0 });
    expect(tracing.memoryExporter!.getFinishedSpans()).toHaveLength(0);
  });

  it('a sampled root is the SDK span, with its start attributes, kind and the ids it was sampled on', () => {
    const tracing = make('always_on');
    const span = tracing.tracer.startSpan('kept', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET' },
    });
    expect(span.isRecording()).toBe(true);
    span.end();
    const [done] = tracing.memoryExporter!.getFinishedSpans();
    expect(done!.name).toBe('kept');
    expect(done!.kind).toBe(SpanKind.SERVER);
    expect(done!.attributes).toEqual({ 'http.request.method': 'GET' });
    expect(done!.spanContext().traceId).toBe(span.spanContext().traceId);
    expect(done!.spanContext().traceFlags).toBe(TraceFlags.SAMPLED);
    expect(tracing.stats()).toMatchObject({ started: 1, ended: 1 });
  });

  it('decides each root on the trace id it carries (the ratio stays consistent across services)', () => {
    const tracing = make('parentbased_traceidratio', 0.5);
    const reference = new TraceIdRatioSampler(0.5);
    let kept = 0;
    for (let i = 0; i < 400; i++) {
      const span = tracing.tracer.startSpan('root');
      const sc = span.spanContext();
      const expected = reference.shouldSample(ROOT_CONTEXT, sc.traceId).decision;
      expect(span.isRecording()).toBe(expected === SamplingDecision.RECORD_AND_SAMPLED);
      expect((sc.traceFlags & TraceFlags.SAMPLED) !== 0).toBe(span.isRecording());
      if (span.isRecording()) kept++;
      span.end();
    }
    expect(kept).toBeGreaterThan(140);
    expect(kept).toBeLessThan(260);
    expect(tracing.memoryExporter!.getFinishedSpans()).toHaveLength(kept);
  });

  it('follows a remote parent: sampled children are recorded under it, unsampled ones keep its trace id and state', () => {
    const tracing = make('parentbased_traceidratio', 0);
    const state = new TraceState('vendor=1');
    const sampledParent = trace.setSpanContext(ROOT_CONTEXT, remote(TraceFlags.SAMPLED));
    const child = tracing.tracer.startSpan('child', {}, sampledParent);
    expect(child.isRecording()).toBe(true);
    child.end();
    const [done] = tracing.memoryExporter!.getFinishedSpans();
    expect(done!.spanContext().traceId).toBe(remote(1).traceId);
    expect(done!.parentSpanContext?.spanId).toBe(remote(1).spanId);

    const unsampledParent = trace.setSpanContext(ROOT_CONTEXT, remote(TraceFlags.NONE, state));
    const dropped = tracing.tracer.startSpan('dropped', {}, unsampledParent);
    const sc = dropped.spanContext();
    expect(dropped.isRecording()).toBe(false);
    expect(sc.traceId).toBe(remote(0).traceId);
    expect(sc.spanId).not.toBe(remote(0).spanId);
    expect(sc.traceState?.serialize()).toBe('vendor=1');
    // context still propagates: a grandchild started under it is dropped in the same trace
    const grandchild = tracing.tracer.startSpan('g', {}, trace.setSpan(ROOT_CONTEXT, dropped));
    expect(grandchild.spanContext().traceId).toBe(remote(0).traceId);
    expect(grandchild.isRecording()).toBe(false);
  });

  it('root: true ignores the active parent', () => {
    const tracing = make('parentbased_always_on');
    const unsampledParent = trace.setSpanContext(ROOT_CONTEXT, remote(TraceFlags.NONE));
    const span = tracing.tracer.startSpan('fresh', { root: true }, unsampledParent);
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceId).not.toBe(remote(0).traceId);
    span.end();
    expect(tracing.memoryExporter!.getFinishedSpans()[0]!.parentSpanContext).toBeUndefined();
  });

  it('a suppressed context gets the SDK answer: an invalid non-recording span', () => {
    const tracing = make('always_on');
    const span = tracing.tracer.startSpan('x', {}, suppressTracing(ROOT_CONTEXT));
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
  });

  it('startActiveSpan makes the span active for the callback and returns its result', () => {
    const tracing = make('always_on');
    tracing.register();
    try {
      let active: Span | undefined;
      const out = tracing.tracer.startActiveSpan('active', (span) => {
        active = trace.getSpan(context.active());
        span.end();
        return 42;
      });
      expect(out).toBe(42);
      expect(active?.spanContext().spanId).toBe(
        tracing.memoryExporter!.getFinishedSpans()[0]!.spanContext().spanId,
      );
      // the global tracer is a sampling-first one too
      trace.getTracer('other').startSpan('global').end();
      expect(tracing.memoryExporter!.getFinishedSpans().map((s) => s.name)).toEqual(['active', 'global']);
    } finally {
      void tracing.shutdown();
    }
  });
});

describe('SamplingFirstTracerProvider', () => {
  it('asks the sampler once per span, sampled or not', () => {
    const sampler = counting(new TraceIdRatioSampler(0.5));
    const processor = new BoundedBatchSpanProcessor({ exporters: [] });
    const provider = new SamplingFirstTracerProvider({
      sampler,
      idGenerator: new PooledIdGenerator(),
      spanProcessors: [processor],
    });
    const tracer = provider.getTracer('t');
    expect(provider.getTracer('t')).toBe(tracer);
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const span = tracer.startSpan('s');
      ids.push(span.spanContext().traceId);
      span.end();
    }
    expect(sampler.calls).toEqual(ids);
    expect(processor.stats().started).toBeGreaterThan(0);
    expect(processor.stats().started).toBeLessThan(50);
  });
});
