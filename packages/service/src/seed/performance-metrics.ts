import type { MetricAttributes } from '@opentelemetry/api';
import { checkOptionKeys } from '@otelkit/config';
import type { EndTimer, GaugeHelper, HistogramHelper, MetricsHandle } from '@otelkit/metrics';
import { bindMetrics } from './bind-metrics';

/** Options of the seed-style {@link Histogram}. */
export interface HistogramOptions {
  readonly name: string;
  /** The Prometheus HELP text (the instrument's description). */
  readonly help?: string;
  readonly description?: string;
  /** Bucket upper bounds. @default the config's `metrics.durationBuckets` */
  readonly buckets?: readonly number[];
  /** Label names allowed on values (others are dropped). */
  readonly labelNames?: readonly string[];
  /** UCUM unit. @default `'s'` when the name ends in `_seconds`, else none */
  readonly unit?: string;
  /** @default the running monitoring's metrics (see the module doc) */
  readonly metrics?: MetricsHandle;
}

/** Options of the seed-style {@link Gauge}. */
export interface GaugeOptions {
  readonly name: string;
  readonly help?: string;
  readonly description?: string;
  readonly labelNames?: readonly string[];
  readonly metrics?: MetricsHandle;
}

const HISTOGRAM_KEYS = [
  'name',
  'help',
  'description',
  'buckets',
  'labelNames',
  'unit',
  'metrics',
] as const satisfies readonly (keyof HistogramOptions)[];
const GAUGE_KEYS = [
  'name',
  'help',
  'description',
  'labelNames',
  'metrics',
] as const satisfies readonly (keyof GaugeOptions)[];
/** Distinct label sets whose value a gauge remembers for `inc` / `dec` (the metrics cap series anyway). */
const MAX_GAUGE_SERIES = 2000;

function checkName(owner: string, options: { name?: unknown } | undefined): string {
  if (!options || typeof options !== 'object')
    throw new Error(`${owner}: options must be an object with a name`);
  if (typeof options.name !== 'string' || options.name.length === 0)
    throw new Error(`${owner}: name must be a non-empty string`);
  return options.name;
}

/**
 * A running timer of {@link Histogram.time}: records the elapsed seconds once, when disposed
 * (`using` / `await using`) or ended.
 */
export class HistogramTimer {
  private _ended = false;
  constructor(private readonly _end: EndTimer) {}

  /** Records the elapsed seconds (once; later calls return the same figure's absence: `undefined`). */
  end(labels?: MetricAttributes): number | undefined {
    if (this._ended) return undefined;
    this._ended = true;
    return this._end(labels);
  }

  [Symbol.dispose](): void {
    this.end();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.end();
  }
}

/**
 * The seed's `Histogram(name=…, buckets=[…])` (Monitoring Setup Guide, "Metric Collection"): a
 * thin facade over `metrics.histogram(name, { description, buckets })` of `@otelkit/metrics`.
 * `time()` is the seed's `async with histogram.time():` as `await using _ = histogram.time()`,
 * or `histogram.time(fn)` as a wrapper; durations are seconds.
 *
 * @example
 * const requestTimes = new Histogram({ name: 'request_duration_seconds', buckets: [0.1, 0.5, 1, 2, 5] });
 * {
 *   await using _timer = requestTimes.time();
 *   await processRequest();
 * }
 * requestTimes.observe(0.25);
 */
export class Histogram {
  readonly name: string;
  private readonly _metrics: () => MetricsHandle;
  private readonly _options: HistogramOptions;
  private _helper: HistogramHelper | undefined;

  constructor(options: HistogramOptions) {
    this.name = checkName('Histogram', options);
    checkOptionKeys(options, HISTOGRAM_KEYS, 'Histogram');
    this._options = options;
    this._metrics = bindMetrics(options.metrics);
  }

  /** Records one value (seconds, for a duration). */
  observe(value: number, labels?: MetricAttributes): void {
    this._histogram().record(value, labels);
  }

  /** Starts a timer: dispose it (`using`) or `end()` it to record the elapsed seconds. */
  time(labels?: MetricAttributes): HistogramTimer;
  /** Times `fn` (sync or async) and returns its result unchanged; a throw is timed too. */
  time<T>(fn: () => T, labels?: MetricAttributes): T;
  time<T>(fnOrLabels?: (() => T) | MetricAttributes, labels?: MetricAttributes): T | HistogramTimer {
    if (typeof fnOrLabels === 'function') return this._histogram().time(fnOrLabels, labels);
    return new HistogramTimer(this._histogram().startTimer(fnOrLabels));
  }

  private _histogram(): HistogramHelper {
    if (this._helper === undefined) {
      const o = this._options;
      const description = o.help ?? o.description;
      const unit = o.unit ?? (this.name.endsWith('_seconds') ? 's' : undefined);
      this._helper = this._metrics().histogram(this.name, {
        ...(description !== undefined ? { description } : {}),
        ...(o.buckets !== undefined ? { buckets: o.buckets } : {}),
        ...(o.labelNames !== undefined ? { labelNames: o.labelNames } : {}),
        ...(unit !== undefined ? { unit } : {}),
      });
    }
    return this._helper;
  }
}

/**
 * The seed's `Gauge(name=…)` with `set`, `inc` and `dec` (prometheus_client's gauge): a thin
 * facade over `metrics.gauge(name)` of `@otelkit/metrics`, remembering the last value per label
 * set (at most 2 000) so that `inc` / `dec` move it.
 *
 * @example
 * const activeRequests = new Gauge({ name: 'active_requests' });
 * activeRequests.inc();
 * activeRequests.dec();
 * new Gauge({ name: 'memory_usage_bytes' }).set(process.memoryUsage().rss);
 */
export class Gauge {
  readonly name: string;
  private readonly _metrics: () => MetricsHandle;
  private readonly _options: GaugeOptions;
  private readonly _values = new Map<string, number>();
  private _helper: GaugeHelper | undefined;

  constructor(options: GaugeOptions) {
    this.name = checkName('Gauge', options);
    checkOptionKeys(options, GAUGE_KEYS, 'Gauge');
    this._options = options;
    this._metrics = bindMetrics(options.metrics);
  }

  set(value: number, labels?: MetricAttributes): void {
    const key = labelKey(labels);
    if (this._values.has(key) || this._values.size < MAX_GAUGE_SERIES) this._values.set(key, value);
    this._gauge().set(value, labels);
  }

  inc(amount = 1, labels?: MetricAttributes): void {
    this.set((this._values.get(labelKey(labels)) ?? 0) + amount, labels);
  }

  dec(amount = 1, labels?: MetricAttributes): void {
    this.inc(-amount, labels);
  }

  /** The last value set for these labels (what the next scrape reports). */
  get(labels?: MetricAttributes): number | undefined {
    return this._values.get(labelKey(labels));
  }

  private _gauge(): GaugeHelper {
    if (this._helper === undefined) {
      const o = this._options;
      const description = o.help ?? o.description;
      this._helper = this._metrics().gauge(this.name, {
        ...(description !== undefined ? { description } : {}),
        ...(o.labelNames !== undefined ? { labelNames: o.labelNames } : {}),
      });
    }
    return this._helper;
  }
}

function labelKey(labels: MetricAttributes | undefined): string {
  if (!labels) return '';
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}
