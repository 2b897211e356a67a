import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  Attributes,
  Counter,
  Gauge,
  Histogram,
  Meter,
  ObservableGauge,
  UpDownCounter,
} from '@opentelemetry/api';
import type { CollectionResult, MeterProvider } from '@opentelemetry/sdk-metrics';

/** Attributes (prom-client: labels) of one measurement. */
export type MetricAttributes = Attributes;

/** Options shared by every instrument helper. */
export interface InstrumentOptions {
  /** Human description (prom-client: `help`). */
  description?: string;
  /** prom-client spelling of `description`. */
  help?: string;
  /** UCUM unit, e.g. `'s'`, `'By'`, `'{request}'`. */
  unit?: string;
  /**
   * Attribute keys this instrument is recorded with (prom-client: `labelNames`). Validated at
   * creation; documents the series shape. Not enforced on the hot path.
   */
  attributes?: readonly string[];
  /** prom-client spelling of `attributes`. */
  labelNames?: readonly string[];
}

/** Options of {@link MetricsHandle.histogram}. */
export interface HistogramOptions extends InstrumentOptions {
  /**
   * Explicit bucket boundaries, ascending. @default `config.durationBuckets` when `unit` is `'s'`,
   * the SDK defaults otherwise
   */
  buckets?: readonly number[];
}

/** Options of {@link MetricsHandle.observableGauge}. */
export interface ObservableGaugeOptions extends InstrumentOptions {
  /** Called at each collection; call `observe(value, attrs?)` once per series. Errors are caught. */
  callback: (observe: (value: number, attributes?: MetricAttributes) => void) => void | Promise<void>;
}

/** A monotonic counter. */
export interface CounterHelper {
  readonly name: string;
  readonly instrument: Counter;
  /** Adds `value` (≥ 0; negative values are ignored by the SDK). */
  add(value?: number, attributes?: MetricAttributes): void;
  /** prom-client style: `inc()`, `inc(5)`, `inc({ route })`, `inc({ route }, 5)`. */
  inc(attributesOrValue?: MetricAttributes | number, value?: number): void;
}

/** A counter that may go down (e.g. items in a queue). */
export interface UpDownCounterHelper {
  readonly name: string;
  readonly instrument: UpDownCounter;
  add(value: number, attributes?: MetricAttributes): void;
  inc(attributesOrValue?: MetricAttributes | number, value?: number): void;
  dec(attributesOrValue?: MetricAttributes | number, value?: number): void;
}

/** Stops a timer started by {@link HistogramHelper.startTimer}; returns the seconds recorded. */
export type EndTimer = (extraAttributes?: MetricAttributes) => number;

/** A histogram, with timing helpers when its unit is seconds. */
export interface HistogramHelper {
  readonly name: string;
  readonly instrument: Histogram;
  record(value: number, attributes?: MetricAttributes): void;
  /** prom-client style: `observe(value)` or `observe(labels, value)`. */
  observe(attributesOrValue: MetricAttributes | number, value?: number): void;
  /** Starts a timer; `end(extra?)` records the elapsed seconds once (later calls are ignored). */
  startTimer(attributes?: MetricAttributes): EndTimer;
  /**
   * Times `fn` (sync or async) and records its duration in seconds, also when it throws or rejects
   * (then with `error.type`). The result or thrown value passes through unchanged.
   */
  time<T>(fn: () => T, attributes?: MetricAttributes): T;
}

/** A synchronous gauge: the last value set wins. */
export interface GaugeHelper {
  readonly name: string;
  readonly instrument: Gauge;
  set(value: number, attributes?: MetricAttributes): void;
}

/** An observable gauge read at collection time. */
export interface ObservableGaugeHelper {
  readonly name: string;
  readonly instrument: ObservableGauge;
  /** Stops observing. */
  remove(): void;
}

/**
 * Why a push export failed, the `reason` attribute of `otelkit.metrics.exports{outcome="failure"}`:
 * `timeout` (no answer in time), `network` (refused, reset, name not found), `rejected` (a
 * non-retryable HTTP status), `unavailable` (429/502/503/504 until the retries ran out), `error`
 * (anything else, e.g. an exporter that threw), `shutdown` (still waiting for the collector when
 * the shutdown budget ran out).
 */
export type MetricExportFailureReason =
  | 'timeout'
  | 'network'
  | 'rejected'
  | 'unavailable'
  | 'error'
  | 'shutdown';

/** Counters of what the metrics pipeline did. Every drop is visible here. */
export interface MetricsStats {
  /** Push exports (OTLP, console): batches that succeeded / failed (failures never throw), failures by reason. */
  readonly exports: {
    readonly succeeded: number;
    readonly failed: number;
    readonly failedByReason: Readonly<Partial<Record<MetricExportFailureReason, number>>>;
  };
  /**
   * Prometheus scrapes served (own listener or `handler`) and failed, and the collections they
   * caused: concurrent scrapes share one collection, a scrape within 250 ms of the last collection
   * reuses its exposition.
   */
  /**
   * Data points of the push exports: in exports that succeeded (`exported`), that failed
   * (`failed`, by the export's reason; `shutdown` when the export was still waiting for its
   * collector when the shutdown budget ran out), and in exports waiting for an answer now
   * (`inFlight`). Once shut down: every point handed to an exporter is exported or failed.
   */
  readonly points: {
    readonly exported: number;
    readonly failed: number;
    readonly failedByReason: Readonly<Partial<Record<MetricExportFailureReason, number>>>;
    readonly inFlight: number;
  };
  readonly scrapes: { readonly served: number; readonly failed: number; readonly collections: number };
  /**
   * Instruments whose attribute sets passed the cardinality limit: each has exactly one overflow
   * series (`otel_metric_overflow="true"`). `series` is their count.
   */
  readonly overflow: { readonly series: number; readonly instruments: readonly string[] };
  /** The Prometheus listener could not start (e.g. port in use). */
  readonly listenErrors: number;
  /**
   * Record-time checks of the handle's meter and helpers (they never throw into the caller):
   * measurements `rejected` (NaN, ±Infinity, not a number), attribute values `droppedAttributes`
   * (Symbol, function, object) and `coercedAttributes` (BigInt, NaN/±Infinity → text), and
   * `undeclaredAttributes` (keys an instrument did not list in `attributes`, dropped).
   */
  readonly measurements: {
    readonly rejected: number;
    readonly droppedAttributes: number;
    readonly coercedAttributes: number;
    readonly undeclaredAttributes: number;
  };
  /**
   * Observable callbacks of the handle's meter, by instrument name: runs that threw or rejected
   * (`failed`) and collections that stopped waiting after 1 s and served the last values (`timedOut`).
   */
  readonly callbacks: Readonly<Record<string, { readonly failed: number; readonly timedOut: number }>>;
}

/** What {@link createMetrics} returns. With `enabled: false` every member exists and does nothing. */
export interface MetricsHandle {
  /** `false` when the config disabled metrics (a no-op handle). */
  readonly enabled: boolean;
  readonly provider: MeterProvider;
  /** The `@otelkit/metrics` meter of {@link provider}. */
  readonly meter: Meter;
  /**
   * Prometheus exposition as a `(req, res)` handler to mount on your own server (any path). Works in
   * both Prometheus modes; answers 404 when no Prometheus exporter is configured.
   */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Where the own Prometheus listener ended up (`mode: 'server'`); `null` when there is none or it
   * failed to start. Never rejects.
   */
  readonly listening: Promise<AddressInfo | null>;
  /** The Prometheus path of the config (used by the HTTP skip list). `null` without Prometheus. */
  readonly prometheusPath: string | null;
  /** Attribute sets per instrument before overflow. */
  readonly cardinalityLimit: number;
  /** Default duration buckets in seconds. */
  readonly durationBuckets: readonly number[];
  /** Paths the HTTP adapters never measure (exact, or a prefix ending in `*`). */
  readonly ignorePaths: readonly string[];
  /**
   * Whether the HTTP adapters start a SERVER span per request (config `metrics.http.serverSpans`:
   * off when the http auto-instrumentation makes that span; the adapters then name it by route).
   */
  readonly serverSpans: boolean;
  /**
   * Reads the current cumulative state in-process (e.g. for a dashboard) without disturbing any
   * exporter: served by the cumulative reader that already exists (Prometheus, else cumulative OTLP,
   * else a dedicated pull reader). Never rejects (errors are in the result).
   */
  collect(): Promise<CollectionResult>;
  /** Sets this provider as the global MeterProvider. Returns `false` (and warns) if one was already set. */
  register(): boolean;
  /** Exports what push exporters hold now. Bounded by `exportTimeoutMillis`; never rejects. */
  forceFlush(): Promise<void>;
  /**
   * Flushes and stops everything within `shutdownTimeoutMillis`. Idempotent; never rejects. An
   * export still waiting for its collector at the deadline counts as failed with reason
   * `shutdown` (`stats().exports` and `stats().points`). No arguments: the budget is the slice's
   * (`startMonitoring` gives metrics its share of `shutdown.timeout` through an internal path); a
   * second call returns the same promise.
   */
  shutdown(): Promise<void>;
  stats(): MetricsStats;
  counter(name: string, options?: InstrumentOptions): CounterHelper;
  upDownCounter(name: string, options?: InstrumentOptions): UpDownCounterHelper;
  histogram(name: string, options?: HistogramOptions): HistogramHelper;
  gauge(name: string, options?: InstrumentOptions): GaugeHelper;
  observableGauge(name: string, options: ObservableGaugeOptions): ObservableGaugeHelper;
}
