/**
 * Recent traces from the tracer's ring of ended spans: a list of traces (root, duration, span
 * count, error) and one trace as a waterfall (offsets, depth, the critical path) with its log
 * lines. Spans are read through the few fields used here: the `RecentSpan` copies the tracer's
 * `SpanRing` builds when it is read (an SDK `ReadableSpan` has the same fields).
 */

/** The fields of an ended span the dashboard reads (`RecentSpan` of `@otelkit/tracing`). */
export interface SpanLike {
  readonly name: string;
  readonly kind: number;
  readonly startTime: readonly [number, number];
  readonly endTime: readonly [number, number];
  readonly status: { readonly code: number; readonly message?: string };
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events: ReadonlyArray<{
    readonly name: string;
    readonly time: readonly [number, number];
    readonly attributes?: Readonly<Record<string, unknown>>;
  }>;
  readonly parentSpanContext?: { readonly spanId: string } | undefined;
  readonly instrumentationScope?: { readonly name: string };
  spanContext(): { readonly traceId: string; readonly spanId: string };
}

export interface TraceSummary {
  readonly traceId: string;
  /** The root span's name (or the earliest span's when the root is not kept). */
  readonly name: string;
  readonly route?: string;
  readonly start: number;
  /** Milliseconds from the first start to the last end. */
  readonly durationMillis: number;
  readonly spans: number;
  readonly errors: number;
  readonly status?: number;
}

export interface WaterfallSpan {
  readonly spanId: string;
  readonly parentId?: string;
  readonly name: string;
  readonly kind: string;
  readonly depth: number;
  /** Milliseconds from the trace's start. */
  readonly offsetMillis: number;
  readonly durationMillis: number;
  readonly error: boolean;
  readonly statusMessage?: string;
  readonly critical: boolean;
  readonly scope?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly events: ReadonlyArray<{ readonly name: string; readonly offsetMillis: number }>;
}

export interface TraceDetail extends TraceSummary {
  readonly waterfall: readonly WaterfallSpan[];
}

const KINDS = ['internal', 'server', 'client', 'producer', 'consumer'];
const ERROR = 2;
const MAX_ATTR = 500;

const ms = (t: readonly [number, number]) => t[0] * 1000 + t[1] / 1e6;

function groups(spans: readonly SpanLike[]): Map<string, SpanLike[]> {
  const by = new Map<string, SpanLike[]>();
  for (const s of spans) {
    const id = s.spanContext().traceId;
    let list = by.get(id);
    if (list === undefined) {
      list = [];
      by.set(id, list);
    }
    list.push(s);
  }
  return by;
}

function summarize(traceId: string, spans: readonly SpanLike[]): TraceSummary {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  let root: SpanLike | undefined;
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  let errors = 0;
  for (const s of spans) {
    const a = ms(s.startTime);
    const b = ms(s.endTime);
    if (a < start) start = a;
    if (b > end) end = b;
    if (s.status.code === ERROR) errors++;
    const parent = s.parentSpanContext?.spanId;
    if (parent === undefined || !ids.has(parent)) {
      if (root === undefined || ms(root.startTime) > a) root = s;
    }
  }
  const r = root as SpanLike;
  // A client root (a caller traced in this process) names no route: take the first span's that does.
  const route =
    r.attributes['http.route'] ??
    spans.find((s) => typeof s.attributes['http.route'] === 'string')?.attributes['http.route'];
  const status = r.attributes['http.response.status_code'];
  return {
    traceId,
    name: r.name,
    ...(typeof route === 'string' ? { route } : {}),
    start,
    durationMillis: Math.max(0, end - start),
    spans: spans.length,
    errors,
    ...(typeof status === 'number' ? { status } : {}),
  };
}

/** Filters of the traces list. */
export interface TraceQuery {
  readonly errors?: boolean;
  /** Only traces at least this long. */
  readonly minMillis?: number;
  /** Only traces whose root route or name contains this. */
  readonly route?: string;
  readonly limit: number;
}

/** The newest traces first. */
export function listTraces(spans: readonly SpanLike[], q: TraceQuery): TraceSummary[] {
  const out: TraceSummary[] = [];
  const route = q.route?.toLowerCase();
  for (const [id, list] of groups(spans)) {
    const t = summarize(id, list);
    if (q.errors && t.errors === 0) continue;
    if (q.minMillis !== undefined && t.durationMillis < q.minMillis) continue;
    if (route && !(t.route ?? t.name).toLowerCase().includes(route) && !t.name.toLowerCase().includes(route))
      continue;
    out.push(t);
  }
  out.sort((a, b) => b.start - a.start);
  return out.slice(0, q.limit);
}

function attrText(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return s.length > MAX_ATTR ? `${s.slice(0, MAX_ATTR)}…` : s;
}

/** One trace as a waterfall: depth-first by start time, with the critical path marked. */
export function traceDetail(spans: readonly SpanLike[], traceId: string): TraceDetail | undefined {
  const list = spans.filter((s) => s.spanContext().traceId === traceId);
  if (list.length === 0) return undefined;
  const summary = summarize(traceId, list);
  const byId = new Map(list.map((s) => [s.spanContext().spanId, s]));
  const children = new Map<string | undefined, SpanLike[]>();
  for (const s of list) {
    const p = s.parentSpanContext?.spanId;
    const key = p !== undefined && byId.has(p) ? p : undefined;
    let c = children.get(key);
    if (c === undefined) {
      c = [];
      children.set(key, c);
    }
    c.push(s);
  }
  for (const c of children.values()) c.sort((a, b) => ms(a.startTime) - ms(b.startTime));

  // Critical path: from each root, follow the child that ends last (what the parent waited on).
  const critical = new Set<string>();
  const roots = children.get(undefined) ?? [];
  let cursor: SpanLike | undefined = roots.reduce<SpanLike | undefined>(
    (best, s) =>
      best === undefined || ms(s.endTime) - ms(s.startTime) > ms(best.endTime) - ms(best.startTime)
        ? s
        : best,
    undefined,
  );
  while (cursor !== undefined) {
    const id: string = cursor.spanContext().spanId;
    critical.add(id);
    const kids: SpanLike[] = children.get(id) ?? [];
    cursor = kids.reduce<SpanLike | undefined>(
      (best, s) => (best === undefined || ms(s.endTime) > ms(best.endTime) ? s : best),
      undefined,
    );
  }

  const waterfall: WaterfallSpan[] = [];
  const visit = (s: SpanLike, depth: number) => {
    const id = s.spanContext().spanId;
    const parent = s.parentSpanContext?.spanId;
    const attributes: Record<string, string> = {};
    for (const k of Object.keys(s.attributes).slice(0, 64)) attributes[k] = attrText(s.attributes[k]);
    waterfall.push({
      spanId: id,
      ...(parent !== undefined ? { parentId: parent } : {}),
      name: s.name,
      kind: KINDS[s.kind] ?? String(s.kind),
      depth,
      offsetMillis: ms(s.startTime) - summary.start,
      durationMillis: Math.max(0, ms(s.endTime) - ms(s.startTime)),
      error: s.status.code === ERROR,
      ...(s.status.message ? { statusMessage: s.status.message } : {}),
      critical: critical.has(id),
      ...(s.instrumentationScope ? { scope: s.instrumentationScope.name } : {}),
      attributes,
      events: s.events.slice(0, 32).map((e) => ({ name: e.name, offsetMillis: ms(e.time) - summary.start })),
    });
    if (waterfall.length < 1000) for (const c of children.get(id) ?? []) visit(c, depth + 1);
  };
  for (const r of roots) visit(r, 0);
  return { ...summary, waterfall };
}
