import { performance } from 'node:perf_hooks';
import type {
  Counter,
  Gauge,
  Histogram,
  Meter,
  MetricOptions,
  ObservableResult,
  UpDownCounter,
} from '@opentelemetry/api';
import { checkOptionKeys } from '@otelkit/config';
import { errorType } from '../error-type';
import { ATTR_ERROR_TYPE } from '../semconv';
import type {
  CounterHelper,
  EndTimer,
  GaugeHelper,
  HistogramHelper,
  HistogramOptions,
  InstrumentOptions,
  MetricAttributes,
  ObservableGaugeHelper,
  ObservableGaugeOptions,
  UpDownCounterHelper,
} from '../types';
import {
  acceptValue,
  type MeasurementCounters,
  newMeasurementCounters,
  sanitizeAttributes,
} from './sanitize';
import { GuardedCounter, GuardedRecorder, type SeriesGuard } from './series-guard';
import { validateAttributeKeys, validateBuckets, validateInstrumentName } from './validate';

const INSTRUMENT_KEYS = [
  'description',
  'help',
  'unit',
  'attributes',
  'labelNames',
] as const satisfies readonly (keyof InstrumentOptions)[];
const HISTOGRAM_KEYS = [...INSTRUMENT_KEYS, 'buckets'] as const satisfies readonly (keyof HistogramOptions)[];
const OBSERVABLE_KEYS = [
  ...INSTRUMENT_KEYS,
  'callback',
] as const satisfies readonly (keyof ObservableGaugeOptions)[];

function checkKeys(
  kind: string,
  name: string,
  options: object | undefined,
  allowed: readonly string[],
): void {
  if (options !== undefined && options !== null && typeof options === 'object')
    checkOptionKeys(options, allowed, `metrics.${kind}(${JSON.stringify(name)})`);
}

const NO_GUARD = { active: false } as SeriesGuard;
const NO_KEYS = undefined;

/** The declared attribute keys of an instrument, or `undefined` when it declared none (any key goes). */
function declaredSet(keys: readonly string[] | undefined): ReadonlySet<string> | undefined {
  return keys === undefined ? NO_KEYS : new Set(keys);
}

/** The SDK instrument and guard behind a guarded one (one call less on the hot path). */
function unwrapCounter(i: Counter | UpDownCounter): [Counter | UpDownCounter, SeriesGuard] {
  return i instanceof GuardedCounter ? [i.inner, i.guard] : [i, NO_GUARD];
}
function unwrapRecorder(i: Histogram | Gauge): [Histogram | Gauge, SeriesGuard] {
  return i instanceof GuardedRecorder ? [i.inner, i.guard] : [i, NO_GUARD];
}

/** The helper factories bound to one meter. */
export interface InstrumentHelpers {
  counter(name: string, options?: InstrumentOptions): CounterHelper;
  upDownCounter(name: string, options?: InstrumentOptions): UpDownCounterHelper;
  histogram(name: string, options?: HistogramOptions): HistogramHelper;
  gauge(name: string, options?: InstrumentOptions): GaugeHelper;
  observableGauge(name: string, options: ObservableGaugeOptions): ObservableGaugeHelper;
}

type Kind = 'counter' | 'upDownCounter' | 'histogram' | 'gauge' | 'observableGauge';

function metricOptions(options: InstrumentOptions | undefined): MetricOptions {
  const out: MetricOptions = {};
  const description = options?.description ?? options?.help;
  if (description !== undefined) out.description = description;
  if (options?.unit !== undefined) {
    if (typeof options.unit !== 'string' || options.unit.length > 63 || /[^\x21-\x7e]/.test(options.unit)) {
      throw new Error(
        `@otelkit/metrics: invalid unit ${JSON.stringify(options.unit)}: printable ASCII, at most 63 chars`,
      );
    }
    out.unit = options.unit;
  }
  return out;
}

function splitArgs(
  a: MetricAttributes | number | undefined,
  b: number | undefined,
): [number, MetricAttributes?] {
  if (typeof a === 'number') return [a, undefined];
  return [b ?? 1, a];
}

function merge(
  a: MetricAttributes | undefined,
  b: MetricAttributes | undefined,
): MetricAttributes | undefined {
  if (!b) return a;
  if (!a) return b;
  return { ...a, ...b };
}

/**
 * Builds prom-client-like helpers over an OpenTelemetry meter. Names and declared attribute keys are
 * validated at creation (a clear Error); the record paths never throw.
 */
export function createInstrumentHelpers(
  meter: Meter,
  durationBuckets: readonly number[],
  counters: MeasurementCounters = newMeasurementCounters(),
): InstrumentHelpers {
  const created = new Map<string, { kind: Kind; helper: unknown }>();

  function reuse<T>(name: string, kind: Kind, make: () => T): T {
    validateInstrumentName(name);
    // Instrument names are case-insensitive in OpenTelemetry.
    const key = name.toLowerCase();
    const existing = created.get(key);
    if (existing) {
      if (existing.kind !== kind) {
        throw new Error(
          `@otelkit/metrics: instrument "${name}" already exists as a ${existing.kind}; cannot create it as a ${kind}`,
        );
      }
      return existing.helper as T;
    }
    const helper = make();
    created.set(key, { kind, helper });
    return helper;
  }

  function keysOf(options: InstrumentOptions | undefined): readonly string[] | undefined {
    return options?.attributes ?? options?.labelNames;
  }

  return {
    counter(name, options) {
      checkKeys('counter', name, options, INSTRUMENT_KEYS);
      return reuse(name, 'counter', () => {
        validateAttributeKeys(name, keysOf(options));
        const declared = declaredSet(keysOf(options));
        const instrument = meter.createCounter(name, metricOptions(options));
        const [inner, guard] = unwrapCounter(instrument);
        const add = (value: number, attributes: MetricAttributes | undefined) => {
          if (!acceptValue(value, name, counters)) return;
          const attrs = sanitizeAttributes(attributes, declared, name, counters);
          inner.add(value, guard.active ? guard.admit(attrs) : attrs);
        };
        return {
          name,
          instrument,
          add(value = 1, attributes) {
            add(value, attributes);
          },
          inc(a, b) {
            const [value, attributes] = splitArgs(a, b);
            add(value, attributes);
          },
        } satisfies CounterHelper;
      });
    },

    upDownCounter(name, options) {
      checkKeys('upDownCounter', name, options, INSTRUMENT_KEYS);
      return reuse(name, 'upDownCounter', () => {
        validateAttributeKeys(name, keysOf(options));
        const declared = declaredSet(keysOf(options));
        const instrument = meter.createUpDownCounter(name, metricOptions(options));
        const [inner, guard] = unwrapCounter(instrument);
        const add = (value: number, attributes: MetricAttributes | undefined) => {
          if (!acceptValue(value, name, counters)) return;
          const attrs = sanitizeAttributes(attributes, declared, name, counters);
          inner.add(value, guard.active ? guard.admit(attrs) : attrs);
        };
        return {
          name,
          instrument,
          add,
          inc(a, b) {
            const [value, attributes] = splitArgs(a, b);
            add(value, attributes);
          },
          dec(a, b) {
            const [value, attributes] = splitArgs(a, b);
            add(-value, attributes);
          },
        } satisfies UpDownCounterHelper;
      });
    },

    histogram(name, options) {
      checkKeys('histogram', name, options, HISTOGRAM_KEYS);
      return reuse(name, 'histogram', () => {
        validateAttributeKeys(name, keysOf(options), ['le']);
        const opts = metricOptions(options);
        const buckets =
          options?.buckets !== undefined
            ? validateBuckets(name, options.buckets)
            : opts.unit === 's'
              ? [...durationBuckets]
              : undefined;
        if (buckets) opts.advice = { explicitBucketBoundaries: buckets };
        const instrument = meter.createHistogram(name, opts);
        const [inner, guard] = unwrapRecorder(instrument);
        // error.type is added by time()/startTimer() on failures: always allowed.
        const keys = keysOf(options);
        const declared = keys === undefined ? undefined : new Set([...keys, ATTR_ERROR_TYPE]);
        const record = (value: number, attributes?: MetricAttributes) => {
          if (!acceptValue(value, name, counters)) return;
          const attrs = sanitizeAttributes(attributes, declared, name, counters);
          inner.record(value, guard.active ? guard.admit(attrs) : attrs);
        };
        const recordSince = (t0: number, attributes: MetricAttributes | undefined, err?: unknown): number => {
          const seconds = (performance.now() - t0) / 1000;
          const attrs = err === undefined ? attributes : { ...attributes, [ATTR_ERROR_TYPE]: errorType(err) };
          record(seconds, attrs);
          return seconds;
        };
        return {
          name,
          instrument,
          record,
          observe(a, b) {
            if (typeof a === 'number') record(a);
            else if (typeof b === 'number') record(b, a);
          },
          startTimer(attributes): EndTimer {
            const t0 = performance.now();
            let ended = -1;
            return (extra) => {
              if (ended < 0) ended = recordSince(t0, merge(attributes, extra));
              return ended;
            };
          },
          time<T>(fn: () => T, attributes?: MetricAttributes): T {
            const t0 = performance.now();
            let result: T;
            try {
              result = fn();
            } catch (err) {
              recordSince(t0, attributes, err);
              throw err;
            }
            if (result instanceof Promise) {
              // Observe without replacing: the caller keeps the very same promise.
              result.then(
                () => recordSince(t0, attributes),
                (err: unknown) => recordSince(t0, attributes, err),
              );
              return result;
            }
            if (result !== null && typeof (result as { then?: unknown })?.then === 'function') {
              // A foreign thenable may run work on each then(): subscribe once, hand back a promise.
              return Promise.resolve(result).then(
                (v) => {
                  recordSince(t0, attributes);
                  return v;
                },
                (err: unknown) => {
                  recordSince(t0, attributes, err);
                  throw err;
                },
              ) as T;
            }
            recordSince(t0, attributes);
            return result;
          },
        } satisfies HistogramHelper;
      });
    },

    gauge(name, options) {
      checkKeys('gauge', name, options, INSTRUMENT_KEYS);
      return reuse(name, 'gauge', () => {
        validateAttributeKeys(name, keysOf(options));
        const declared = declaredSet(keysOf(options));
        const instrument = meter.createGauge(name, metricOptions(options));
        const [inner, guard] = unwrapRecorder(instrument);
        return {
          name,
          instrument,
          set(value, attributes) {
            if (!acceptValue(value, name, counters)) return;
            const attrs = sanitizeAttributes(attributes, declared, name, counters);
            inner.record(value, guard.active ? guard.admit(attrs) : attrs);
          },
        } satisfies GaugeHelper;
      });
    },

    observableGauge(name, options) {
      checkKeys('observableGauge', name, options, OBSERVABLE_KEYS);
      return reuse(name, 'observableGauge', () => {
        if (!options || typeof options.callback !== 'function') {
          throw new Error(`@otelkit/metrics: observableGauge "${name}": "callback" must be a function`);
        }
        validateAttributeKeys(name, keysOf(options));
        const instrument = meter.createObservableGauge(name, metricOptions(options));
        const user = options.callback;
        const declared = declaredSet(keysOf(options));
        // Failures and slowness are the meter's callback guard's (deadline, last values, counts);
        // with an unguarded meter a failure is the SDK's (a diag error, the rest collected).
        const callback = (result: ObservableResult) =>
          user((value, attributes) =>
            result.observe(value, sanitizeAttributes(attributes, declared, name, counters)),
          );
        instrument.addCallback(callback);
        return {
          name,
          instrument,
          remove() {
            instrument.removeCallback(callback);
            created.delete(name.toLowerCase());
          },
        } satisfies ObservableGaugeHelper;
      });
    },
  };
}
