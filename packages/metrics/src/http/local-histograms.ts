import { type Attributes, type HrTime, type Meter, ValueType } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type CollectionResult,
  type DataPoint,
  DataPointType,
  type Histogram,
  type HistogramMetricData,
  type MetricProducer,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { MetricViewConfig } from '@otelkit/config';
import { EXEMPLARS, type Exemplar, type HistogramPointWithExemplars } from '../exporters/openmetrics';
import { attributesKey } from '../instruments/series-guard';
import { ATTR_OTEL_METRIC_OVERFLOW, METRIC_HTTP_SERVER_ACTIVE_REQUESTS } from '../semconv';

/** One attribute set's aggregation. */
export interface Series {
  readonly attributes: Attributes;
  readonly counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
  readonly start: HrTime;
  /** The last sampled measurement per bucket (`+Inf` last); allocated on the first one. */
  exemplars: (Exemplar | undefined)[] | undefined;
}

/** The trace a measurement belongs to, for its exemplar. */
export interface SampledSpan {
  readonly traceId: string;
  readonly spanId: string;
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/**
 * A histogram aggregated by otelkit itself, for the HTTP server metrics' hot path.
 *
 * Why: sdk-metrics hashes the attribute set (sort + JSON.stringify) and converts the clock on every
 * record(); with a handful of attributes that alone cost ~35 % of a minimal node:http request's
 * throughput in bench/metrics. Here the adapter gives a cheap precomputed key, the series is a Map
 * lookup and the bucket a short scan; the data reaches the readers as a MetricProducer, in the
 * temporality each reader asks for. Cardinality limit and the config's views (drop, buckets,
 * attribute allow-list, name, description) are applied here as the SDK would.
 */
export class LocalHistogram {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly boundaries: readonly number[];
  readonly dropped: boolean;
  private readonly _allow: ReadonlySet<string> | undefined;
  /** By the caller's key; with an attribute allow-list several keys share one series. */
  private readonly _byKey = new Map<string, Series>();
  private readonly _byAttributes = new Map<string, Series>();
  private _overflow: Series | undefined;

  constructor(
    name: string,
    description: string,
    unit: string,
    boundaries: readonly number[],
    private readonly _limit: number,
    views: readonly MetricViewConfig[],
  ) {
    const view = views.find((v) => wildcard(v.instrument).test(name));
    this.name = view?.name ?? name;
    this.description = view?.description ?? description;
    this.unit = unit;
    this.boundaries = view?.buckets ? [...view.buckets] : [...boundaries];
    this.dropped = view?.drop === true;
    this._allow = view?.attributes ? new Set(view.attributes) : undefined;
  }

  /** Records into the series of `key`; false when that series does not exist yet. */
  recordKnown(key: string, value: number): boolean {
    const series = this._byKey.get(key);
    if (!series) return false;
    this._add(series, value);
    return true;
  }

  /** Records into the series for `attributes` (creating it, or folding into overflow past the limit). */
  recordNew(key: string, attributes: Attributes, value: number): void {
    this.add(this.bind(key, attributes), value);
  }

  /**
   * The series for `attributes` (created, or the overflow one past the limit); undefined when a
   * view drops this histogram. Callers may keep it and {@link add} to it directly.
   */
  bind(key: string, attributes: Attributes): Series | undefined {
    if (this.dropped) return undefined;
    const known = this._byKey.get(key);
    if (known) return known;
    let attrs = attributes;
    if (this._allow) {
      attrs = {};
      for (const k of Object.keys(attributes)) if (this._allow.has(k)) attrs[k] = attributes[k];
    }
    const attrsKey = this._allow ? attributesKey(attrs) : key;
    let series = this._byAttributes.get(attrsKey);
    if (!series) {
      // One slot stays for the overflow series, as in sdk-metrics.
      if (this._byAttributes.size >= this._limit - 1) {
        this._overflow ??= this._newSeries({ [ATTR_OTEL_METRIC_OVERFLOW]: true });
        return this._overflow;
      }
      series = this._newSeries(attrs);
      this._byAttributes.set(attrsKey, series);
    }
    // Remember the caller's key for the fast path (bounded).
    if (this._byKey.size < this._limit * 4) this._byKey.set(key, series);
    return series;
  }

  /** Adds one observation to a bound series. */
  add(series: Series | undefined, value: number): void {
    if (series) this._add(series, value);
  }

  /**
   * Adds one observation made inside a sampled span, and keeps it as the exemplar of its bucket
   * (the latest one wins, one per bucket: memory stays bounded by series × buckets).
   */
  addSampled(series: Series | undefined, value: number, span: SampledSpan): void {
    if (!series) return;
    const bucket = this._add(series, value);
    if (bucket < 0) return;
    series.exemplars ??= new Array<Exemplar | undefined>(this.boundaries.length + 1).fill(undefined);
    series.exemplars[bucket] = { value, traceId: span.traceId, spanId: span.spanId, timeMillis: Date.now() };
  }

  /** Every series, overflow included. */
  series(): Series[] {
    const all = [...this._byAttributes.values()];
    if (this._overflow) all.push(this._overflow);
    return all;
  }

  private _newSeries(attributes: Attributes): Series {
    return {
      attributes,
      counts: new Array(this.boundaries.length + 1).fill(0),
      sum: 0,
      count: 0,
      min: Number.POSITIVE_INFINITY,
      max: Number.NEGATIVE_INFINITY,
      start: hrTime(),
      exemplars: undefined,
    };
  }

  /** Adds `value`; returns its bucket index, or -1 when the value is ignored. */
  private _add(series: Series, value: number): number {
    if (!(value >= 0) || value === Number.POSITIVE_INFINITY) return -1; // NaN, negative, Infinity: ignored like the SDK
    const b = this.boundaries;
    let i = 0;
    while (i < b.length && value > (b[i] as number)) i++;
    (series.counts[i] as number)++;
    series.sum += value;
    series.count++;
    if (value < series.min) series.min = value;
    if (value > series.max) series.max = value;
    return i;
  }
}

interface Snapshot {
  counts: number[];
  sum: number;
  count: number;
}

/** One reader's view of the local histograms, in that reader's temporality. */
class LocalProducer implements MetricProducer {
  private readonly _last = new WeakMap<Series, Snapshot>();
  private _lastTime: HrTime | undefined;

  constructor(
    private readonly _histograms: ReadonlyMap<string, LocalHistogram>,
    private readonly _scope: string,
    private readonly _temporality: AggregationTemporality,
  ) {}

  async collect(): Promise<CollectionResult> {
    const now = hrTime();
    const metrics: HistogramMetricData[] = [];
    const delta = this._temporality === AggregationTemporality.DELTA;
    for (const h of this._histograms.values()) {
      if (h.dropped) continue;
      const dataPoints: DataPoint<Histogram>[] = [];
      for (const s of h.series()) {
        let counts = [...s.counts];
        let sum = s.sum;
        let count = s.count;
        let start = s.start;
        if (delta) {
          const last = this._last.get(s);
          this._last.set(s, { counts, sum, count });
          if (last) {
            counts = counts.map((c, i) => c - (last.counts[i] as number));
            sum -= last.sum;
            count -= last.count;
            start = this._lastTime ?? s.start;
          }
          if (count === 0) continue;
        } else if (count === 0) {
          continue;
        }
        const value: Histogram = { buckets: { boundaries: [...h.boundaries], counts }, sum, count };
        // min/max are lifetime values: only meaningful for cumulative points.
        if (!delta && count > 0) {
          value.min = s.min;
          value.max = s.max;
        }
        const point: HistogramPointWithExemplars = {
          startTime: start,
          endTime: now,
          attributes: s.attributes,
          value,
        };
        if (s.exemplars) {
          // Cumulative: the latest per bucket; delta: only those taken since the last collection.
          const since = delta && this._lastTime ? this._lastTime[0] * 1000 + this._lastTime[1] / 1e6 : 0;
          point[EXEMPLARS] = s.exemplars.map((e) => (e && e.timeMillis >= since ? e : undefined));
        }
        dataPoints.push(point);
      }
      if (dataPoints.length === 0) continue;
      metrics.push({
        descriptor: { name: h.name, description: h.description, unit: h.unit, valueType: ValueType.DOUBLE },
        aggregationTemporality: this._temporality,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints,
      });
    }
    this._lastTime = now;
    // The reader keeps its own resource; this one is ignored (MetricReader merges scopes only).
    const resourceMetrics = {
      resource: undefined as unknown as ResourceMetrics['resource'],
      scopeMetrics: metrics.length > 0 ? [{ scope: { name: this._scope }, metrics }] : [],
    };
    return { resourceMetrics, errors: [] };
  }
}

/** One `http.server.active_requests` series, counted locally and observed at collection. */
export interface ActiveSeries {
  readonly attributes: Attributes;
  value: number;
}

/**
 * Creates the `http.server.active_requests` observable on `meter`, reading `series` lazily at
 * collection time (two integer updates per request instead of two SDK records).
 */
export function observeActiveRequests(meter: Meter, series: ReadonlyMap<string, ActiveSeries>): void {
  const active = meter.createObservableUpDownCounter(METRIC_HTTP_SERVER_ACTIVE_REQUESTS, {
    description: 'Number of active HTTP server requests.',
    unit: '{request}',
  });
  active.addCallback((result) => {
    for (const s of series.values()) result.observe(s.value, s.attributes);
  });
}

/** The local histograms of one metrics handle, and a producer per reader. */
export class LocalHistograms {
  private readonly _histograms = new Map<string, LocalHistogram>();
  private _active: Map<string, ActiveSeries> | undefined;

  /** The active-request counters shared by every HTTP adapter of the handle. */
  activeRequests(meter: Meter): Map<string, ActiveSeries> {
    if (!this._active) {
      this._active = new Map();
      observeActiveRequests(meter, this._active);
    }
    return this._active;
  }

  constructor(
    private readonly _limit: number,
    private readonly _views: readonly MetricViewConfig[],
    private readonly _scope: string,
  ) {}

  /** The histogram named `name` (created once; later calls return the same one). */
  histogram(name: string, description: string, unit: string, boundaries: readonly number[]): LocalHistogram {
    let h = this._histograms.get(name);
    if (!h) {
      h = new LocalHistogram(name, description, unit, boundaries, this._limit, this._views);
      this._histograms.set(name, h);
    }
    return h;
  }

  producer(temporality: AggregationTemporality): MetricProducer {
    return new LocalProducer(this._histograms, this._scope, temporality);
  }
}
