import { context, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { createTracing, SpanRing, type SpanRingOptions } from '../../src';
import { testResource, tracingConfig } from '../support/config';

function ringed(capacity: number, options: SpanRingOptions) {
  const ring = new SpanRing(capacity, options);
  const tracing = createTracing(tracingConfig(), testResource(), { recentSpans: ring });
  return { ring, tracing, tracer: tracing.tracer };
}

const BASE = Date.now();

/**
 * One trace ending at `at` ms after BASE: a root lasting `millis`, with `children` children that
 * end inside it (the last one with `childStatus`). Returns its trace id.
 */
function traceAt(
  tracer: Tracer,
  at: number,
  opts: { name?: string; millis?: number; children?: number; childStatus?: SpanStatusCode } = {},
): string {
  const millis = opts.millis ?? 1;
  const start = BASE + at - millis;
  const root = tracer.startSpan(opts.name ?? 'root', { startTime: start });
  const ctx = trace.setSpan(context.active(), root);
  const n = opts.children ?? 0;
  for (let i = 0; i < n; i++) {
    const child: Span = tracer.startSpan(`child${i}`, { startTime: start }, ctx);
    if (i === n - 1 && opts.childStatus !== undefined) child.setStatus({ code: opts.childStatus });
    child.end(start + (millis * (i + 1)) / (n + 1));
  }
  root.end(BASE + at);
  return root.spanContext().traceId;
}

const spansOf = (ring: SpanRing, traceId: string) =>
  ring.toArray().filter((s) => s.spanContext().traceId === traceId);

describe('SpanRing trace selection', () => {
  it('keeps every trace while the traffic is low (the bucket does not run dry)', async () => {
    const { ring, tracing, tracer } = ringed(100, { youngSpans: 4, tracesPerSecond: 10, traceBurst: 20 });
    const ids = Array.from({ length: 15 }, (_, i) => traceAt(tracer, i * 100, { children: 1 }));
    // 30 spans through a young tier of 4: all of them copied when their root ended
    expect(new Set(ring.toArray().map((s) => s.spanContext().traceId))).toEqual(new Set(ids));
    expect(ring.toArray()).toHaveLength(30);
    expect(ring.stats()).toMatchObject({
      spans: 30,
      tracesKept: { error: 0, slow: 0, rate: 15 },
      tracesSkipped: 0,
      dropped: { evicted_before_selection: 0 },
    });
    await tracing.shutdown();
  });

  it('always keeps a trace with a failed span, even with no rate left, children included', async () => {
    const { ring, tracing, tracer } = ringed(100, { youngSpans: 8, tracesPerSecond: 0 });
    const failed = traceAt(tracer, 0, { children: 3, childStatus: SpanStatusCode.ERROR });
    for (let i = 1; i <= 20; i++) traceAt(tracer, i, { children: 1 });
    const kept = spansOf(ring, failed);
    expect(kept.map((s) => s.name)).toEqual(['child0', 'child1', 'child2', 'root']);
    const rootId = kept[3]?.spanContext().spanId;
    for (const c of kept.slice(0, 3)) expect(c.parentSpanContext?.spanId).toBe(rootId);
    expect(kept[2]?.status.code).toBe(SpanStatusCode.ERROR);
    // the ordinary ones: not copied, only the young tier's last 8 spans (4 traces) remain
    expect(ring.toArray()).toHaveLength(4 + 8);
    expect(ring.stats()).toMatchObject({ tracesKept: { error: 1, slow: 0, rate: 0 }, tracesSkipped: 20 });
    await tracing.shutdown();
  });

  it('always keeps a trace whose local root took slowMillis or more', async () => {
    const { ring, tracing, tracer } = ringed(100, { youngSpans: 4, tracesPerSecond: 0, slowMillis: 200 });
    const slow = traceAt(tracer, 1000, { millis: 250, children: 2 });
    const fast = traceAt(tracer, 1001, { millis: 150, children: 2 });
    for (let i = 0; i < 10; i++) traceAt(tracer, 1100 + i);
    expect(spansOf(ring, slow).map((s) => s.name)).toEqual(['child0', 'child1', 'root']);
    expect(spansOf(ring, fast)).toEqual([]);
    expect(ring.stats().tracesKept).toEqual({ error: 0, slow: 1, rate: 0 });
    await tracing.shutdown();
  });

  it('keeps ordinary traces at the bucket rate once the burst is spent', async () => {
    const { ring, tracing, tracer } = ringed(1000, { youngSpans: 16, tracesPerSecond: 2, traceBurst: 3 });
    // 50 traces over 9.8 s (5 a second): 3 at once, then 2 a second
    for (let i = 0; i < 50; i++) traceAt(tracer, i * 200);
    const { tracesKept, tracesSkipped } = ring.stats();
    expect(tracesKept.rate + tracesSkipped).toBe(50);
    expect(tracesKept.rate).toBeGreaterThanOrEqual(3 + 19);
    expect(tracesKept.rate).toBeLessThanOrEqual(3 + 20);
    // what a reader sees: the kept copies plus the young tier's skipped spans, each once
    const names = ring.toArray().map((s) => s.spanContext().spanId);
    expect(new Set(names).size).toBe(names.length);
    await tracing.shutdown();
  });

  it('counts the spans pushed out of the young tier before their local root ended', async () => {
    const { ring, tracing, tracer } = ringed(100, { youngSpans: 4 });
    const id = traceAt(tracer, 0, { children: 6 });
    // 6 children and the root through 4 places: child0..child2 were gone when the root chose the trace
    expect(spansOf(ring, id).map((s) => s.name)).toEqual(['child3', 'child4', 'child5', 'root']);
    expect(ring.stats().dropped).toEqual({ evicted_before_selection: 3 });
    await tracing.shutdown();
  });

  it('reads a kept trace still in the young tier once, in end order', async () => {
    const { ring, tracing, tracer } = ringed(100, { youngSpans: 64 });
    const a = traceAt(tracer, 0, { children: 2 });
    const b = traceAt(tracer, 1, { children: 1 });
    expect(ring.toArray().map((s) => [s.spanContext().traceId, s.name])).toEqual([
      [a, 'child0'],
      [a, 'child1'],
      [a, 'root'],
      [b, 'child0'],
      [b, 'root'],
    ]);
    expect(ring.size).toBe(5);
    expect(ring.toArray(3).map((s) => s.name)).toEqual(['child0', 'root']);
    await tracing.shutdown();
  });

  it('holds its bound under 100 000 spans at a high rate', async () => {
    const { ring, tracing, tracer } = ringed(2000, { youngSpans: 256, tracesPerSecond: 10, traceBurst: 100 });
    // 20 000 traces of 5 spans in 2 s of span time (10 000 traces a second), one in 50 failing
    for (let i = 0; i < 20_000; i++)
      traceAt(tracer, i / 10, {
        children: 4,
        ...(i % 50 === 0 ? { childStatus: SpanStatusCode.ERROR } : {}),
      });
    const stats = ring.stats();
    expect(stats.spans).toBe(100_000);
    expect(stats.tracesKept.error).toBe(400);
    // the burst and ~2 s at 10 a second
    expect(stats.tracesKept.rate).toBeLessThanOrEqual(100 + 21);
    expect(stats.tracesKept.rate + stats.tracesKept.error + stats.tracesSkipped).toBe(20_000);
    expect(stats.dropped.evicted_before_selection).toBe(0);
    const all = ring.toArray();
    expect(all.length).toBeLessThanOrEqual(2000 + 256);
    expect(ring.size).toBe(all.length);
    const young = (ring as unknown as { _young: unknown[] })._young;
    expect(young).toHaveLength(256);
    await tracing.shutdown();
  }, 60_000);

  it('checks its options', () => {
    expect(() => new SpanRing(10, { youngSpans: 0 })).toThrow(/youngSpans/);
    expect(() => new SpanRing(10, { tracesPerSecond: -1 })).toThrow(/tracesPerSecond/);
    expect(() => new SpanRing(10, { traceBurst: 0.5 })).toThrow(/traceBurst/);
    expect(() => new SpanRing(10, { slowMillis: Number.NaN })).toThrow(/slowMillis/);
    // the young tier is at most the capacity
    expect(new SpanRing(10, { youngSpans: 100 }).stats().youngCapacity).toBe(10);
  });
});
