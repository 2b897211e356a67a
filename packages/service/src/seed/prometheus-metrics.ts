import type { MetricAttributes } from '@opentelemetry/api';
import { checkOptionKeys } from '@otelkit/config';
import type { CounterHelper, MetricsHandle } from '@otelkit/metrics';
import { bindMetrics } from './bind-metrics';
import { Gauge, Histogram } from './performance-metrics';

/** Options of {@link PrometheusMetrics}. */
export interface PrometheusMetricsOptions {
  /** @default the running monitoring's metrics: what its Prometheus endpoint serves */
  readonly metrics?: MetricsHandle;
}

/** Options of {@link PrometheusMetrics.counter} and {@link PrometheusMetrics.gauge}. */
export interface SeedInstrumentOptions {
  readonly labelNames?: readonly string[];
}

/** Options of {@link PrometheusMetrics.histogram}. */
export interface SeedHistogramOptions extends SeedInstrumentOptions {
  readonly buckets?: readonly number[];
}

/** The seed's counter: `inc()`, `inc(amount)`, `inc(amount, labels)`. */
export interface SeedCounter {
  readonly name: string;
  inc(amount?: number, labels?: MetricAttributes): void;
}

const OPTION_KEYS = ['metrics'] as const satisfies readonly (keyof PrometheusMetricsOptions)[];
const INSTRUMENT_KEYS = ['labelNames'] as const satisfies readonly (keyof SeedInstrumentOptions)[];
const HISTOGRAM_KEYS = ['labelNames', 'buckets'] as const satisfies readonly (keyof SeedHistogramOptions)[];

/**
 * The seed's `PrometheusMetrics()` (Monitoring Setup Guide, "Prometheus Integration"): positional
 * `(name, help)` instruments over `@otelkit/metrics`, served by the one config's Prometheus
 * endpoint (`metrics.exporters: [{ type: 'prometheus' }]`, `127.0.0.1:9464/metrics` by default).
 * A name ending in `_total` is a counter's full Prometheus name, as in prometheus_client.
 *
 * @example
 * const metrics = new PrometheusMetrics();
 * const counter = metrics.counter('requests_total', 'Total requests processed');
 * const histogram = metrics.histogram('response_time_seconds', 'Response time in seconds', { buckets: [0.1, 0.5, 1] });
 * counter.inc();
 * histogram.observe(0.2);
 */
export class PrometheusMetrics {
  private readonly _explicit: MetricsHandle | undefined;
  private readonly _metrics: () => MetricsHandle;

  constructor(options: PrometheusMetricsOptions = {}) {
    if (options === null || typeof options !== 'object')
      throw new Error('PrometheusMetrics: options must be an object');
    checkOptionKeys(options, OPTION_KEYS, 'PrometheusMetrics');
    this._explicit = options.metrics;
    this._metrics = bindMetrics(options.metrics);
  }

  counter(name: string, help: string, options: SeedInstrumentOptions = {}): SeedCounter {
    checkPositional('counter', name, help);
    checkOptionKeys(options, INSTRUMENT_KEYS, `PrometheusMetrics.counter(${JSON.stringify(name)})`);
    let helper: CounterHelper | undefined;
    const resolve = () => {
      helper ??= this._metrics().counter(name, {
        description: help,
        ...(options.labelNames !== undefined ? { labelNames: options.labelNames } : {}),
      });
      return helper;
    };
    return {
      name,
      inc: (amount = 1, labels?: MetricAttributes) => resolve().add(amount, labels),
    };
  }

  histogram(name: string, help: string, options: SeedHistogramOptions = {}): Histogram {
    checkPositional('histogram', name, help);
    checkOptionKeys(options, HISTOGRAM_KEYS, `PrometheusMetrics.histogram(${JSON.stringify(name)})`);
    return new Histogram({
      name,
      help,
      ...options,
      ...(this._explicit !== undefined ? { metrics: this._explicit } : {}),
    });
  }

  gauge(name: string, help: string, options: SeedInstrumentOptions = {}): Gauge {
    checkPositional('gauge', name, help);
    checkOptionKeys(options, INSTRUMENT_KEYS, `PrometheusMetrics.gauge(${JSON.stringify(name)})`);
    return new Gauge({
      name,
      help,
      ...options,
      ...(this._explicit !== undefined ? { metrics: this._explicit } : {}),
    });
  }
}

function checkPositional(kind: string, name: unknown, help: unknown): void {
  if (typeof name !== 'string' || name.length === 0)
    throw new Error(`PrometheusMetrics.${kind}(name, help): name must be a non-empty string`);
  if (typeof help !== 'string')
    throw new Error(`PrometheusMetrics.${kind}(${JSON.stringify(name)}, help): help must be a string`);
}
