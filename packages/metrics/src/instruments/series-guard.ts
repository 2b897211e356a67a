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
  ObservableCallback,
  UpDownCounter,
} from '@opentelemetry/api';
import type { DataPoint, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ATTR_OTEL_METRIC_OVERFLOW } from '../semconv';
import type { CallbackGuards } from './callback-guard';
import { acceptValue, type MeasurementCounters, sanitizeAttributes } from './sanitize';

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

/**
 * A counter or up-down counter with the record-time checks (finite values, exportable attribute
 * values: see sanitize.ts) and the series guard in front. Never throws.
 */
export class GuardedCounter implements Counter, UpDownCounter {
  constructor(
    /** The SDK instrument (helpers call it directly, checking `guard` themselves). */
    readonly inner: Counter | UpDownCounter,
    readonly guard: SeriesGuard,
    readonly name: string,
    readonly counters: MeasurementCounters,
  ) {}

  add(value: number, attributes?: Attributes, context?: Context): void {
    if (!acceptValue(value, this.name, this.counters)) return;
    const guard = this.guard;
    const attrs = sanitizeAttributes(attributes, undefined, this.name, this.counters);
    this.inner.add(value, guard.active ? guard.admit(attrs) : attrs, context);
  }
}

/** A histogram or gauge with the record-time checks and the series guard in front. */
export class GuardedRecorder implements Histogram, Gauge {
  constructor(
    readonly inner: Histogram | Gauge,
    readonly guard: SeriesGuard,
    readonly name: string,
    readonly counters: MeasurementCounters,
  ) {}

  record(value: number, attributes?: Attributes, context?: Context): void {
    if (!acceptValue(value, this.name, this.counters)) return;
    const guard = this.guard;
    const attrs = sanitizeAttributes(attributes, undefined, this.name, this.counters);
    this.inner.record(value, guard.active ? guard.admit(attrs) : attrs, context);
  }
}

/** An observable instrument whose callbacks run under a per-collection deadline (callback-guard.ts). */
export class GuardedObservable implements Observable {
  private readonly _wrapped = new Map<ObservableCallback, ObservableCallback>();

  constructor(
    readonly inner: Observable,
    readonly name: string,
    private readonly _callbacks: CallbackGuards,
  ) {}

  addCallback(callback: ObservableCallback): void {
    if (this._wrapped.has(callback)) return;
    const wrapped = this._callbacks.wrap(this.name, callback);
    this._wrapped.set(callback, wrapped);
    this.inner.addCallback(wrapped);
  }

  removeCallback(callback: ObservableCallback): void {
    const wrapped = this._wrapped.get(callback);
    if (!wrapped) return;
    this._wrapped.delete(callback);
    this.inner.removeCallback(wrapped);
  }
}

const unwrapObservable = (o: Observable): Observable => (o instanceof GuardedObservable ? o.inner : o);
const observableName = (o: Observable): string => (o instanceof GuardedObservable ? o.name : '?');

/**
 * Wraps a meter: synchronous instruments get the record-time checks and the series guard;
 * observable callbacks (single and batch) get a deadline per collection and serve their last
 * values when late. The cumulative state of observables is already capped by sdk-metrics.
 */
export function guardMeter(
  meter: Meter,
  guards: SeriesGuards,
  counters: MeasurementCounters,
  callbacks: CallbackGuards,
): Meter {
  const batches = new Map<BatchObservableCallback, BatchObservableCallback>();
  return {
    createCounter: (name: string, options?: MetricOptions) =>
      new GuardedCounter(meter.createCounter(name, options), guards.for(name), name, counters),
    createUpDownCounter: (name: string, options?: MetricOptions) =>
      new GuardedCounter(meter.createUpDownCounter(name, options), guards.for(name), name, counters),
    createHistogram: (name: string, options?: MetricOptions) =>
      new GuardedRecorder(meter.createHistogram(name, options), guards.for(name), name, counters),
    createGauge: (name: string, options?: MetricOptions) =>
      new GuardedRecorder(meter.createGauge(name, options), guards.for(name), name, counters),
    createObservableGauge: (name: string, options?: MetricOptions) =>
      new GuardedObservable(meter.createObservableGauge(name, options), name, callbacks),
    createObservableCounter: (name: string, options?: MetricOptions) =>
      new GuardedObservable(meter.createObservableCounter(name, options), name, callbacks),
    createObservableUpDownCounter: (name: string, options?: MetricOptions) =>
      new GuardedObservable(meter.createObservableUpDownCounter(name, options), name, callbacks),
    addBatchObservableCallback: (callback: BatchObservableCallback, observables: Observable[]) => {
      if (batches.has(callback)) return;
      const wrapped = callbacks.wrapBatch(
        observables.map(observableName).join(','),
        callback,
        unwrapObservable,
      );
      batches.set(callback, wrapped);
      meter.addBatchObservableCallback(wrapped, observables.map(unwrapObservable));
    },
    removeBatchObservableCallback: (callback: BatchObservableCallback, observables: Observable[]) => {
      const wrapped = batches.get(callback);
      if (!wrapped) return;
      batches.delete(callback);
      meter.removeBatchObservableCallback(wrapped, observables.map(unwrapObservable));
    },
  } as Meter;
}
