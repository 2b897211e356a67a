import type {
  Attributes,
  BatchObservableCallback,
  Context,
  Counter,
  Gauge,
  Histogram,
  Meter,
  MetricOptions,
  Observable,
  UpDownCounter,
} from '@opentelemetry/api';
import type { DataPoint, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ATTR_OTEL_METRIC_OVERFLOW } from '../semconv';

const OVERFLOW: Attributes = Object.freeze({ [ATTR_OTEL_METRIC_OVERFLOW]: true });

/** A stable key for an attribute set, independent of key order. */
export function attributesKey(attributes: Attributes | undefined): string {
  if (!attributes) return '';
  const keys = Object.keys(attributes);
  if (keys.length === 0) return '';
  keys.sort();
  let key = '';
  for (const k of keys) key += `${k}\u0000${JSON.stringify(attributes[k])}\u0001`;
  return key;
}

/**
 * Lifetime series cap of one synchronous instrument.
 *
 * Why: sdk-metrics 2.12 applies `cardinalityLimit` to the attribute sets recorded *between two
 * collections*; with cumulative temporality the sets of successive collections are merged
 * without a limit, so a stream of new ids grows the exported series (and memory) by up to the limit
 * at every scrape or export (measured: 19 991 series after ten collections at limit 2 000).
 * The guard closes that gap at no cost on the hot path until an instrument is seen, at a
 * collection, holding a quarter of the limit; from then on each record() checks its attribute set
 * against the known ones and folds new sets past the limit into the overflow series.
 */
export class SeriesGuard {
  active = false;
  private _known = new Set<string>();

  constructor(private readonly _limit: number) {}

  /** The attributes to record with: the given ones, or the overflow set once the cap is reached. */
  admit(attributes: Attributes | undefined): Attributes | undefined {
    const key = attributesKey(attributes);
    if (this._known.has(key)) return attributes;
    // One slot stays for the overflow series itself.
    if (this._known.size < this._limit - 1) {
      this._known.add(key);
      return attributes;
    }
    return OVERFLOW;
  }

  /** Fed with the cumulative data points of a collection. */
  observe(points: ReadonlyArray<DataPoint<unknown>>): void {
    if (this.active || points.length < Math.max(1, Math.floor(this._limit / 4))) return;
    for (const p of points) {
      if (p.attributes[ATTR_OTEL_METRIC_OVERFLOW] !== true) this._known.add(attributesKey(p.attributes));
    }
    this.active = true;
  }
}

/** The guards of one meter, by instrument name (case-insensitive, as OpenTelemetry names are). */
export class SeriesGuards {
  private readonly _guards = new Map<string, SeriesGuard>();

  constructor(
    private readonly _limit: number,
    private readonly _scope: string,
  ) {}

  for(name: string): SeriesGuard {
    const key = name.toLowerCase();
    let guard = this._guards.get(key);
    if (!guard) {
      guard = new SeriesGuard(this._limit);
      this._guards.set(key, guard);
    }
    return guard;
  }

  /** Feeds the guards from a cumulative collection. */
  observe(resourceMetrics: ResourceMetrics): void {
    for (const scope of resourceMetrics.scopeMetrics) {
      if (scope.scope.name !== this._scope) continue;
      for (const metric of scope.metrics) {
        const guard = this._guards.get(metric.descriptor.name.toLowerCase());
        if (guard) guard.observe(metric.dataPoints as ReadonlyArray<DataPoint<unknown>>);
      }
    }
  }
}

/** A counter or up-down counter with the series guard in front. */
export class GuardedCounter implements Counter, UpDownCounter {
  constructor(
    /** The SDK instrument (helpers call it directly, checking `guard` themselves). */
    readonly inner: Counter | UpDownCounter,
    readonly guard: SeriesGuard,
  ) {}

  add(value: number, attributes?: Attributes, context?: Context): void {
    const guard = this.guard;
    this.inner.add(value, guard.active ? guard.admit(attributes) : attributes, context);
  }
}

/** A histogram or gauge with the series guard in front. */
export class GuardedRecorder implements Histogram, Gauge {
  constructor(
    readonly inner: Histogram | Gauge,
    readonly guard: SeriesGuard,
  ) {}

  record(value: number, attributes?: Attributes, context?: Context): void {
    const guard = this.guard;
    this.inner.record(value, guard.active ? guard.admit(attributes) : attributes, context);
  }
}

/**
 * Wraps a meter so that its synchronous instruments are series-guarded. Observable instruments
 * are passed through: their cumulative state is already capped by sdk-metrics.
 */
export function guardMeter(meter: Meter, guards: SeriesGuards): Meter {
  return {
    createCounter: (name: string, options?: MetricOptions) =>
      new GuardedCounter(meter.createCounter(name, options), guards.for(name)),
    createUpDownCounter: (name: string, options?: MetricOptions) =>
      new GuardedCounter(meter.createUpDownCounter(name, options), guards.for(name)),
    createHistogram: (name: string, options?: MetricOptions) =>
      new GuardedRecorder(meter.createHistogram(name, options), guards.for(name)),
    createGauge: (name: string, options?: MetricOptions) =>
      new GuardedRecorder(meter.createGauge(name, options), guards.for(name)),
    createObservableGauge: (name: string, options?: MetricOptions) =>
      meter.createObservableGauge(name, options),
    createObservableCounter: (name: string, options?: MetricOptions) =>
      meter.createObservableCounter(name, options),
    createObservableUpDownCounter: (name: string, options?: MetricOptions) =>
      meter.createObservableUpDownCounter(name, options),
    addBatchObservableCallback: (callback: BatchObservableCallback, observables: Observable[]) =>
      meter.addBatchObservableCallback(callback, observables),
    removeBatchObservableCallback: (callback: BatchObservableCallback, observables: Observable[]) =>
      meter.removeBatchObservableCallback(callback, observables),
  };
}
