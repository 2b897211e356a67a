import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** Attributes copied per span (the dashboard's waterfall shows at most 64; most spans carry < 20). */
export const SPAN_RING_MAX_ATTRIBUTES = 32;
/** Characters kept of one string attribute value: one more than the waterfall shows, so it still marks the cut. */
export const SPAN_RING_MAX_VALUE_CHARS = 501;
/** Characters of attribute values (and keys) copied per span in all; later values are cut to what is left. */
export const SPAN_RING_MAX_SPAN_CHARS = 4096;
/** Events copied per span (name and time only: what the waterfall shows). */
export const SPAN_RING_MAX_EVENTS = 32;
const MAX_NAME_CHARS = 256;
const MAX_KEY_CHARS = 128;

/** A kept span as read back from a {@link SpanRing}: the fields the dashboard shows, copied. */
export interface RecentSpan {
  readonly name: string;
  readonly kind: number;
  readonly startTime: [number, number];
  readonly endTime: [number, number];
  readonly status: { readonly code: number; readonly message?: string };
  /** At most {@link SPAN_RING_MAX_ATTRIBUTES}; array values as their JSON text; long strings cut. */
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly events: ReadonlyArray<{ readonly name: string; readonly time: [number, number] }>;
  readonly parentSpanContext?: { readonly spanId: string };
  readonly instrumentationScope?: { readonly name: string };
  spanContext(): { readonly traceId: string; readonly spanId: string };
}

type Value = string | number | boolean;

/**
 * One slot of the ring, overwritten in place by every span stored in it. It holds only strings
 * and numbers, never an object of the span, so the SDK's span (with its resource, attribute
 * object, events and context) dies young: what a kept span costs the garbage collector is a few
 * short strings. Its arrays are allocated once, the first time the slot is used.
 */
class Slot {
  traceId = '';
  spanId = '';
  parentId = '';
  name = '';
  scope = '';
  statusMessage = '';
  kind = 0;
  statusCode = 0;
  attributeCount = 0;
  readonly keys: string[] = [];
  readonly values: Value[] = [];
  eventCount = 0;
  eventNames: string[] | undefined = undefined;
  /** [s, ns] per event. */
  eventTimes: number[] | undefined = undefined;
}

/** Up to `n` characters of `s` as a string of its own: a plain slice may keep all of `s` reachable. */
function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  return JSON.parse(JSON.stringify(s.slice(0, n))) as string;
}

class View implements RecentSpan {
  readonly attributes: Record<string, Value> = {};
  readonly events: Array<{ readonly name: string; readonly time: [number, number] }> = [];
  readonly status: { readonly code: number; readonly message?: string };
  readonly parentSpanContext?: { readonly spanId: string };
  readonly instrumentationScope?: { readonly name: string };
  private readonly _ctx: { readonly traceId: string; readonly spanId: string };
  constructor(
    s: Slot,
    readonly name: string,
    readonly kind: number,
    readonly startTime: [number, number],
    readonly endTime: [number, number],
  ) {
    this._ctx = { traceId: s.traceId, spanId: s.spanId };
    this.status = s.statusMessage ? { code: s.statusCode, message: s.statusMessage } : { code: s.statusCode };
    if (s.parentId) this.parentSpanContext = { spanId: s.parentId };
    if (s.scope) this.instrumentationScope = { name: s.scope };
    for (let i = 0; i < s.attributeCount; i++) this.attributes[s.keys[i] as string] = s.values[i] as Value;
    const times = s.eventTimes as number[];
    for (let i = 0; i < s.eventCount; i++)
      this.events.push({
        name: (s.eventNames as string[])[i] as string,
        time: [times[2 * i] as number, times[2 * i + 1] as number],
      });
  }
  spanContext(): { readonly traceId: string; readonly spanId: string } {
    return this._ctx;
  }
}

/**
 * A fixed-size ring of the most recently ended (sampled) spans, filled by the tracing handle's
 * processor when each span ends, outside the export queue; the live dashboard reads it on demand.
 * Storing copies the fields the dashboard shows into a slot that is reused (no allocation once the
 * ring has gone round once, no reference to the span kept), with the attribute copy bounded
 * ({@link SPAN_RING_MAX_ATTRIBUTES}, {@link SPAN_RING_MAX_VALUE_CHARS},
 * {@link SPAN_RING_MAX_SPAN_CHARS}); reading builds {@link RecentSpan} objects, so only somebody
 * watching pays for them. The SDK's providers take their processors only at construction, which is
 * why the ring is given to `createTracing`.
 *
 * @example
 * const spans = new SpanRing(2000);
 * const tracing = createTracing(config.tracing, resource, { recentSpans: spans });
 * spans.toArray(); // oldest first
 */
export class SpanRing {
  /** Spans kept at most. */
  readonly capacity: number;
  private readonly _slots: Array<Slot | undefined>;
  /** Per slot: start s, start ns, end s, end ns (typed, so a write allocates nothing). */
  private readonly _times: Float64Array;
  private _next = 0;
  private _total = 0;

  /** @throws Error when `capacity` is not a whole number in 1..1 000 000. */
  constructor(capacity = 2000) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1_000_000)
      throw new Error(`SpanRing capacity must be a whole number in 1..1000000, got ${String(capacity)}`);
    this.capacity = capacity;
    this._slots = new Array(capacity).fill(undefined);
    this._times = new Float64Array(capacity * 4);
  }

  /** Copies what the dashboard shows of `span`, dropping the oldest when full. Never throws. */
  push(span: ReadableSpan): void {
    const at = this._next;
    let slot = this._slots[at];
    if (slot === undefined) {
      slot = new Slot();
      this._slots[at] = slot;
    }
    try {
      this._copy(span, slot, at);
    } catch {
      // A span whose getters throw is kept blank rather than half-written.
      slot.traceId = slot.spanId = slot.parentId = slot.name = slot.scope = slot.statusMessage = '';
      slot.attributeCount = slot.eventCount = 0;
      this._times.fill(0, at * 4, at * 4 + 4);
    }
    this._next = at + 1 === this.capacity ? 0 : at + 1;
    this._total++;
  }

  private _copy(span: ReadableSpan, slot: Slot, at: number): void {
    // Stores are skipped when the slot already holds the same string (names, scopes, attribute
    // keys and most values repeat from span to span): an unchanged field costs no write barrier.
    const ctx = typeof span.spanContext === 'function' ? span.spanContext() : undefined;
    slot.traceId = ctx?.traceId ?? '';
    slot.spanId = ctx?.spanId ?? '';
    const parentId = span.parentSpanContext?.spanId ?? '';
    if (slot.parentId !== parentId) slot.parentId = parentId;
    const rawName = span.name;
    const name =
      typeof rawName !== 'string'
        ? ''
        : rawName.length <= MAX_NAME_CHARS
          ? rawName
          : cut(rawName, MAX_NAME_CHARS);
    if (slot.name !== name) slot.name = name;
    slot.kind = span.kind ?? 0;
    const status = span.status;
    slot.statusCode = status?.code ?? 0;
    const rawMessage = status?.message;
    const message = typeof rawMessage === 'string' ? cut(rawMessage, SPAN_RING_MAX_VALUE_CHARS) : '';
    if (slot.statusMessage !== message) slot.statusMessage = message;
    const rawScope = span.instrumentationScope?.name;
    const scope = typeof rawScope === 'string' ? rawScope : '';
    if (slot.scope !== scope) slot.scope = scope;
    const t = this._times;
    const start = span.startTime;
    const end = span.endTime;
    const base = at * 4;
    t[base] = start?.[0] ?? 0;
    t[base + 1] = start?.[1] ?? 0;
    t[base + 2] = end?.[0] ?? 0;
    t[base + 3] = end?.[1] ?? 0;

    let n = 0;
    let budget = SPAN_RING_MAX_SPAN_CHARS;
    const attrs = span.attributes;
    const keys = slot.keys;
    const values = slot.values;
    if (attrs !== undefined && attrs !== null) {
      for (const k in attrs) {
        if (n === SPAN_RING_MAX_ATTRIBUTES || budget <= 0) break;
        if (k === '__proto__') continue;
        const v = attrs[k];
        let stored: Value;
        if (typeof v === 'string') {
          const limit = budget < SPAN_RING_MAX_VALUE_CHARS ? budget : SPAN_RING_MAX_VALUE_CHARS;
          stored = v.length <= limit ? v : cut(v, limit);
          budget -= stored.length;
        } else if (typeof v === 'number' || typeof v === 'boolean') stored = v;
        else if (v === undefined || v === null) continue;
        else {
          // Arrays of primitives: kept as the text the waterfall would show.
          const limit = budget < SPAN_RING_MAX_VALUE_CHARS ? budget : SPAN_RING_MAX_VALUE_CHARS;
          stored = cut(JSON.stringify(v) ?? String(v), limit);
          budget -= stored.length;
        }
        const key = k.length <= MAX_KEY_CHARS ? k : cut(k, MAX_KEY_CHARS);
        budget -= key.length;
        if (n < keys.length) {
          if (keys[n] !== key) keys[n] = key;
          if (values[n] !== stored) values[n] = stored;
        } else {
          keys.push(key);
          values.push(stored);
        }
        n++;
      }
    }
    // Entries past the count would keep an older span's strings: released, so a slot holds one span's worth.
    for (let i = n; i < slot.attributeCount; i++) {
      keys[i] = '';
      values[i] = '';
    }
    slot.attributeCount = n;

    let e = 0;
    const events = span.events;
    if (events !== undefined && events.length > 0) {
      const count = events.length < SPAN_RING_MAX_EVENTS ? events.length : SPAN_RING_MAX_EVENTS;
      if (slot.eventNames === undefined) {
        slot.eventNames = [];
        slot.eventTimes = [];
      }
      const names = slot.eventNames;
      const times = slot.eventTimes as number[];
      for (; e < count; e++) {
        const ev = events[e];
        names[e] = typeof ev?.name === 'string' ? cut(ev.name, MAX_NAME_CHARS) : '';
        times[2 * e] = ev?.time?.[0] ?? 0;
        times[2 * e + 1] = ev?.time?.[1] ?? 0;
      }
    }
    if (slot.eventNames !== undefined) for (let i = e; i < slot.eventCount; i++) slot.eventNames[i] = '';
    slot.eventCount = e;
  }

  /** Spans stored since creation (kept or since overwritten); a reader remembers it to fetch only newer ones. */
  get total(): number {
    return this._total;
  }

  /** Spans currently kept. */
  get size(): number {
    return Math.min(this._total, this.capacity);
  }

  /** The kept spans, oldest first, as new objects; with `since` (a former `total`), only those stored after it. */
  toArray(since = 0): RecentSpan[] {
    const n = Math.min(this.size, Math.max(0, this._total - since));
    const out: RecentSpan[] = new Array(n);
    const first = this._total - n;
    const t = this._times;
    for (let i = 0; i < n; i++) {
      const at = (first + i) % this.capacity;
      const s = this._slots[at] as Slot;
      out[i] = new View(
        s,
        s.name,
        s.kind,
        [t[at * 4] as number, t[at * 4 + 1] as number],
        [t[at * 4 + 2] as number, t[at * 4 + 3] as number],
      );
    }
    return out;
  }

  /** Forgets every span (and the strings their slots held). */
  clear(): void {
    this._slots.fill(undefined);
    this._times.fill(0);
    this._next = 0;
    this._total = 0;
  }
}
