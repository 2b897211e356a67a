/**
 * `prometheus.yml` from the `monitoring.storage` slice: global scrape/evaluation intervals, the
 * rule files, Alertmanager, and the scrape jobs of the deploy stack (the service's own endpoint on
 * the direct path, the Collector's re-exposition on the OTLP path). Retention is a command-line
 * flag of Prometheus, not a config field: {@link prometheusFlags} gives it.
 */
import { formatPromDuration, type OtelkitConfig } from '@otelkit/config';

export interface ScrapeJob {
  readonly job_name: string;
  readonly metrics_path?: string;
  readonly scrape_interval?: string;
  readonly honor_labels?: boolean;
  readonly static_configs: ReadonlyArray<{
    readonly targets: readonly string[];
    readonly labels?: Record<string, string>;
  }>;
}

export interface PrometheusConfigFile {
  readonly global: {
    readonly scrape_interval: string;
    readonly scrape_timeout: string;
    readonly evaluation_interval: string;
  };
  readonly rule_files: readonly string[];
  readonly alerting: {
    readonly alertmanagers: ReadonlyArray<{
      readonly static_configs: ReadonlyArray<{ readonly targets: readonly string[] }>;
    }>;
  };
  readonly scrape_configs: readonly ScrapeJob[];
}

export interface PrometheusConfigOptions {
  /** The Alertmanager Prometheus sends alerts to. @default 'alertmanager:9093' */
  readonly alertmanager?: string;
  /** The Collector's prometheus exporter (OTLP path); `null` for none. @default 'otel-collector:8889' */
  readonly collector?: string | null;
}

/** The Prometheus server flags the storage slice implies (`--storage.tsdb.retention.time=15d`). */
export function prometheusFlags(config: OtelkitConfig): string[] {
  return [`--storage.tsdb.retention.time=${formatPromDuration(config.monitoring.storage.retentionMillis)}`];
}

export function generatePrometheusConfig(
  config: OtelkitConfig,
  options: PrometheusConfigOptions = {},
): PrometheusConfigFile {
  const s = config.monitoring.storage;
  const scrape = formatPromDuration(s.scrapeIntervalMillis);
  // a scrape must end before the next one starts
  const timeout = formatPromDuration(Math.min(10_000, s.scrapeIntervalMillis));
  const prom = config.metrics.exporters.find((e) => e.type === 'prometheus');
  const collector = options.collector === undefined ? 'otel-collector:8889' : options.collector;
  const jobs: ScrapeJob[] = [
    {
      job_name: 'otelkit-service',
      ...(prom && prom.path !== '/metrics' ? { metrics_path: prom.path } : {}),
      static_configs: [{ targets: [s.target], labels: { source: 'direct' } }],
    },
  ];
  if (collector)
    jobs.push(
      {
        job_name: 'otel-collector-exporter',
        honor_labels: true,
        static_configs: [{ targets: [collector], labels: { source: 'otlp' } }],
      },
      { job_name: 'otel-collector', static_configs: [{ targets: [collector.replace(/:\d+$/, ':8888')] }] },
    );
  jobs.push(
    { job_name: 'jaeger', static_configs: [{ targets: ['jaeger:14269'] }] },
    {
      job_name: 'alertmanager',
      static_configs: [{ targets: [options.alertmanager ?? 'alertmanager:9093'] }],
    },
    { job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] },
  );
  return {
    global: {
      scrape_interval: scrape,
      scrape_timeout: timeout,
      evaluation_interval: formatPromDuration(s.evaluationIntervalMillis),
    },
    rule_files: ['rules/*.rules.yml'],
    alerting: {
      alertmanagers: [{ static_configs: [{ targets: [options.alertmanager ?? 'alertmanager:9093'] }] }],
    },
    scrape_configs: jobs,
  };
}
