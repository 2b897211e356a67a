import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { createTracing } from '../../src';
import { memoryExporter, testResource, tracingConfig } from '../support/config';

const isSampled = (flags: number) => (flags & TraceFlags.SAMPLED) !== 0;

describe('samplers', () => {
  it('samples about 10 % of 20 000 root traces with ratio 0.1, and children always follow their root', async () => {
    const tracing = createTracing(
      tracingConfig({
        sampler: { type: 'parentbased_traceidratio', ratio: 0.1 },
        exporters: [memoryExporter(50_000)],
      }),
      testResource(),
    );
    const n = 20_000;
    let sampledRoots = 0;
    let mismatches = 0;
    for (let i = 0; i < n; i++) {
      const root = tracing.tracer.startSpan('root', undefined, ROOT_CONTEXT);
      const rootSampled = isSampled(root.spanContext().traceFlags);
      if (rootSampled) sampledRoots++;
      const ctx = trace.setSpan(ROOT_CONTEXT, root);
      for (let c = 0; c < 2; c++) {
        const child = tracing.tracer.startSpan('child', undefined, ctx);
        if (isSampled(child.spanContext().traceFlags) !== rootSampled) mismatches++;
        if (child.spanContext().traceId !== root.spanContext().traceId) mismatches++;
        child.end();
      }
      root.end();
    }
    // Binomial(20000, 0.1): sd = sqrt(n p (1-p)) ≈ 42.4; accept ±5 sd (false failure ≈ 6e-7).
    const sd = Math.sqrt(n * 0.1 * 0.9);
    expect(Math.abs(sampledRoots - n * 0.1)).toBeLessThan(5 * sd);
    expect(mismatches).toBe(0);
    // Only sampled spans reach the pipeline: 3 per sampled trace.
    expect(tracing.stats().ended).toBe(sampledRoots * 3);
    expect(tracing.memoryExporter!.getFinishedSpans()).toHaveLength(sampledRoots * 3);
    await tracing.shutdown();
  });

  it('parent-based samplers keep a sampled remote parent even when the root ratio is 0', async () => {
    const tracing = createTracing(tracingConfig({ sampler: { type: 'parentbased_traceidratio', ratio: 0 } }));
    const remote = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const child = tracing.tracer.startSpan('child', undefined, remote);
    expect(isSampled(child.spanContext().traceFlags)).toBe(true);
    const unsampledRemote = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });
    expect(
      isSampled(tracing.tracer.startSpan('c', undefined, unsampledRemote).spanContext().traceFlags),
    ).toBe(false);
    expect(
      isSampled(tracing.tracer.startSpan('root', undefined, ROOT_CONTEXT).spanContext().traceFlags),
    ).toBe(false);
    await tracing.shutdown();
  });

  it('traceidratio (not parent-based) decides per trace id, ignoring the parent flag', async () => {
    const tracing = createTracing(tracingConfig({ sampler: { type: 'traceidratio', ratio: 0 } }));
    const remote = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(isSampled(tracing.tracer.startSpan('child', undefined, remote).spanContext().traceFlags)).toBe(
      false,
    );
    await tracing.shutdown();
  });

  it.each([
    ['always_on', true],
    ['always_off', false],
    ['parentbased_always_on', true],
    ['parentbased_always_off', false],
  ] as const)('%s sampler: root sampled = %s', async (type, expected) => {
    const tracing = createTracing(tracingConfig({ sampler: { type, ratio: 1 } }));
    const span = tracing.tracer.startSpan('x', undefined, context.active());
    expect(isSampled(span.spanContext().traceFlags)).toBe(expected);
    expect(span.isRecording()).toBe(expected);
    await tracing.shutdown();
  });

  it('rejects an unknown sampler name, naming the field and the allowed values', () => {
    expect(() => createTracing(tracingConfig({ sampler: { type: 'sometimes' as never, ratio: 1 } }))).toThrow(
      /tracing\.sampler: expected a ratio between 0 and 1 or one of always_on\|always_off\|traceidratio.*got \{"type":"sometimes","ratio":1\}/,
    );
  });

  it('rejects a ratio outside 0..1', () => {
    expect(() => createTracing(tracingConfig({ sampler: { type: 'traceidratio', ratio: 1.5 } }))).toThrow(
      /tracing\.sampler: expected a ratio between 0 and 1.*got \{"type":"traceidratio","ratio":1\.5\}/,
    );
  });
});
