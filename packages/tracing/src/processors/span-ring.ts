import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/**
 * A fixed-size ring of the most recently ended (sampled) spans, filled by the tracing handle's
 * processor when each span ends, outside the export queue. Storing is one array write (the span
 * object itself is kept, nothing is copied), so it costs the same whether anybody reads it or
 * not; the live dashboard reads it on demand. OpenTelemetry JS 2.x providers take their
 * processors only at construction, which is why the ring is given to `createTracing`.
 *
 * @example
 * const spans = new SpanRing(2000);
 * const tracing = createTracing(config.tracing, resource, { recentSpans: spans });
 * spans.toArray(); // oldest first
 */
export class SpanRing {
  /** Spans kept at most. */
  readonly capacity: number;
  private readonly _items: Array<ReadableSpan | undefined>;
  private _next = 0;
  private _total = 0;

  constructor(capacity = 2000) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1_000_000)
      throw new Error(`SpanRing capacity must be a whole number in 1..1000000, got ${String(capacity)}`);
    this.capacity = capacity;
    this._items = new Array(capacity);
  }

  /** Keeps `span`, dropping the oldest when full. Never throws. */
  push(span: ReadableSpan): void {
    this._items[this._next] = span;
    this._next = this._next + 1 === this.capacity ? 0 : this._next + 1;
    this._total++;
  }

  /** Spans stored since creation (kept or since overwritten). */
  get total(): number {
    return this._total;
  }

  /** Spans currently kept. */
  get size(): number {
    return Math.min(this._total, this.capacity);
  }

  /** The kept spans, oldest first (a new array; the spans are the SDK's read-only objects). */
  toArray(): ReadableSpan[] {
    const n = this.size;
    const out: ReadableSpan[] = new Array(n);
    const start = this._total > this.capacity ? this._next : 0;
    for (let i = 0; i < n; i++) out[i] = this._items[(start + i) % this.capacity] as ReadableSpan;
    return out;
  }

  /** Forgets every span. */
  clear(): void {
    this._items.fill(undefined);
    this._next = 0;
    this._total = 0;
  }
}
