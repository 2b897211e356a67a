import type { Attributes, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';

/**
 * OTLP protobuf spans encoded when they end, not when their batch is exported.
 *
 * A span waiting for its batch (up to `maxExportBatchSize` of them, for up to
 * `scheduledDelayMillis`) used to be held as the SDK's whole span object graph — attributes,
 * events, links, times, contexts, the end-metrics closure — long enough for the young-generation
 * GC to copy it twice and promote it to the old generation, where a major GC later frees it.
 * Encoded at end, a queued span is a few hundred bytes in one off-heap buffer, and the span object
 * dies young. The bytes are exactly those of `@opentelemetry/otlp-transformer`'s
 * `ProtobufTraceSerializer` for the same spans (field for field, in its order; a test compares
 * the two byte for byte); the resource and scope are encoded at export, once per batch, after
 * the resource's asynchronous attributes settled, as the upstream serializer does.
 */

/** The scope a span was made by (the SDK's `InstrumentationScope`). */
interface Scope {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
  readonly attributes?: Attributes;
  readonly droppedAttributesCount?: number;
}

/** Spans of one resource and scope share one group object (compared by identity, as upstream). */
export interface SpanGroup {
  readonly resource: Resource;
  readonly scope: Scope;
}

const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK = 256;
const SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK = 512;
const MIN_64_BIT_INT = -(2 ** 63);
const MAX_64_BIT_INT = 2 ** 63;
const LEN = 2;
const VARINT = 0;
const I64 = 1;
const I32 = 5;

/** A growable protobuf writer (the upstream writer's encoding: 1 byte reserved per length). */
class Writer {
  buf: Uint8Array;
  pos = 0;
  private _view: DataView;
  private readonly _utf8 = new TextEncoder();

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this._view = new DataView(this.buf.buffer);
  }

  ensure(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this._view = new DataView(next.buffer);
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  varint(value: number): void {
    this.ensure(10);
    const buf = this.buf;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 127) {
        buf[this.pos++] = (v & 127) | 128;
        v >>>= 7;
      }
      buf[this.pos++] = v;
      return;
    }
    // int64 two's complement, as the upstream writer
    let low: number;
    let high: number;
    if (value >= 0) {
      low = value >>> 0;
      high = (value / 4294967296) >>> 0;
    } else {
      const abs = Math.abs(value);
      low = ~(abs >>> 0) >>> 0;
      high = ~((abs / 4294967296) >>> 0) >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 127) {
      buf[this.pos++] = (low & 127) | 128;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[this.pos++] = low & 127;
  }

  fixed32(value: number): void {
    this.ensure(4);
    const v = value >>> 0;
    const buf = this.buf;
    buf[this.pos++] = v & 255;
    buf[this.pos++] = (v >>> 8) & 255;
    buf[this.pos++] = (v >>> 16) & 255;
    buf[this.pos++] = (v >>> 24) & 255;
  }

  fixed64(low: number, high: number): void {
    this.fixed32(low);
    this.fixed32(high);
  }

  double(value: number): void {
    this.ensure(8);
    this._view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** A lowercase or uppercase hex id as bytes (the upstream `hexToBinary`), without a temporary array. */
  hex(id: string): void {
    const n = id.length >>> 1;
    this.varint(n);
    this.ensure(n);
    const buf = this.buf;
    for (let i = 0; i < n; i++)
      buf[this.pos++] = (nibble(id.charCodeAt(2 * i)) << 4) | nibble(id.charCodeAt(2 * i + 1));
  }

  string(s: string): void {
    const len = s.length;
    if (len < 128) {
      let i = 0;
      while (i < len && s.charCodeAt(i) < 128) i++;
      if (i === len) {
        this.varint(len);
        this.ensure(len);
        const buf = this.buf;
        for (i = 0; i < len; i++) buf[this.pos++] = s.charCodeAt(i);
        return;
      }
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a lone surrogate becomes U+FFFD, 3 bytes)
    this.ensure(5 + 3 * len);
    const at = this.start();
    this.pos += this._utf8.encodeInto(s, this.buf.subarray(this.pos)).written;
    this.finish(at);
  }

  /** Reserves one byte for a length; {@link finish} writes it (shifting the content if it needs more). */
  start(): number {
    this.ensure(1);
    return this.pos++;
  }

  finish(at: number): void {
    const length = this.pos - at - 1;
    const size = varintSize(length);
    if (size > 1) {
      this.ensure(size - 1);
      this.buf.copyWithin(at + size, at + 1, this.pos);
      this.pos += size - 1;
    }
    const buf = this.buf;
    let v = length;
    let p = at;
    while (v > 127) {
      buf[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[p] = v;
  }
}

function nibble(c: number): number {
  // '0'-'9' → 0-9, 'a'-'f' / 'A'-'F' → 10-15 (upstream's table; other characters are not ids)
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return 0;
}

function varintSize(v: number): number {
  if (v < 128) return 1;
  if (v < 16384) return 2;
  if (v < 2097152) return 3;
  if (v < 268435456) return 4;
  return 5;
}

function hrTime(w: Writer, t: HrTime): void {
  // [seconds, nanos] as fixed64 nanoseconds, the upstream arithmetic (exact beyond 2^53)
  const seconds = t[0];
  const nanos = t[1];
  const lower16 = (seconds & 65535) * 1e9;
  const upper = ((seconds / 65536) >>> 0) * 1e9;
  const lowLow = lower16 >>> 0;
  const lowHigh = Math.floor(lower16 / 4294967296);
  const upLow = ((upper & 65535) * 65536) >>> 0;
  const upHigh = (upper / 65536) >>> 0;
  const low = lowLow + upLow + nanos;
  const carry = Math.floor(low / 4294967296);
  w.fixed64(low >>> 0, (lowHigh + upHigh + carry) >>> 0);
}

function attributes(w: Writer, attrs: Attributes, field: number): void {
  for (const key in attrs) {
    if (!Object.hasOwn(attrs, key)) continue;
    w.tag(field, LEN);
    const kv = w.start();
    w.tag(1, LEN);
    w.string(key);
    w.tag(2, LEN);
    const any = w.start();
    anyValue(w, attrs[key]);
    w.finish(any);
    w.finish(kv);
  }
}

function anyValue(w: Writer, value: unknown): void {
  const t = typeof value;
  if (t === 'string') {
    w.tag(1, LEN);
    w.string(value as string);
  } else if (t === 'boolean') {
    w.tag(2, VARINT);
    w.varint(value ? 1 : 0);
  } else if (t === 'number') {
    const n = value as number;
    if (Number.isInteger(n) && n >= MIN_64_BIT_INT && n < MAX_64_BIT_INT) {
      w.tag(3, VARINT);
      w.varint(n);
    } else {
      w.tag(4, I64);
      w.double(n);
    }
  } else if (value instanceof Uint8Array) {
    w.tag(7, LEN);
    w.bytes(value);
  } else if (Array.isArray(value)) {
    w.tag(5, LEN);
    const array = w.start();
    for (const item of value) {
      w.tag(1, LEN);
      const at = w.start();
      anyValue(w, item);
      w.finish(at);
    }
    w.finish(array);
  } else if (t === 'object' && value != null) {
    w.tag(6, LEN);
    const list = w.start();
    // a KeyValueList's `values` (field 1) are KeyValues, as an attribute list's are
    attributes(w, value as Attributes, 1);
    w.finish(list);
  }
}

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  let flags = (traceFlags & 255) | SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK;
  if (isRemote) flags |= SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK;
  return flags;
}

function event(w: Writer, e: TimedEvent): void {
  const at = w.start();
  w.tag(1, I64);
  hrTime(w, e.time);
  w.tag(2, LEN);
  w.string(e.name);
  if (e.attributes) attributes(w, e.attributes, 3);
  w.tag(4, VARINT);
  w.varint(e.droppedAttributesCount || 0);
  w.finish(at);
}

function link(w: Writer, l: Link & { droppedAttributesCount?: number }): void {
  const at = w.start();
  const ctx: SpanContext = l.context;
  w.tag(1, LEN);
  w.hex(ctx.traceId);
  w.tag(2, LEN);
  w.hex(ctx.spanId);
  const state = ctx.traceState?.serialize();
  if (state) {
    w.tag(3, LEN);
    w.string(state);
  }
  if (l.attributes) attributes(w, l.attributes, 4);
  w.tag(5, VARINT);
  w.varint(l.droppedAttributesCount || 0);
  w.tag(6, I32);
  w.fixed32(spanFlags(ctx.traceFlags, ctx.isRemote));
  w.finish(at);
}

/** One `ScopeSpans.spans` entry (tag 2, length, Span message), the upstream `serializeSpan`. */
function span(w: Writer, s: ReadableSpan): void {
  w.tag(2, LEN);
  const at = w.start();
  const ctx = s.spanContext();
  w.tag(1, LEN);
  w.hex(ctx.traceId);
  w.tag(2, LEN);
  w.hex(ctx.spanId);
  const state = ctx.traceState?.serialize();
  if (state) {
    w.tag(3, LEN);
    w.string(state);
  }
  const parent = s.parentSpanContext;
  if (parent?.spanId) {
    w.tag(4, LEN);
    w.hex(parent.spanId);
  }
  w.tag(5, LEN);
  w.string(s.name);
  const kind = s.kind == null ? 0 : s.kind + 1;
  if (kind !== 0) {
    w.tag(6, VARINT);
    w.varint(kind);
  }
  w.tag(7, I64);
  hrTime(w, s.startTime);
  w.tag(8, I64);
  hrTime(w, s.endTime);
  if (s.attributes) attributes(w, s.attributes, 9);
  w.tag(10, VARINT);
  w.varint(s.droppedAttributesCount);
  for (const e of s.events) {
    w.tag(11, LEN);
    event(w, e);
  }
  w.tag(12, VARINT);
  w.varint(s.droppedEventsCount);
  for (const l of s.links) {
    w.tag(13, LEN);
    link(w, l);
  }
  w.tag(14, VARINT);
  w.varint(s.droppedLinksCount);
  w.tag(15, LEN);
  const status = w.start();
  if (s.status.message) {
    w.tag(2, LEN);
    w.string(s.status.message);
  }
  w.tag(3, VARINT);
  w.varint(s.status.code);
  w.finish(status);
  w.tag(16, I32);
  w.fixed32(spanFlags(ctx.traceFlags, parent?.isRemote));
  w.finish(at);
}

/** The batch handed to the exporter: `length` spans, their bytes in order, and each one's group. */
export class EncodedSpans {
  constructor(
    /** The number of spans (what the exporter's metrics and the processor's accounting count). */
    readonly length: number,
    readonly bytes: Uint8Array,
    /** `ends[i]`: where span i's bytes end (span i starts where span i − 1 ends, span 0 at 0). */
    readonly ends: Int32Array,
    readonly groups: readonly SpanGroup[],
  ) {}

  /** The distinct resources (the processor waits for their asynchronous attributes). */
  resources(): Resource[] {
    const out = new Set<Resource>();
    for (const g of this.groups) out.add(g.resource);
    return [...out];
  }
}

/**
 * The processor's queue when every exporter takes {@link EncodedSpans}: each ended span is encoded
 * into one growing buffer; `take(n)` hands the oldest `n` over as one {@link EncodedSpans}.
 */
export class EncodedSpanQueue {
  private readonly _w = new Writer(64 * 1024);
  private _ends: number[] = [];
  private _groups: SpanGroup[] = [];
  private readonly _interned = new Map<Resource, Map<Scope, SpanGroup>>();

  get length(): number {
    return this._ends.length;
  }

  /** Encodes `span` at the end of the queue; throws (and queues nothing) if it cannot be encoded. */
  push(s: ReadableSpan): void {
    const w = this._w;
    const start = w.pos;
    try {
      span(w, s);
    } catch (err) {
      w.pos = start;
      throw err;
    }
    this._ends.push(w.pos);
    this._groups.push(this._group(s.resource, s.instrumentationScope));
  }

  /** The oldest `n` spans (fewer if fewer are queued), removed from the queue. */
  take(n: number): EncodedSpans {
    const count = Math.min(n, this._ends.length);
    const w = this._w;
    const cut = count > 0 ? this._ends[count - 1]! : 0;
    const ends = Int32Array.from(this._ends.slice(0, count));
    const bytes = w.buf.slice(0, cut);
    const groups = this._groups.slice(0, count);
    this._ends = this._ends.slice(count);
    this._groups = this._groups.slice(count);
    for (let i = 0; i < this._ends.length; i++) this._ends[i]! -= cut;
    w.buf.copyWithin(0, cut, w.pos);
    w.pos -= cut;
    return new EncodedSpans(count, bytes, ends, groups);
  }

  clear(): void {
    this._ends = [];
    this._groups = [];
    this._w.pos = 0;
  }

  private _group(resource: Resource, scope: Scope): SpanGroup {
    let byScope = this._interned.get(resource);
    if (byScope === undefined) {
      byScope = new Map();
      this._interned.set(resource, byScope);
    }
    let group = byScope.get(scope);
    if (group === undefined) {
      group = { resource, scope };
      byScope.set(scope, group);
    }
    return group;
  }
}

/**
 * The `ExportTraceServiceRequest` of an {@link EncodedSpans}: spans grouped by resource, then by
 * scope, in order of first appearance, as the upstream serializer groups them.
 */
export function serializeEncoded(batch: EncodedSpans): Uint8Array {
  const byResource = new Map<Resource, Map<Scope, number[]>>();
  for (let i = 0; i < batch.length; i++) {
    const g = batch.groups[i]!;
    let byScope = byResource.get(g.resource);
    if (byScope === undefined) {
      byScope = new Map();
      byResource.set(g.resource, byScope);
    }
    let indexes = byScope.get(g.scope);
    if (indexes === undefined) {
      indexes = [];
      byScope.set(g.scope, indexes);
    }
    indexes.push(i);
  }
  const w = new Writer(batch.bytes.length + 4096);
  const { bytes, ends } = batch;
  for (const [resource, byScope] of byResource) {
    w.tag(1, LEN);
    const rs = w.start();
    w.tag(1, LEN);
    const r = w.start();
    if (resource.attributes) attributes(w, resource.attributes, 1);
    w.tag(2, VARINT);
    w.varint(0);
    w.finish(r);
    for (const [scope, indexes] of byScope) {
      w.tag(2, LEN);
      const ss = w.start();
      w.tag(1, LEN);
      const sc = w.start();
      w.tag(1, LEN);
      w.string(scope.name);
      if (scope.version) {
        w.tag(2, LEN);
        w.string(scope.version);
      }
      if (scope.attributes) attributes(w, scope.attributes, 3);
      if (scope.droppedAttributesCount) {
        w.tag(4, VARINT);
        w.varint(scope.droppedAttributesCount);
      }
      w.finish(sc);
      // consecutive spans are copied as one run
      let k = 0;
      while (k < indexes.length) {
        const first = indexes[k]!;
        let last = first;
        while (k + 1 < indexes.length && indexes[k + 1] === last + 1) last = indexes[++k]!;
        k++;
        const from = first === 0 ? 0 : ends[first - 1]!;
        const to = ends[last]!;
        w.ensure(to - from);
        w.buf.set(bytes.subarray(from, to), w.pos);
        w.pos += to - from;
      }
      if (scope.schemaUrl) {
        w.tag(3, LEN);
        w.string(scope.schemaUrl);
      }
      w.finish(ss);
    }
    if (resource.schemaUrl) {
      w.tag(3, LEN);
      w.string(resource.schemaUrl);
    }
    w.finish(rs);
  }
  return w.buf.subarray(0, w.pos);
}

const TAKES_ENCODED = Symbol.for('otelkit.tracing.takes-encoded-spans');

interface Serializer {
  serializeRequest(request: unknown): Uint8Array | undefined;
  deserializeResponse(data: Uint8Array): unknown;
}

/** Whether `exporter` was made to take {@link EncodedSpans} batches by {@link acceptEncodedSpans}. */
export function takesEncodedSpans(exporter: unknown): boolean {
  return (exporter as Record<symbol, unknown> | null | undefined)?.[TAKES_ENCODED] === true;
}

/**
 * Makes an upstream OTLP http/protobuf trace exporter (0.2xx/0.3xx: `_delegate._serializer`, the
 * `ProtobufTraceSerializer`) also take {@link EncodedSpans} batches: its serializer is wrapped, an
 * array of spans still goes to the original. When the shape is not found (another OpenTelemetry
 * version) nothing changes and it returns `false`, and the processor queues span objects as before.
 */
export function acceptEncodedSpans(exporter: unknown): boolean {
  const delegate = (exporter as { _delegate?: { _serializer?: Serializer } } | null | undefined)?._delegate;
  const original = delegate?._serializer;
  if (
    delegate === undefined ||
    original === undefined ||
    typeof original.serializeRequest !== 'function' ||
    typeof original.deserializeResponse !== 'function'
  )
    return false;
  delegate._serializer = {
    serializeRequest: (request) =>
      request instanceof EncodedSpans ? serializeEncoded(request) : original.serializeRequest(request),
    deserializeResponse: (data) => original.deserializeResponse(data),
  };
  Object.defineProperty(exporter, TAKES_ENCODED, { value: true, configurable: true });
  return true;
}
