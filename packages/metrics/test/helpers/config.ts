import type { MetricExporterConfig, MetricsConfig, PrometheusExporterConfig } from '@otelkit/config';

/** A full MetricsConfig slice as loadConfig would produce it, with overrides. */
export function metricsConfig(overrides: Partial<MetricsConfig> = {}): MetricsConfig {
  return {
    enabled: true,
    exportIntervalMillis: 60_000,
    exportTimeoutMillis: 30_000,
    exporters: [],
    cardinalityLimit: 2000,
    durationBuckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    views: [],
    http: { ignorePaths: ['/metrics', '/health', '/health/*'], serverSpans: true },
    shutdownTimeoutMillis: 5000,
    ...overrides,
  };
}

/** Prometheus exporter config on a free port (0) of 127.0.0.1. */
export function prometheusExporter(overrides: Partial<PrometheusExporterConfig> = {}): MetricExporterConfig {
  return { type: 'prometheus', mode: 'server', host: '127.0.0.1', port: 0, path: '/metrics', ...overrides };
}
