/**
 * Prometheus recording and alerting rules from the config and the metric catalog.
 *
 * - `otelkit.rules.yml`: one recording group per naming path (direct scrape / OTLP → Collector)
 *   writing the same logical series (`job_route:http_server_request_duration_seconds:p95_5m`, …)
 *   for every catalog entry, and the toolkit's baseline alerts on those series.
 * - `config-alerts.rules.yml`: one alert per `alerts` rule of the config, its expression from the
 *   catalog on both paths (`(direct) or (otlp)`), `for` from `for`/`duration`, the `severity`
 *   label, summary/description annotations and `runbook_url` when the rule has a runbook.
 */
import {
  type AlertRuleConfig,
  catalogPromQL,
  catalogSharePromQL,
  findCatalogEntry,
  formatPromDuration,
  METRIC_CATALOG,
  type MetricCatalogEntry,
  type OtelkitConfig,
  PROMETHEUS_PATHS,
  type PrometheusPath,
} from '@otelkit/config';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: ReadonlyArray<RecordingRule | AlertingRule>;
}

export interface RuleFile {
  readonly groups: readonly RuleGroup[];
}

/** Thrown when a config alert cannot become a Prometheus rule (its metric is not in the catalog). */
export class GenerateError extends Error {
  readonly code = 'OTELKIT_ERR_GENERATE';
  constructor(message: string) {
    super(message);
    this.name = 'GenerateError';
  }
}

function recordingExpr(e: MetricCatalogEntry, path: PrometheusPath): string {
  // The event loop series is averaged over 5 minutes (a gauge sampled per interval).
  if (e.name === 'event_loop_delay_seconds')
    return `avg by (job, instance) (avg_over_time(${e.series[path]}[5m]))`;
  if (e.name === 'request_rate') return catalogPromQL(e, path, { by: ['job'] });
  if (e.name === 'error_rate') return catalogPromQL(e, path, { by: ['job'] });
  if (e.name === 'pool_utilisation') return catalogPromQL(e, path, { by: ['job', 'resource_id'] });
  return catalogPromQL(e, path);
}

/** The recording group of one path: every catalog entry's logical series, labelled `otelkit_path`. */
export function recordingGroup(path: PrometheusPath): RuleGroup {
  const rules: RecordingRule[] = [];
  for (const e of METRIC_CATALOG) {
    rules.push({ record: e.recorded, expr: recordingExpr(e, path), labels: { otelkit_path: path } });
    // requests/s per route, which the latency alert uses to ignore idle routes
    if (e.name === 'request_rate')
      rules.push({
        record: 'job_route:http_server_requests:rate5m',
        expr: catalogPromQL(e, path, { by: ['job', 'http_route'] }),
        labels: { otelkit_path: path },
      });
  }
  return { name: `otelkit-recording-${path}`, rules };
}

/** The toolkit's own alerts on the recorded series (latency, errors, event loop, scrape, Collector). */
export function baselineAlerts(): RuleGroup {
  return {
    name: 'otelkit-alerts',
    rules: [
      {
        alert: 'OtelkitHttpLatencyP95High',
        expr: 'job_route:http_server_request_duration_seconds:p95_5m > 1\nand\njob_route:http_server_requests:rate5m > 0.05\n',
        for: '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary:
            'p95 latency of {{ $labels.job }} {{ $labels.http_route }} is {{ $value | humanizeDuration }}',
          description: 'The 95th percentile of http.server.request.duration has been above 1s for 5 minutes.',
        },
      },
      {
        alert: 'OtelkitHttpErrorRatioHigh',
        expr: 'job:http_server_request_error_ratio:rate5m > 0.05\nand\njob:http_server_requests:rate5m > 0.1\n',
        for: '5m',
        labels: { severity: 'critical' },
        annotations: {
          summary: '{{ $labels.job }} answers {{ $value | humanizePercentage }} of requests with 5xx',
          description: 'More than 5% of HTTP server requests have ended in a 5xx status for 5 minutes.',
        },
      },
      {
        alert: 'OtelkitEventLoopDelayHigh',
        expr: 'job_instance:nodejs_eventloop_delay_p99_seconds:avg5m > 0.1',
        for: '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'event loop delay p99 of {{ $labels.instance }} is {{ $value | humanizeDuration }}',
          description:
            'nodejs.eventloop.delay.p99 has averaged above 100ms for 5 minutes: the process is CPU-bound or blocked.',
        },
      },
      {
        alert: 'OtelkitEventLoopBlocked',
        expr: 'job_instance:nodejs_eventloop_delay_p99_seconds:avg5m > 0.5',
        for: '2m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'event loop of {{ $labels.instance }} is blocked ({{ $value | humanizeDuration }} p99)',
          description: 'nodejs.eventloop.delay.p99 has averaged above 500ms for 2 minutes.',
        },
      },
      {
        alert: 'OtelkitTargetDown',
        expr: 'up{job="otelkit-service"} == 0',
        for: '2m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'Prometheus cannot scrape {{ $labels.instance }}',
          description: 'The otelkit service metrics endpoint has been unreachable for 2 minutes.',
        },
      },
      {
        alert: 'OtelCollectorExportFailing',
        expr: 'sum by (job, exporter) (\n  rate({__name__=~"otelcol_exporter_send_failed_(spans|metric_points|log_records)(_total)?"}[5m])\n) > 0\n',
        for: '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Collector exporter {{ $labels.exporter }} is failing',
          description:
            'The OpenTelemetry Collector has failed to send telemetry through {{ $labels.exporter }} for 10 minutes.',
        },
      },
    ],
  };
}

/** `high_memory` → `HighMemory`: Prometheus alert names in the same style as the baseline ones. */
export function alertName(name: string): string {
  const camel = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return /^[A-Za-z_]/.test(camel) ? camel : `Alert${camel}`;
}

/** The catalog entry of a config rule's metric, or a GenerateError naming the rule and the catalog. */
export function entryOf(rule: AlertRuleConfig): MetricCatalogEntry {
  const e = findCatalogEntry(rule.parsed.metric);
  if (!e)
    throw new GenerateError(
      `alert "${rule.name}": ${rule.parsed.metric} is not in the metric catalog, so it has no Prometheus series; use one of ${METRIC_CATALOG.map((x) => x.name).join(', ')} (or keep the rule in-process only)`,
    );
  return e;
}

/** The PromQL condition of a config rule on one path. */
export function alertExpr(rule: AlertRuleConfig, path: PrometheusPath): string {
  const e = entryOf(rule);
  const { operator, value, aggregation } = rule.parsed;
  if (rule.share !== undefined)
    return `${catalogSharePromQL(e, path, operator, value, rule.windowMillis)} > ${rule.share}`;
  if (
    aggregation !== 'last' &&
    aggregation !== e.statistic &&
    !(aggregation === 'p95' && e.statistic === 'p95')
  ) {
    // avg/min/max/p50/p99 of a gauge over the rule's window
    const inner = catalogPromQL(e, path);
    const fn =
      aggregation === 'avg'
        ? 'avg_over_time'
        : aggregation === 'min'
          ? 'min_over_time'
          : aggregation === 'max'
            ? 'max_over_time'
            : aggregation === 'rate'
              ? 'deriv'
              : 'quantile_over_time';
    const q =
      aggregation === 'p50'
        ? '0.5, '
        : aggregation === 'p99'
          ? '0.99, '
          : aggregation === 'p95'
            ? '0.95, '
            : '';
    return `${fn}(${q}(${inner})[${formatPromDuration(rule.windowMillis)}:]) ${operator} ${value}`;
  }
  const q = catalogPromQL(e, path, { windowMillis: e.statistic === 'value' ? undefined : rule.windowMillis });
  return `${q} ${operator} ${value}`;
}

function describeRule(rule: AlertRuleConfig): string {
  const { metric, operator, value, unit } = rule.parsed;
  const v = unit === 'bytes' ? `${value} bytes` : String(value);
  const over = formatPromDuration(rule.windowMillis);
  const hold = rule.forMillis ? ` for ${formatPromDuration(rule.forMillis)}` : '';
  if (rule.share !== undefined)
    return `More than ${Math.round(rule.share * 1000) / 10}% of ${metric} observations over ${over} were ${operator} ${v}${hold} (otelkit config: ${rule.condition}).`;
  return `${metric} ${operator} ${v}${hold} (otelkit config: ${rule.condition}).`;
}

/** One Prometheus alerting rule for one config alert (both naming paths). */
export function configAlert(rule: AlertRuleConfig): AlertingRule {
  const expr = PROMETHEUS_PATHS.map((p) => `(\n  ${alertExpr(rule, p)}\n)`).join('\nor\n');
  const e = entryOf(rule);
  const where = e.by.includes('http_route') ? ' {{ $labels.http_route }}' : ' {{ $labels.instance }}';
  return {
    alert: alertName(rule.name),
    expr: `${expr}\n`,
    ...(rule.forMillis ? { for: formatPromDuration(rule.forMillis) } : {}),
    labels: { ...rule.labels, severity: rule.severity, otelkit_alert: rule.name },
    annotations: {
      summary: rule.message ?? `${rule.name}: {{ $labels.job }}${where} ${rule.condition}`,
      description: describeRule(rule),
      ...(rule.runbook ? { runbook_url: rule.runbook } : {}),
    },
  };
}

/** The rule files, keyed by file name under `prometheus/rules/`. */
export function generatePrometheusRules(config: OtelkitConfig): Record<string, RuleFile> {
  const seen = new Map<string, string>();
  for (const r of config.alerts.rules) {
    const n = alertName(r.name);
    if (seen.has(n))
      throw new GenerateError(
        `alerts "${seen.get(n)}" and "${r.name}" both become the Prometheus alert ${n}`,
      );
    seen.set(n, r.name);
  }
  return {
    'otelkit.rules.yml': { groups: [recordingGroup('direct'), recordingGroup('otlp'), baselineAlerts()] },
    'config-alerts.rules.yml': {
      groups: [{ name: 'otelkit-config-alerts', rules: config.alerts.rules.map(configAlert) }],
    },
  };
}
