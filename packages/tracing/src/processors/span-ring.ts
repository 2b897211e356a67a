import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { copyOfSpan, type RecentSpan, RetainedSpans } from './retained-spans';

export type { RecentSpan } from './retained-spans';
export {
  SPAN_RING_MAX_ATTRIBUTES,
  SPAN_RING_MAX_EVENTS,
  SPAN_RING_MAX_SPAN_CHARS,
  SPAN_RING_MAX_VALUE_CHARS,
} from './retained-spans';

/** The defaults of {@link SpanRingOptions} (the config's `dashboard.buffer` defaults are the same values). */
export const SPAN_RING_DEFAULTS = Object.freeze({
  youngSpans: 256,
  tracesPerSecond: 10,
  traceBurst: 100,
  slowMillis: 500,
});

/** How a {@link SpanRing} chooses the traces it keeps beyond its young tier. */
export interface SpanRingOptions {
  /**
   * Spans held by reference in the young tier (the most recent ones, whatever their trace); at
   * most the ring's capacity. Small enough that what it holds dies in V8's young generation.
   * @default 256
   */
  youngSpans?: number;
  /** Ordinary traces (no error, not slow) copied into the retained tier per second at most; 0: none. @default 10 */
  tracesPerSecond?: number;
  /** Ordinary traces that may be copied at once before the rate applies (the token bucket's size). @default 100 */
  traceBurst?: number;
  /** A trace whose local root lasted at least this long is always kept. @default 500 */
  slowMillis?: number;
}

/** What a {@link SpanRing} did with the spans it was given (see {@link SpanRing.stats}). */
export interface SpanRingStats {
  /** Spans pushed since creation (= {@link SpanRing.total}). */
  readonly spans: number;
  /** Spans the young tier holds at most / the retained tier at most. */
  readonly youngCapacity: number;
  readonly retainedCapacity: number;
  /** Traces copied into the retained tier when their local root ended, by why they were chosen. */
  readonly tracesKept: { readonly error: number; readonly slow: number; readonly rate: number };
  /** Ordinary traces over the rate: left in the young tier, to die there (not a loss: they were exported). */
  readonly tracesSkipped: number;
  /**
   * Spans of chosen traces the dashboard lost, by reason. `evicted_before_selection`: pushed out of
   * the young tier before their local root ended and chose the trace (a trace with more spans than
   * the young tier holds at the current span rate); counted when the root is chosen, against the
   * trace ids of the last `youngSpans` evictions, so at least that many were lost.
   */
  readonly dropped: { readonly evicted_before_selection: number };
}

const UNDECIDED = 0;
const COPIED = 1;
const STATUS_ERROR = 2;
/** Trace ids of failed spans remembered until their root ends (more: the oldest is forgotten). */
const MAX_FAILED_TRACES = 256;

/**
 * The dashboard's recent spans, in two tiers, so that nearly every span dies young:
 *
 * - the **young** tier keeps the last `youngSpans` ended spans by reference (one array store per
 *   span; what it holds is small enough to die in V8's young generation instead of being promoted);
 * - when a trace's **local root** ends (no parent, or a remote one), the trace is chosen or not:
 *   always when a span of it failed (status ERROR) or the root lasted `slowMillis` or more,
 *   otherwise while a token bucket of `tracesPerSecond` (size `traceBurst`) allows. Only a chosen
 *   trace costs more than the store: its root and its spans still in the young tier — found by a
 *   scan back to the first span that ended before the root started — are copied into the
 *   **retained** tier (a ring of `capacity` copies, see `RetainedSpans`), which keeps no object of
 *   the SDK's span. A trace that is not chosen is not looked at again; its spans die young.
 *
 * At low traffic everything is chosen (the bucket does not run dry); at high rates the copied
 * fraction falls to the rate, and the cost per span approaches the one store. Readers
 * (`toArray()`) get both tiers merged in end order, each span once. Memory bound: `youngSpans`
 * SDK spans (each bounded by the tracer's span limits) plus `capacity` copies (each at most
 * 32 attributes and 4 096 attribute characters, 32 event names, a 256-character name), plus the
 * trace ids of at most 256 failed spans and of the last `youngSpans` evicted ones.
 *
 * @example
 * const spans = new SpanRing(2000, { tracesPerSecond: 10, slowMillis: 500 });
 * const tracing = createTracing(config.tracing, resource, { recentSpans: spans });
 * spans.toArray(); // oldest first
 */
export class SpanRing {
  /** Copies the retained tier keeps at most. */
  readonly capacity: number;
  private readonly _retained: RetainedSpans;
  private readonly _young: Array<ReadableSpan | undefined>;
  /** Per young entry: COPIED once its trace was copied (a read skips it there), else UNDECIDED. */
  private readonly _state: Uint8Array;
  /** Young entries of the trace being copied (newest first). */
  private readonly _scratch: Int32Array;
  /** Trace ids of the last non-root spans pushed out of the young tier (to count a chosen trace's losses). */
  private readonly _evictedIds: string[];
  private _evictedAt = 0;
  /** Trace ids with a failed span whose local root has not ended yet. */
  private readonly _failed = new Set<string>();
  private _next = 0;
  private _total = 0;
  private readonly _rate: number;
  private readonly _burst: number;
  private readonly _slowMillis: number;
  private _tokens: number;
  /** The bucket's clock: the end time (s) of the root that last took a token. */
  private _bucketAt = 0;
  private _keptError = 0;
  private _keptSlow = 0;
  private _keptRate = 0;
  private _skipped = 0;
  private _evicted = 0;

  /** @throws Error when `capacity` is not a whole number in 1..1 000 000, or an option is out of range. */
  constructor(capacity = 2000, options: SpanRingOptions = {}) {
    this._retained = new RetainedSpans(capacity);
    this.capacity = capacity;
    const young = options.youngSpans ?? SPAN_RING_DEFAULTS.youngSpans;
    const rate = options.tracesPerSecond ?? SPAN_RING_DEFAULTS.tracesPerSecond;
    const burst = options.traceBurst ?? SPAN_RING_DEFAULTS.traceBurst;
    const slow = options.slowMillis ?? SPAN_RING_DEFAULTS.slowMillis;
    if (!Number.isInteger(young) || young < 1 || young > 1_000_000)
      throw new Error(`SpanRing youngSpans must be a whole number in 1..1000000, got ${String(young)}`);
    if (!(rate >= 0 && rate <= 1_000_000))
      throw new Error(`SpanRing tracesPerSecond must be a number in 0..1000000, got ${String(rate)}`);
    if (!Number.isInteger(burst) || burst < 1 || burst > 1_000_000)
      throw new Error(`SpanRing traceBurst must be a whole number in 1..1000000, got ${String(burst)}`);
    if (!(slow >= 0 && slow <= 86_400_000))
      throw new Error(`SpanRing slowMillis must be a number in 0..86400000, got ${String(slow)}`);
    const size = Math.min(young, capacity);
    this._young = new Array(size).fill(undefined);
    this._state = new Uint8Array(size);
    this._scratch = new Int32Array(size);
    this._evictedIds = new Array(size).fill('');
    this._rate = rate;
    this._burst = burst;
    this._tokens = burst;
    this._slowMillis = slow;
  }

  /** Takes `span` into the young tier; when it is a local root, decides its trace. Never throws. */
  push(span: ReadableSpan): void {
    try {
      const at = this._next;
      const young = this._young;
      const old = young[at];
      if (old !== undefined && this._state[at] === UNDECIDED) {
        const p = old.parentSpanContext;
        if (p !== undefined && p.isRemote !== true) {
          // A span of a trace not decided yet, or of one that was not chosen: counted only if chosen later.
          this._evictedIds[this._evictedAt] = old.spanContext().traceId;
          this._evictedAt = this._evictedAt + 1 === young.length ? 0 : this._evictedAt + 1;
        }
      }
      young[at] = span;
      this._state[at] = UNDECIDED;
      this._next = at + 1 === young.length ? 0 : at + 1;
      this._total++;
      const parent = span.parentSpanContext;
      if (parent === undefined || parent.isRemote === true) this._decide(at, span);
      else if (span.status.code === STATUS_ERROR) this._fail(span.spanContext().traceId);
    } catch {
      // A span whose getters throw is not chosen (it stays in the young tier until pushed out).
    }
  }

  private _fail(traceId: string): void {
    const failed = this._failed;
    if (failed.size >= MAX_FAILED_TRACES) failed.delete(failed.values().next().value as string);
    failed.add(traceId);
  }

  private _decide(at: number, root: ReadableSpan): void {
    const start = root.startTime;
    const end = root.endTime;
    let error = root.status.code === STATUS_ERROR;
    let traceId: string | undefined;
    if (this._failed.size > 0) {
      traceId = root.spanContext().traceId;
      if (this._failed.delete(traceId)) error = true;
    }
    if (error) this._keptError++;
    else if ((end[0] - start[0]) * 1e3 + (end[1] - start[1]) / 1e6 >= this._slowMillis) this._keptSlow++;
    else if (this._take(end[0] + end[1] / 1e9)) this._keptRate++;
    else {
      this._skipped++;
      return;
    }
    this._copy(at, root, traceId ?? root.spanContext().traceId);
  }

  /** Copies the chosen trace: its spans still in the young tier (they ended after the root started), then the root. */
  private _copy(at: number, root: ReadableSpan, traceId: string): void {
    const young = this._young;
    const state = this._state;
    const scratch = this._scratch;
    const size = young.length;
    const s0 = root.startTime[0];
    const s1 = root.startTime[1];
    let n = 0;
    let i = at;
    let reachedStart = false;
    for (let k = 1; k < size; k++) {
      i = i === 0 ? size - 1 : i - 1;
      const s = young[i];
      if (s === undefined) {
        reachedStart = true;
        break;
      }
      const e = s.endTime;
      if (e[0] < s0 || (e[0] === s0 && e[1] < s1)) {
        reachedStart = true;
        break;
      }
      if (state[i] === UNDECIDED && s.spanContext().traceId === traceId) scratch[n++] = i;
    }
    if (!reachedStart) {
      // The young tier does not reach back to the root's start: spans of it may have been pushed out.
      const ids = this._evictedIds;
      for (let j = 0; j < ids.length; j++)
        if (ids[j] === traceId) {
          this._evicted++;
          ids[j] = '';
        }
    }
    const retained = this._retained;
    const total = this._total;
    // Oldest first; the k-th newest young entry has sequence number total - k.
    for (let j = n - 1; j >= 0; j--) {
      const idx = scratch[j] as number;
      retained.push(young[idx] as ReadableSpan, total - ((at - idx + size) % size));
      state[idx] = COPIED;
    }
    retained.push(root, total);
    state[at] = COPIED;
  }

  /** One token of the bucket, refilled at `tracesPerSecond` on the roots' end times (no clock read). */
  private _take(now: number): boolean {
    if (this._rate === 0) return false;
    if (now > this._bucketAt) {
      const tokens = this._tokens + (now - this._bucketAt) * this._rate;
      this._tokens = Math.min(tokens, this._burst);
      this._bucketAt = now;
    }
    if (this._tokens < 1) return false;
    this._tokens -= 1;
    return true;
  }

  /** Spans pushed since creation; a reader remembers it to fetch only newer ones. */
  get total(): number {
    return this._total;
  }

  /** Spans a read returns now (both tiers, each span once). */
  get size(): number {
    let n = this._retained.size;
    for (let i = 0; i < this._young.length; i++)
      if (this._young[i] !== undefined && this._state[i] !== COPIED) n++;
    return n;
  }

  /**
   * The kept spans of both tiers, each once, in the order they ended (oldest first), as new
   * objects; with `since` (a former `total`), only those that ended after it.
   */
  toArray(since = 0): RecentSpan[] {
    const all: Array<{ seq: number; span: RecentSpan }> = [];
    this._retained.collect(since, all);
    const young = this._young;
    const size = young.length;
    const filled = Math.min(this._total, size);
    // Oldest young entry first: the k-th newest has sequence number total - k.
    for (let k = filled - 1; k >= 0; k--) {
      const seq = this._total - k;
      if (seq <= since) continue;
      const i = (this._next - 1 - k + 2 * size) % size;
      if (this._state[i] === COPIED) continue;
      all.push({ seq, span: copyOfSpan(young[i] as ReadableSpan) });
    }
    all.sort((a, b) => a.seq - b.seq);
    return all.map((e) => e.span);
  }

  /** What was kept, skipped and lost, and why. */
  stats(): SpanRingStats {
    return {
      spans: this._total,
      youngCapacity: this._young.length,
      retainedCapacity: this.capacity,
      tracesKept: { error: this._keptError, slow: this._keptSlow, rate: this._keptRate },
      tracesSkipped: this._skipped,
      dropped: { evicted_before_selection: this._evicted },
    };
  }

  /** Forgets every span (both tiers) and refills the bucket; the counters stay. */
  clear(): void {
    this._retained.clear();
    this._young.fill(undefined);
    this._state.fill(UNDECIDED);
    this._evictedIds.fill('');
    this._failed.clear();
    this._next = 0;
    this._total = 0;
    this._tokens = this._burst;
    this._bucketAt = 0;
  }
}
