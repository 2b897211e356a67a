import type { Attributes, Histogram, Meter, Observable, ObservableResult } from '@opentelemetry/api';
import type { MetricDefinition, MetricValue } from '../types';
import { Ring } from './ring';

export const ATTR_RESOURCE_ID = 'resource.id';
export const ATTR_RESOURCE_TYPE = 'resource.type';

interface Series {
  readonly key: string;
  /** Exported through a semantic-convention instrument instead of `<prefix><metric>`. */
  readonly semconv: SemconvInstrument | undefined;
  readonly resourceId: string;
  readonly resourceType: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly attributes: Attributes;
  value: number;
  timestamp: number;
  readonly history: Ring | undefined;
}

interface Instrument {
  readonly def: MetricDefinition;
  readonly observable?: Observable;
  readonly histogram?: Histogram;
  readonly series: Map<string, Series>;
  /** Series per resource, for the cardinality cap. */
  readonly perResource: Map<string, number>;
}

/**
 * The OpenTelemetry database-client pool metrics (semconv `db.client.connection.*`): what a
 * database pool's otelkit metric is exported as. Pools of other categories, and the metrics
 * semconv has no name for (usage, errors, healthy, and size = the sum of the count's states),
 * keep the `otelkit.resource.*` names.
 */
export const DB_CLIENT_POOL_METRICS: Readonly<
  Record<string, { readonly name: string; readonly unit: string; readonly state?: 'used' | 'idle' }>
> = Object.freeze({
  connection_pool_in_use: { name: 'db.client.connection.count', unit: '{connection}', state: 'used' },
  connection_pool_idle: { name: 'db.client.connection.count', unit: '{connection}', state: 'idle' },
  connection_pool_max: { name: 'db.client.connection.max', unit: '{connection}' },
  connection_pool_waiting: { name: 'db.client.connection.pending_requests', unit: '{request}' },
  connection_pool_acquire_wait: { name: 'db.client.connection.wait_time', unit: 's' },
});
export const ATTR_DB_CLIENT_CONNECTION_POOL_NAME = 'db.client.connection.pool.name';
export const ATTR_DB_CLIENT_CONNECTION_STATE = 'db.client.connection.state';

const SEMCONV_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'db.client.connection.count':
    'The number of connections that are currently in state described by the state attribute',
  'db.client.connection.max': 'The maximum number of open connections allowed',
  'db.client.connection.pending_requests': 'The number of current pending requests for an open connection',
  'db.client.connection.wait_time': 'The time it took to obtain an open connection from the pool',
};

/** One semconv instrument, fed by the series of every database pool mapped onto it. */
interface SemconvInstrument {
  readonly histogram?: Histogram;
  readonly series: Set<Series>;
}

export interface MetricStoreOptions {
  readonly meter: Meter;
  readonly prefix: string;
  readonly maxSeriesPerMetric: number;
  readonly historySize: number;
  readonly onDrop: () => void;
}

const NAME_RE = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/;
/** Bucket bounds for histograms in seconds (the SDK default suits milliseconds). */
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});
const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const TYPES = ['gauge', 'counter', 'updowncounter', 'histogram'];

/** Validates a metric definition; throws an Error naming the field. */
export function checkDefinition(def: MetricDefinition, at: string): MetricDefinition {
  if (!def || typeof def !== 'object') throw new Error(`${at} must be an object { name, type, labels? }`);
  if (typeof def.name !== 'string' || !NAME_RE.test(def.name))
    throw new Error(
      `${at}.name must match ${NAME_RE} (letters, digits, '_', '.', '-', '/'), got ${JSON.stringify(def.name)}`,
    );
  if (!TYPES.includes(def.type))
    throw new Error(`${at}.type must be one of ${TYPES.join(', ')}, got ${JSON.stringify(def.type)}`);
  if (
    def.labels !== undefined &&
    (!Array.isArray(def.labels) || def.labels.some((l) => typeof l !== 'string'))
  )
    throw new Error(`${at}.labels must be a list of label names`);
  return { ...def, labels: [...(def.labels ?? [])] };
}

/**
 * The OpenTelemetry side of every resource metric: one instrument per metric name, observable
 * ones reading the last value of each series lazily in their callback, plus a bounded history
 * per series for reports.
 */
export class MetricStore {
  private readonly _instruments = new Map<string, Instrument>();
  private readonly _semconv = new Map<string, SemconvInstrument>();

  constructor(private readonly _options: MetricStoreOptions) {}

  /** Creates the instrument once; a second definition of the same name must agree on the type. */
  define(def: MetricDefinition): void {
    const existing = this._instruments.get(def.name);
    if (existing) {
      if (existing.def.type !== def.type)
        throw new Error(
          `metric ${JSON.stringify(def.name)} is already defined as a ${existing.def.type}, not a ${def.type}`,
        );
      return;
    }
    const { meter, prefix } = this._options;
    const name = `${prefix}${def.name}`;
    const opts = {
      ...(def.description ? { description: def.description } : {}),
      ...(def.unit ? { unit: def.unit } : {}),
    };
    const series = new Map<string, Series>();
    const observe = (result: ObservableResult) => {
      for (const s of series.values()) if (s.semconv === undefined) result.observe(s.value, s.attributes);
    };
    let instrument: Instrument;
    if (def.type === 'histogram') {
      const advice = def.unit === 's' ? { advice: { explicitBucketBoundaries: SECONDS_BUCKETS } } : {};
      instrument = {
        def,
        histogram: meter.createHistogram(name, { ...opts, ...advice }),
        series,
        perResource: new Map(),
      };
    } else {
      const observable =
        def.type === 'gauge'
          ? meter.createObservableGauge(name, opts)
          : def.type === 'counter'
            ? meter.createObservableCounter(name, opts)
            : meter.createObservableUpDownCounter(name, opts);
      observable.addCallback(observe);
      instrument = { def, observable, series, perResource: new Map() };
    }
    this._instruments.set(def.name, instrument);
  }

  /** The semconv instrument `name` (created once, shared by the metrics mapped onto it). */
  private _semconvInstrument(name: string, unit: string, histogram: boolean): SemconvInstrument {
    let inst = this._semconv.get(name);
    if (inst) return inst;
    const { meter } = this._options;
    const opts = { description: SEMCONV_DESCRIPTIONS[name] ?? name, unit };
    const series = new Set<Series>();
    if (histogram) {
      inst = {
        histogram: meter.createHistogram(name, {
          ...opts,
          advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
        }),
        series,
      };
    } else {
      meter.createObservableUpDownCounter(name, opts).addCallback((result) => {
        for (const s of series) result.observe(s.value, s.attributes);
      });
      inst = { series };
    }
    this._semconv.set(name, inst);
    return inst;
  }

  has(name: string): boolean {
    return this._instruments.has(name);
  }

  definition(name: string): MetricDefinition | undefined {
    return this._instruments.get(name)?.def;
  }

  /**
   * Sets a series value (gauges, counters as a cumulative total) or records a histogram value.
   * Returns the series' new value (undefined for histograms, or when dropped or unknown).
   */
  update(
    metric: string,
    value: number,
    resourceId: string,
    resourceType: string,
    labels: Readonly<Record<string, unknown>> | undefined,
    extra: Readonly<Record<string, string>> | undefined,
    now: number,
    add = false,
    category?: string,
  ): MetricValue | undefined {
    const inst = this._instruments.get(metric);
    if (!inst) return undefined;
    const allowed = inst.def.labels ?? [];
    let clean: Record<string, string> = NO_LABELS;
    let key = resourceId;
    // Unlabelled metrics (the common case, and every acquisition) skip building a label key.
    if (allowed.length > 0) {
      clean = {};
      if (labels)
        for (const k of allowed) if (labels[k] !== undefined) clean[k] = String(labels[k]).slice(0, 128);
      key = `${resourceId}\u0000${allowed.map((k) => clean[k] ?? '').join('\u0000')}`;
    }
    let s = inst.series.get(key);
    if (!s) {
      const count = inst.perResource.get(resourceId) ?? 0;
      if (count >= this._options.maxSeriesPerMetric) {
        this._options.onDrop();
        return undefined;
      }
      inst.perResource.set(resourceId, count + 1);
      const mapped = category === 'database' ? DB_CLIENT_POOL_METRICS[metric] : undefined;
      const semconv = mapped
        ? this._semconvInstrument(mapped.name, mapped.unit, inst.def.type === 'histogram')
        : undefined;
      s = {
        key,
        semconv,
        resourceId,
        resourceType,
        metric,
        labels: clean,
        attributes: {
          ...(extra ?? {}),
          ...clean,
          ...(mapped
            ? {
                [ATTR_DB_CLIENT_CONNECTION_POOL_NAME]: resourceId,
                ...(mapped.state ? { [ATTR_DB_CLIENT_CONNECTION_STATE]: mapped.state } : {}),
              }
            : {}),
          [ATTR_RESOURCE_ID]: resourceId,
          [ATTR_RESOURCE_TYPE]: resourceType,
        },
        value: 0,
        timestamp: now,
        history: inst.def.type === 'histogram' ? undefined : new Ring(this._options.historySize),
      };
      inst.series.set(key, s);
      semconv?.series.add(s);
    }
    if (inst.histogram) {
      (s.semconv?.histogram ?? inst.histogram).record(value, s.attributes);
      s.value = value;
      s.timestamp = now;
      return undefined;
    } else {
      s.value = add ? s.value + value : value;
      s.history?.push(now, s.value);
    }
    s.timestamp = now;
    return toValue(s);
  }

  /** Forgets every series of a resource (it was unregistered). */
  dropResource(resourceId: string): void {
    for (const inst of this._instruments.values()) {
      for (const [key, s] of inst.series)
        if (s.resourceId === resourceId) {
          inst.series.delete(key);
          s.semconv?.series.delete(s);
        }
      inst.perResource.delete(resourceId);
    }
  }

  /** Last values, optionally filtered. */
  values(filter: { resourceId?: string; metric?: string } = {}): MetricValue[] {
    const out: MetricValue[] = [];
    for (const [name, inst] of this._instruments) {
      if (filter.metric !== undefined && filter.metric !== name) continue;
      for (const s of inst.series.values())
        if (filter.resourceId === undefined || s.resourceId === filter.resourceId) out.push(toValue(s));
    }
    return out;
  }

  /** Every non-histogram series with its points in `[from, to]`. */
  histories(
    from: number,
    to: number,
  ): Array<MetricValue & { readonly points: Array<{ timestamp: number; value: number }> }> {
    const out: Array<MetricValue & { points: Array<{ timestamp: number; value: number }> }> = [];
    for (const inst of this._instruments.values()) {
      for (const s of inst.series.values()) {
        if (!s.history) continue;
        out.push({ ...toValue(s), points: s.history.between(from, to) });
      }
    }
    return out;
  }

  close(): void {
    for (const inst of this._instruments.values()) {
      inst.series.clear();
    }
    for (const inst of this._semconv.values()) inst.series.clear();
  }
}

function toValue(s: Series): MetricValue {
  return {
    resourceId: s.resourceId,
    resourceType: s.resourceType,
    metric: s.metric,
    labels: s.labels,
    value: s.value,
    timestamp: s.timestamp,
  };
}
