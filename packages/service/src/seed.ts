/**
 * `@otelkit/service/seed`: the seed documents' classes (the Monitoring Setup Guide's
 * `PrometheusMetrics`, `ElasticLogger`, `JaegerTracer`, `Histogram`, `Gauge`) as thin facades over
 * otelkit's factories, for code ported from the seeds. They add no pipeline of their own: metrics
 * go to the running monitoring's meter, logs through `createLogger`, spans through `createTracing`.
 * New code can use the factories directly; the package README maps each seed name to otelkit's.
 */
export type { ElasticLoggerOptions } from './seed/elastic-logger';
export { ElasticLogger, elasticsearchNode } from './seed/elastic-logger';
export type { JaegerTracerOptions } from './seed/jaeger-tracer';
export { JaegerTracer } from './seed/jaeger-tracer';
export type { GaugeOptions, HistogramOptions } from './seed/performance-metrics';
export { Gauge, Histogram, HistogramTimer } from './seed/performance-metrics';
export type {
  PrometheusMetricsOptions,
  SeedCounter,
  SeedHistogramOptions,
  SeedInstrumentOptions,
} from './seed/prometheus-metrics';
export { PrometheusMetrics } from './seed/prometheus-metrics';
