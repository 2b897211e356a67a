import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  createTracing,
  SPAN_RING_MAX_ATTRIBUTES,
  SPAN_RING_MAX_EVENTS,
  SPAN_RING_MAX_SPAN_CHARS,
  SPAN_RING_MAX_VALUE_CHARS,
  SpanRing,
} from '../../src';
import { testResource, tracingConfig } from '../support/config';

function ringed(capacity: number) {
  const ring = new SpanRing(capacity);
  const tracing = createTracing(tracingConfig(), testResource(), { recentSpans: ring });
  return { ring, tracing, tracer: tracing.tracer };
}

/** The slots of the retained tier (the copies). */
function retainedSlots(ring: SpanRing): unknown[] {
  return (ring as unknown as { _retained: { _slots: unknown[] } })._retained._slots;
}

/** Every value reachable from `x` (own properties, array items), objects included. */
function reachable(x: unknown, seen = new Set<unknown>()): Set<unknown> {
  if (x === null || (typeof x !== 'object' && typeof x !== 'function') || seen.has(x)) return seen;
  seen.add(x);
  for (const k of Reflect.ownKeys(x as object))
    reachable((x as Record<string | symbol, unknown>)[k as string], seen);
  return seen;
}

describe('SpanRing', () => {
  it('keeps the newest spans oldest first, wraps around in place and reads after a cursor', async () => {
    const { ring, tracing, tracer } = ringed(3);
    for (const n of [1, 2, 3, 4, 5]) tracer.startSpan(`s${n}`).end();
    expect(ring.toArray().map((s) => s.name)).toEqual(['s3', 's4', 's5']);
    expect([ring.size, ring.total]).toEqual([3, 5]);
    expect(ring.toArray(4).map((s) => s.name)).toEqual(['s5']);
    expect(ring.toArray(5)).toEqual([]);
    // Wrapping round reuses the three slots: no new slot objects once the ring is full.
    const slots = [...retainedSlots(ring)];
    for (const n of [6, 7, 8, 9]) tracer.startSpan(`s${n}`).end();
    expect(retainedSlots(ring)).toEqual(slots);
    const after = retainedSlots(ring);
    for (let i = 0; i < slots.length; i++) expect(after[i]).toBe(slots[i]);
    expect(ring.toArray().map((s) => s.name)).toEqual(['s7', 's8', 's9']);
    ring.clear();
    expect([ring.toArray(), ring.size, ring.total]).toEqual([[], 0, 0]);
    expect(() => new SpanRing(0)).toThrow(/capacity/);
    await tracing.shutdown();
  });

  it('copies what the dashboard shows: ids, parent, kind, times, status, scope, attributes, events', async () => {
    const { ring, tracing, tracer } = ringed(10);
    const parent = tracer.startSpan('parent', { kind: SpanKind.SERVER });
    const { trace, context } = await import('@opentelemetry/api');
    const child = tracer.startSpan(
      'child',
      { kind: SpanKind.CLIENT, attributes: { 'http.route': '/x', n: 7, ok: true, list: [1, 2] } },
      trace.setSpan(context.active(), parent),
    );
    child.addEvent('retry');
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    child.end();
    parent.end();
    const [c, p] = ring.toArray();
    const sdk = child as unknown as {
      startTime: [number, number];
      endTime: [number, number];
      events: Array<{ time: [number, number] }>;
    };
    expect(c).toMatchObject({
      name: 'child',
      kind: SpanKind.CLIENT,
      startTime: sdk.startTime,
      endTime: sdk.endTime,
      status: { code: SpanStatusCode.ERROR, message: 'boom' },
      attributes: { 'http.route': '/x', n: 7, ok: true, list: '[1,2]' },
      events: [{ name: 'retry', time: sdk.events[0]?.time }],
      parentSpanContext: { spanId: parent.spanContext().spanId },
      instrumentationScope: { name: expect.any(String) },
    });
    expect(c?.spanContext()).toEqual({
      traceId: parent.spanContext().traceId,
      spanId: child.spanContext().spanId,
    });
    expect(p?.parentSpanContext).toBeUndefined();
    expect(p?.status).toEqual({ code: SpanStatusCode.UNSET });
    await tracing.shutdown();
  });

  it('bounds the copy: attribute count, value length, characters per span, events', async () => {
    const { ring, tracing, tracer } = ringed(2);
    const many: Record<string, string | number> = {};
    for (let i = 0; i < 100; i++) many[`k${i}`] = i;
    tracer.startSpan('many', { attributes: many }).end();
    const big = 'x'.repeat(3000);
    const long = tracer.startSpan('long', { attributes: { a: big, b: big, c: big, d: big, e: 1 } });
    for (let i = 0; i < 50; i++) long.addEvent(`e${i}`);
    long.end();
    const [m, l] = ring.toArray();
    expect(Object.keys(m?.attributes ?? {})).toHaveLength(SPAN_RING_MAX_ATTRIBUTES);
    expect(m?.attributes.k0).toBe(0);
    const values = Object.values(l?.attributes ?? {}) as unknown[];
    for (const v of values)
      if (typeof v === 'string') expect(v.length).toBeLessThanOrEqual(SPAN_RING_MAX_VALUE_CHARS);
    const chars = Object.entries(l?.attributes ?? {}).reduce(
      (n, [k, v]) => n + k.length + (typeof v === 'string' ? v.length : 0),
      0,
    );
    expect(chars).toBeLessThanOrEqual(SPAN_RING_MAX_SPAN_CHARS);
    // one more character than the waterfall shows (500), so the dashboard still marks the cut
    expect(l?.attributes.a).toBe('x'.repeat(SPAN_RING_MAX_VALUE_CHARS));
    expect(l?.events).toHaveLength(SPAN_RING_MAX_EVENTS);
    expect(l?.events.map((e) => e.name).slice(0, 2)).toEqual(['e0', 'e1']);
    await tracing.shutdown();
  });

  it('keeps no object of the SDK span in the retained tier: its slots hold only strings and numbers', async () => {
    const { ring, tracing, tracer } = ringed(4);
    const span = tracer.startSpan('op', { attributes: { a: 'v', list: ['x'] } });
    span.addEvent('ev', { detail: 'd' });
    span.end();
    const sdk = span as unknown as Record<string, unknown>;
    // the span's own data (not its processor, which leads to the ring itself)
    const fromSpan = new Set<unknown>([span]);
    for (const k of Object.keys(sdk)) if (k !== '_spanProcessor') reachable(sdk[k], fromSpan);
    for (const k of ['attributes', 'events', 'resource', 'instrumentationScope', 'links'])
      expect(fromSpan.has(sdk[k])).toBe(true);
    const stored = reachable(retainedSlots(ring));
    for (const x of stored) if (typeof x === 'object' && x !== null) expect(fromSpan.has(x)).toBe(false);
    // and what a reader gets is built at read time, a new object on every read
    const [a] = ring.toArray();
    const [b] = ring.toArray();
    expect(a).not.toBe(b);
    expect(a).toEqual(b);
    expect(fromSpan.has(a?.attributes)).toBe(false);
    await tracing.shutdown();
  });

  it('lets the SDK span be garbage-collected once it has left the young tier', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { ring, tracing, tracer } = ringed(4);
    let ref: WeakRef<object> | undefined;
    (() => {
      const span = tracer.startSpan('op', { attributes: { a: 'v' } });
      span.end();
      ref = new WeakRef(span);
      // the young tier (4 spans here: at most the capacity) moves on
      for (let i = 0; i < 4; i++) tracer.startSpan(`next${i}`).end();
    })();
    let collected = false;
    for (let i = 0; i < 10 && !collected; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      collected = ref?.deref() === undefined;
    }
    expect(collected).toBe(true);
    expect(ring.toArray().map((s) => s.name)).toEqual(['next0', 'next1', 'next2', 'next3']);
    await tracing.shutdown();
  });
});
