/**
 * Rate / errors / duration per HTTP route and per `@monitored` method over the last 10 s, 1 min and
 * 15 min, from the cumulative metric reader that already exists: each tick keeps a compact copy
 * of the two duration histograms (one snapshot), and a window is the difference between now and
 * the newest snapshot at least that old. Nothing is recorded while nobody watches; a window that
 * reaches back past the first snapshot falls back to the series' start (cumulative since the
 * process started measuring) and says how long it really covers.
 */
import { histogramQuantile } from './quantile';

export const HTTP_DURATION = 'http.server.request.duration';
export const METHOD_DURATION = 'otelkit.method.duration';

/** The windows the page offers, in milliseconds. */
export const WINDOWS = { '10s': 10_000, '1m': 60_000, '15m': 900_000 } as const;
export type WindowName = keyof typeof WINDOWS;

/** Merged cumulative counts of one route (all methods' status codes) or one method. */
interface Agg {
  count: number;
  sum: number;
  errors: number;
  /** 1xx..5xx (index 0..4); methods use index 1 (ok) only. */
  classes: number[];
  counts: number[];
  boundaries: readonly number[];
  min: number;
  max: number;
}

/** One tick's copy of the two histograms. */
export interface Snapshot {
  readonly t: number;
  /** Earliest start time of the series (epoch ms); the baseline when no snapshot is old enough. */
  readonly start: number;
  readonly routes: ReadonlyMap<string, Agg>;
  readonly methods: ReadonlyMap<string, Agg>;
}

/** One row of the routes or methods table. */
export interface RedRow {
  /** `GET /users/:id` or `OrderService.create`. */
  readonly name: string;
  readonly count: number;
  /** Requests (calls) per second over the window. */
  readonly rate: number;
  /** Seconds. `null` when there was no request in the window. */
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  /** Percent of requests that failed (5xx or an error type), 0..100. */
  readonly errorPct: number;
}

/** The whole view over one window. */
export interface RedWindow {
  readonly window: WindowName;
  /** Milliseconds the numbers really cover (less than the window shortly after start). */
  readonly coveredMillis: number;
  readonly total: RedRow;
  /** Requests by status class over the window: 1xx, 2xx, 3xx, 4xx, 5xx. */
  readonly flow: readonly number[];
  /** The top rows by count, then one overflow row (`n more`) when there are more. */
  readonly routes: readonly RedRow[];
  readonly methods: readonly RedRow[];
  /** Rows left out of `routes` / `methods` (folded into their overflow rows). */
  readonly routesHidden: number;
  readonly methodsHidden: number;
}

/** The per-second point of the overview charts. */
export interface RatePoint {
  readonly t: number;
  readonly rate: number;
  readonly p95: number | null;
  readonly errorPct: number;
}

interface PointLike {
  readonly startTime: readonly [number, number];
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly value: unknown;
}

interface HistogramValue {
  readonly count: number;
  readonly sum?: number;
  readonly min?: number;
  readonly max?: number;
  readonly buckets: { readonly boundaries: readonly number[]; readonly counts: readonly number[] };
}

interface MetricLike {
  readonly descriptor: { readonly name: string };
  readonly dataPoints: readonly PointLike[];
}

/** The part of a collection the dashboard reads (sdk-metrics' `CollectionResult`). */
export interface CollectionLike {
  readonly resourceMetrics: {
    readonly scopeMetrics: ReadonlyArray<{ readonly metrics: readonly MetricLike[] }>;
  };
}

function newAgg(boundaries: readonly number[]): Agg {
  return {
    count: 0,
    sum: 0,
    errors: 0,
    classes: [0, 0, 0, 0, 0],
    counts: new Array(boundaries.length + 1).fill(0),
    boundaries,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
  };
}

function isHistogram(v: unknown): v is HistogramValue {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as HistogramValue).count === 'number' &&
    typeof (v as HistogramValue).buckets === 'object'
  );
}

function add(into: Map<string, Agg>, key: string, v: HistogramValue, errors: number, cls: number): void {
  let a = into.get(key);
  if (a === undefined || a.boundaries.length !== v.buckets.boundaries.length) {
    a = newAgg(v.buckets.boundaries);
    into.set(key, a);
  }
  a.count += v.count;
  a.sum += v.sum ?? 0;
  a.errors += errors;
  if (cls >= 0 && cls < 5) a.classes[cls] = (a.classes[cls] as number) + v.count;
  const n = Math.min(a.counts.length, v.buckets.counts.length);
  for (let i = 0; i < n; i++) a.counts[i] = (a.counts[i] as number) + (v.buckets.counts[i] as number);
  if (typeof v.min === 'number' && v.min < a.min) a.min = v.min;
  if (typeof v.max === 'number' && v.max > a.max) a.max = v.max;
}

/**
 * The SDK's clock (time origin + monotonic time, what point start times are stamped with) minus
 * the wall clock now: non-zero once the system clock was stepped (NTP on a VM) after start.
 */
export function sdkClockSkew(): number {
  return Date.now() - (performance.timeOrigin + performance.now());
}

/**
 * Reduces one collection to the compact snapshot the windows are computed from. `now` is wall
 * time; point start times are on the SDK's clock and are moved onto it by `skew`
 * ({@link sdkClockSkew}), or a stepped system clock makes every series look older than a window.
 */
export function snapshotOf(collection: CollectionLike, now: number, skew = sdkClockSkew()): Snapshot {
  const routes = new Map<string, Agg>();
  const methods = new Map<string, Agg>();
  let start = now;
  for (const scope of collection.resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const name = metric.descriptor.name;
      if (name !== HTTP_DURATION && name !== METHOD_DURATION) continue;
      for (const p of metric.dataPoints) {
        if (!isHistogram(p.value)) continue;
        const s = p.startTime[0] * 1000 + p.startTime[1] / 1e6 + skew;
        if (s < start) start = s;
        const a = p.attributes;
        if (name === HTTP_DURATION) {
          const status = Number(a['http.response.status_code']);
          const cls = Number.isFinite(status) ? Math.floor(status / 100) - 1 : -1;
          const failed = status >= 500 || (a['error.type'] !== undefined && !(status < 500));
          const route = typeof a['http.route'] === 'string' ? (a['http.route'] as string) : '(no route)';
          const method =
            typeof a['http.request.method'] === 'string' ? (a['http.request.method'] as string) : '';
          add(routes, method ? `${method} ${route}` : route, p.value, failed ? p.value.count : 0, cls);
        } else {
          const key = `${String(a.class ?? '?')}.${String(a.method ?? '?')}`;
          const failed = a.outcome === 'error';
          add(methods, key, p.value, failed ? p.value.count : 0, failed ? 4 : 1);
        }
      }
    }
  }
  return { t: now, start, routes, methods };
}

function diff(now: Agg, base: Agg | undefined): Agg {
  if (base === undefined || base.boundaries.length !== now.boundaries.length) return now;
  return {
    count: now.count - base.count,
    sum: now.sum - base.sum,
    errors: now.errors - base.errors,
    classes: now.classes.map((c, i) => c - (base.classes[i] as number)),
    counts: now.counts.map((c, i) => c - (base.counts[i] as number)),
    boundaries: now.boundaries,
    min: now.min,
    max: now.max,
  };
}

function merge(aggs: readonly Agg[]): Agg | undefined {
  const first = aggs[0];
  if (first === undefined) return undefined;
  const out = newAgg(first.boundaries);
  for (const a of aggs) {
    out.count += a.count;
    out.sum += a.sum;
    out.errors += a.errors;
    for (let i = 0; i < 5; i++) out.classes[i] = (out.classes[i] as number) + (a.classes[i] as number);
    if (a.boundaries.length === out.boundaries.length)
      for (let i = 0; i < out.counts.length; i++)
        out.counts[i] = (out.counts[i] as number) + (a.counts[i] as number);
    if (a.min < out.min) out.min = a.min;
    if (a.max > out.max) out.max = a.max;
  }
  return out;
}

function row(name: string, a: Agg | undefined, seconds: number): RedRow {
  if (a === undefined || a.count <= 0)
    return { name, count: 0, rate: 0, p50: null, p95: null, p99: null, errorPct: 0 };
  const q = (x: number) => histogramQuantile(x, a.boundaries, a.counts, a.min, a.max, a.sum);
  return {
    name,
    count: a.count,
    rate: seconds > 0 ? a.count / seconds : 0,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    errorPct: (a.errors / a.count) * 100,
  };
}

function table(
  now: ReadonlyMap<string, Agg>,
  base: ReadonlyMap<string, Agg> | undefined,
  seconds: number,
  topN: number,
): { rows: RedRow[]; hidden: number; aggs: Agg[] } {
  const diffs: Array<[string, Agg]> = [];
  for (const [k, a] of now) {
    const d = diff(a, base?.get(k));
    if (d.count > 0) diffs.push([k, d]);
  }
  diffs.sort((x, y) => y[1].count - x[1].count || (x[0] < y[0] ? -1 : 1));
  const shown = diffs.slice(0, topN).map(([k, a]) => row(k, a, seconds));
  const rest = diffs.slice(topN);
  if (rest.length > 0) shown.push(row(`${rest.length} more`, merge(rest.map((r) => r[1])), seconds));
  return { rows: shown, hidden: rest.length, aggs: diffs.map((d) => d[1]) };
}

/**
 * Keeps the snapshots each window needs, and no more (a snapshot holds every route's buckets):
 * one per tick for the last 12 s (the 10 s window and the per-second chart), one per 5 s for the
 * last 65 s (1 min), one per 15 s for the last 16 min (15 min) — about 90 in all.
 */
export class SnapshotHistory {
  private _fine: Snapshot[] = [];
  private _medium: Snapshot[] = [];
  private _coarse: Snapshot[] = [];

  /** Adds the tick's snapshot and forgets what no window needs any more. */
  add(s: Snapshot): void {
    keep(this._fine, s, 0, 12_000);
    keep(this._medium, s, 5_000, 65_000);
    keep(this._coarse, s, 15_000, 960_000);
  }

  /** The latest snapshot, if any. */
  latest(): Snapshot | undefined {
    return this._fine[this._fine.length - 1];
  }

  /** The snapshot just before `latest`, for the per-second chart point. */
  previous(): Snapshot | undefined {
    return this._fine[this._fine.length - 2];
  }

  /** Newest snapshot taken at or before `t` (500 ms of slack for tick jitter). */
  at(t: number): Snapshot | undefined {
    let best: Snapshot | undefined;
    for (const list of [this._fine, this._medium, this._coarse]) {
      for (let i = list.length - 1; i >= 0; i--) {
        const s = list[i] as Snapshot;
        if (s.t <= t + 500) {
          if (best === undefined || s.t > best.t) best = s;
          break;
        }
      }
    }
    return best;
  }

  /** Snapshots kept (for tests and the memory bound). */
  get size(): number {
    return new Set([...this._fine, ...this._medium, ...this._coarse]).size;
  }

  /** The oldest snapshot kept. */
  oldest(): Snapshot | undefined {
    let best: Snapshot | undefined;
    for (const s of [this._fine[0], this._medium[0], this._coarse[0]])
      if (s !== undefined && (best === undefined || s.t < best.t)) best = s;
    return best;
  }

  /** The per-second points of the fine history (the charts' backfill on connect). */
  points(): RatePoint[] {
    const out: RatePoint[] = [];
    for (let i = 1; i < this._fine.length; i++)
      out.push(ratePoint(this._fine[i] as Snapshot, this._fine[i - 1]));
    return out;
  }

  clear(): void {
    this._fine = [];
    this._medium = [];
    this._coarse = [];
  }
}

/** Appends `s` when the last kept one is at least `every` ms older, then drops what is older than `span`. */
function keep(list: Snapshot[], s: Snapshot, every: number, span: number): void {
  const last = list[list.length - 1];
  if (last === undefined || s.t - last.t >= every) list.push(s);
  while (list.length > 0 && (list[0] as Snapshot).t < s.t - span) list.shift();
}

/** All routes over the interval since `prev`. */
export function ratePoint(now: Snapshot, prev: Snapshot | undefined): RatePoint {
  const seconds = prev ? (now.t - prev.t) / 1000 : 0;
  const aggs: Agg[] = [];
  for (const [k, a] of now.routes) {
    const d = diff(a, prev?.routes.get(k));
    if (d.count > 0) aggs.push(d);
  }
  const r = row('all', prev ? merge(aggs) : undefined, seconds);
  return { t: now.t, rate: r.rate, p95: r.p95, errorPct: r.errorPct };
}

/** The view over `window`, from the latest snapshot and the history. */
export function redWindow(
  history: SnapshotHistory,
  now: Snapshot,
  window: WindowName,
  topN: number,
): RedWindow {
  const span = WINDOWS[window];
  let base = history.at(now.t - span);
  let covered: number;
  if (base !== undefined && base !== now) covered = now.t - base.t;
  else if (now.start >= now.t - span) {
    // Every series started inside the window: the cumulative values are the window.
    base = undefined;
    covered = Math.max(1, now.t - now.start);
  } else {
    const oldest = history.oldest();
    if (oldest !== undefined && oldest !== now && oldest.t < now.t) {
      base = oldest;
      covered = now.t - oldest.t;
    } else {
      base = undefined;
      covered = Math.max(1, now.t - now.start);
    }
  }
  const seconds = covered / 1000;
  const routes = table(now.routes, base?.routes, seconds, topN);
  const methods = table(now.methods, base?.methods, seconds, topN);
  const all = merge(routes.aggs);
  return {
    window,
    coveredMillis: covered,
    total: row('all routes', all, seconds),
    flow: all ? [...all.classes] : [0, 0, 0, 0, 0],
    routes: routes.rows,
    methods: methods.rows,
    routesHidden: routes.hidden,
    methodsHidden: methods.hidden,
  };
}
