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
 * The retained tier of a {@link SpanRing}: a fixed-size ring of copies of the spans of the traces
 * the ring selected. Storing copies the fields the dashboard shows into a slot that is reused (no
 * allocation once the ring has gone round once, no reference to the span kept), with the
 * attribute copy bounded ({@link SPAN_RING_MAX_ATTRIBUTES}, {@link SPAN_RING_MAX_VALUE_CHARS},
 * {@link SPAN_RING_MAX_SPAN_CHARS}); reading builds {@link RecentSpan} objects, so only somebody
 * watching pays for them. Each kept copy remembers the sequence number the span got when it ended
 * (so readers can merge it with the young tier in end order).
 */
export class RetainedSpans {
  /** Spans kept at most. */
  readonly capacity: number;
  private readonly _slots: Array<Slot | undefined>;
  /** Per slot: start s, start ns, end s, end ns (typed, so a write allocates nothing). */
  private readonly _times: Float64Array;
  /** Per slot: the sequence number the span got when it ended (see {@link SpanRing.total}). */
  private readonly _seqs: Float64Array;
  private _next = 0;
  private _total = 0;

  /** @throws Error when `capacity` is not a whole number in 1..1 000 000. */
  constructor(capacity = 2000) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1_000_000)
      throw new Error(`SpanRing capacity must be a whole number in 1..1000000, got ${String(capacity)}`);
    this.capacity = capacity;
    this._slots = new Array(capacity).fill(undefined);
    this._times = new Float64Array(capacity * 4);
    this._seqs = new Float64Array(capacity);
  }

  /** Copies what the dashboard shows of `span` (which ended as number `seq`), dropping the oldest when full. Never throws. */
  push(span: ReadableSpan, seq: number): void {
    const at = this._next;
    let slot = this._slots[at];
    if (slot === undefined) {
      slot = new Slot();
      this._slots[at] = slot;
    }
    copySpan(span, slot, this._times, at * 4);
    this._seqs[at] = seq;
    this._next = at + 1 === this.capacity ? 0 : at + 1;
    this._total++;
  }

  /** Copies stored since creation (kept or since overwritten). */
  get total(): number {
    return this._total;
  }

  /** Copies currently kept. */
  get size(): number {
    return Math.min(this._total, this.capacity);
  }

  /** Appends the kept copies whose sequence number is above `since` to `out`, oldest stored first, as new objects. */
  collect(since: number, out: Array<{ seq: number; span: RecentSpan }>): void {
    const n = this.size;
    const first = this._total - n;
    const t = this._times;
    for (let i = 0; i < n; i++) {
      const at = (first + i) % this.capacity;
      const seq = this._seqs[at] as number;
      if (seq <= since) continue;
      out.push({ seq, span: viewOf(this._slots[at] as Slot, t, at * 4) });
    }
  }

  /** Forgets every copy (and the strings their slots held). */
  clear(): void {
    this._slots.fill(undefined);
    this._times.fill(0);
    this._seqs.fill(0);
    this._next = 0;
    this._total = 0;
  }
}

function viewOf(s: Slot, t: Float64Array, base: number): RecentSpan {
  return new View(
    s,
    s.name,
    s.kind,
    [t[base] as number, t[base + 1] as number],
    [t[base + 2] as number, t[base + 3] as number],
  );
}

/**
 * A copy of `span` built the way the retained tier would keep it (the same bounds), for a span
 * read from the young tier: readers see one shape whichever tier a span came from.
 */
export function copyOfSpan(span: ReadableSpan): RecentSpan {
  const slot = new Slot();
  const t = new Float64Array(4);
  copySpan(span, slot, t, 0);
  return viewOf(slot, t, 0);
}

/** Copies `span` into `slot` (and its times at `t[base..base+3]`); a span whose getters throw leaves the slot blank. */
function copySpan(span: ReadableSpan, slot: Slot, t: Float64Array, base: number): void {
  try {
    copyFields(span, slot, t, base);
  } catch {
    // A span whose getters throw is kept blank rather than half-written.
    slot.traceId = slot.spanId = slot.parentId = slot.name = slot.scope = slot.statusMessage = '';
    slot.attributeCount = slot.eventCount = 0;
    t.fill(0, base, base + 4);
  }
}

function copyFields(span: ReadableSpan, slot: Slot, t: Float64Array, base: number): void {
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
  const start = span.startTime;
  const end = span.endTime;
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
