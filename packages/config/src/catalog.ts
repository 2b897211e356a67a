/**
 * The metric catalog: the one table that maps each logical metric name a config may use
 * (`request_duration_seconds > 1`, a panel titled "Memory Usage") to the OpenTelemetry
 * instrument otelkit exports, its unit, the statistic and window it stands for, its Prometheus
 * series under both naming paths, and the series the in-process monitor keeps. The in-process
 * alert engine (`@otelkit/resource-monitor`), the generated Prometheus rules and Grafana
 * dashboards read this table and nothing else.
 *
 * The two Prometheus paths (checked against a real scrape in `test/catalog.test.ts`):
 * - `direct`: Prometheus scrapes the service's own endpoint. The Node exporter (0.2xx) adds no
 *   unit suffix: `http_server_request_duration_bucket`, `process_memory_usage`; counters get `_total`.
 * - `otlp`: the service pushes OTLP to a Collector whose `prometheus` exporter re-exposes it with
 *   unit suffixes: `http_server_request_duration_seconds_bucket`, `process_memory_usage_bytes`,
 *   `otelkit_cpu_utilization_ratio` (unit `1` gauges get `_ratio`).
 */
import { didYouMean } from './suggest';

/** The naming path a series reaches Prometheus by. */
export type PrometheusPath = 'direct' | 'otlp';
export const PROMETHEUS_PATHS: readonly PrometheusPath[] = ['direct', 'otlp'];

/** What a logical value is computed as. */
export type CatalogStatistic = 'p95' | 'rate' | 'ratio' | 'value';

/** The unit a logical value is expressed in (its Grafana unit is in `grafanaUnit`). */
export type CatalogUnit = 'seconds' | 'bytes' | 'percent' | 'ratio' | 'requests/s' | 'requests';

export interface MetricCatalogEntry {
  /** The logical name (`request_duration_seconds`). */
  readonly name: string;
  /** Other names accepted for it (panel titles are matched against `titles`). */
  readonly aliases: readonly string[];
  /** Panel titles (lower case) that mean this metric: the seed's "Request Latency", "CPU Usage"… */
  readonly titles: readonly string[];
  readonly description: string;
  /** The OpenTelemetry instrument otelkit exports it from. */
  readonly instrument: string;
  readonly instrumentType: 'histogram' | 'gauge' | 'counter' | 'updowncounter';
  /** The instrument's UCUM unit. */
  readonly instrumentUnit: string;
  readonly unit: CatalogUnit;
  /** Grafana's unit id for panels. */
  readonly grafanaUnit: string;
  readonly statistic: CatalogStatistic;
  /** The window of `rate`/`p95`/`ratio` in generated rules and panels. */
  readonly windowMillis: number;
  /** The Prometheus metric family under each path (histograms: without `_bucket`/`_count`). */
  readonly series: Readonly<Record<PrometheusPath, string>>;
  /** Label selector always applied (e.g. the monitor's `otelkit_view`). */
  readonly selector?: string;
  /** The series otelkit records it from on the direct path, as seen in `/metrics` (checked in tests). */
  readonly exposition: readonly string[];
  /**
   * How the in-process monitor sees it: the name of the series in the monitor's history and the
   * factor from that series to the logical unit. Absent: the application records it itself
   * (`monitor.recordMetric(name, value)`).
   */
  readonly monitor?: { readonly metric: string; readonly factor: number };
  /** The aggregation a bare condition (`request_duration_seconds > 1`) means in the monitor. */
  readonly bareAggregation: 'last' | 'p95' | 'rate';
  /** Recorded series (level:metric:operation) the generated recording rules write for it. */
  readonly recorded: string;
  /** The label the recorded series is broken down by, besides job/instance. */
  readonly by: readonly string[];
}

const M5 = 300_000;

function entry(e: MetricCatalogEntry): MetricCatalogEntry {
  return Object.freeze({
    ...e,
    aliases: Object.freeze([...e.aliases]),
    titles: Object.freeze([...e.titles]),
    exposition: Object.freeze([...e.exposition]),
    by: Object.freeze([...e.by]),
    series: Object.freeze({ ...e.series }),
  });
}

/** Every logical metric otelkit knows, in display order. */
export const METRIC_CATALOG: readonly MetricCatalogEntry[] = Object.freeze([
  entry({
    name: 'request_duration_seconds',
    aliases: ['response_time_seconds', 'latency', 'http_server_request_duration'],
    titles: ['request latency', 'latency', 'response time', 'p95 latency'],
    description: 'HTTP server request duration, 95th percentile per route',
    instrument: 'http.server.request.duration',
    instrumentType: 'histogram',
    instrumentUnit: 's',
    unit: 'seconds',
    grafanaUnit: 's',
    statistic: 'p95',
    windowMillis: M5,
    series: { direct: 'http_server_request_duration', otlp: 'http_server_request_duration_seconds' },
    exposition: ['http_server_request_duration_bucket', 'http_server_request_duration_count'],
    bareAggregation: 'p95',
    recorded: 'job_route:http_server_request_duration_seconds:p95_5m',
    by: ['http_route'],
  }),
  entry({
    name: 'request_rate',
    aliases: ['requests_total', 'throughput', 'rps'],
    titles: ['throughput', 'request rate', 'requests', 'rps'],
    description: 'HTTP server requests per second',
    instrument: 'http.server.request.duration',
    instrumentType: 'histogram',
    instrumentUnit: 's',
    unit: 'requests/s',
    grafanaUnit: 'reqps',
    statistic: 'rate',
    windowMillis: M5,
    series: { direct: 'http_server_request_duration', otlp: 'http_server_request_duration_seconds' },
    exposition: ['http_server_request_duration_count'],
    bareAggregation: 'rate',
    recorded: 'job:http_server_requests:rate5m',
    by: [],
  }),
  entry({
    name: 'error_rate',
    aliases: ['error_ratio', 'errors'],
    titles: ['error rate', 'errors', 'error ratio'],
    description: 'Share of HTTP server requests answered with a 5xx status',
    instrument: 'http.server.request.duration',
    instrumentType: 'histogram',
    instrumentUnit: 's',
    unit: 'ratio',
    grafanaUnit: 'percentunit',
    statistic: 'ratio',
    windowMillis: M5,
    series: { direct: 'http_server_request_duration', otlp: 'http_server_request_duration_seconds' },
    exposition: ['http_server_request_duration_count'],
    bareAggregation: 'last',
    recorded: 'job:http_server_request_error_ratio:rate5m',
    by: [],
  }),
  entry({
    name: 'active_requests',
    aliases: ['http_server_active_requests', 'in_flight_requests'],
    titles: ['active requests', 'in-flight requests', 'concurrency', 'connections'],
    description: 'HTTP server requests in progress',
    instrument: 'http.server.active_requests',
    instrumentType: 'updowncounter',
    instrumentUnit: '{request}',
    unit: 'requests',
    grafanaUnit: 'short',
    statistic: 'value',
    windowMillis: M5,
    series: { direct: 'http_server_active_requests', otlp: 'http_server_active_requests' },
    exposition: ['http_server_active_requests'],
    bareAggregation: 'last',
    recorded: 'job_instance:http_server_active_requests:sum',
    by: [],
  }),
  entry({
    name: 'cpu_usage',
    aliases: ['cpu_percent', 'cpu'],
    titles: ['cpu usage', 'cpu', 'cpu utilisation', 'cpu utilization'],
    description:
      'CPU busy, percent: of the container quota when one is set, else of the host (the monitor view)',
    instrument: 'otelkit.cpu.utilization',
    instrumentType: 'gauge',
    instrumentUnit: '1',
    unit: 'percent',
    grafanaUnit: 'percent',
    statistic: 'value',
    windowMillis: M5,
    series: { direct: 'otelkit_cpu_utilization', otlp: 'otelkit_cpu_utilization_ratio' },
    exposition: ['otelkit_cpu_utilization'],
    monitor: { metric: 'cpu_usage', factor: 1 },
    bareAggregation: 'last',
    recorded: 'job_instance:otelkit_cpu_usage:percent',
    by: [],
  }),
  entry({
    name: 'process_cpu_usage',
    aliases: ['process_cpu_percent'],
    titles: ['process cpu', 'process cpu usage'],
    description: 'CPU used by this process, percent of one core',
    instrument: 'process.cpu.utilization',
    instrumentType: 'gauge',
    instrumentUnit: '1',
    unit: 'percent',
    grafanaUnit: 'percent',
    statistic: 'value',
    windowMillis: M5,
    series: { direct: 'process_cpu_utilization', otlp: 'process_cpu_utilization_ratio' },
    exposition: ['process_cpu_utilization'],
    monitor: { metric: 'process_cpu_usage', factor: 1 },
    bareAggregation: 'last',
    recorded: 'job_instance:process_cpu_usage:percent',
    by: [],
  }),
  entry({
    name: 'memory_usage_bytes',
    aliases: ['rss_bytes', 'process_memory_bytes', 'memory_bytes'],
    titles: ['memory usage', 'memory', 'rss'],
    description: 'Resident memory of the process, bytes',
    instrument: 'process.memory.usage',
    instrumentType: 'gauge',
    instrumentUnit: 'By',
    unit: 'bytes',
    grafanaUnit: 'bytes',
    statistic: 'value',
    windowMillis: M5,
    series: { direct: 'process_memory_usage', otlp: 'process_memory_usage_bytes' },
    exposition: ['process_memory_usage'],
    monitor: { metric: 'process_rss', factor: 1 },
    bareAggregation: 'last',
    recorded: 'job_instance:process_memory_usage_bytes:value',
    by: [],
  }),
  entry({
    name: 'memory_usage',
    aliases: ['memory_percent'],
    titles: ['memory usage %', 'memory utilisation', 'memory utilization'],
    description: 'Memory used, percent: of the container limit when one is set, else of the host',
    instrument: 'otelkit.memory.utilization',
    instrumentType: 'gauge',
    instrumentUnit: '1',
    unit: 'percent',
    grafanaUnit: 'percent',
    statistic: 'value',
    windowMillis: M5,
    series: { direct: 'otelkit_memory_utilization', otlp: 'otelkit_memory_utilization_ratio' },
    exposition: ['otelkit_memory_utilization'],
    monitor: { metric: 'memory_usage', factor: 1 },
    bareAggregation: 'last',
    recorded: 'job_instance:otelkit_memory_usage:percent',
    by: [],
  }),
  entry({
    name: 'heap_used_bytes',
    aliases: ['heap_used'],
    titles: ['heap', 'heap used', 'v8 heap'],
    description: 'V8 heap used, bytes (all spaces)',
    instrument: 'v8js.memory.heap.used',
    instrumentType: 'gauge',
    instrumentUnit: 'By',
    unit: 'bytes',
    grafanaUnit: 'bytes',
    statistic: 'value',
    windowMillis: M5,
    series: { direct: 'v8js_memory_heap_used', otlp: 'v8js_memory_heap_used_bytes' },
    exposition: ['v8js_memory_heap_used'],
    monitor: { metric: 'heap_used', factor: 1 },
    bareAggregation: 'last',
    recorded: 'job_instance:v8js_memory_heap_used_bytes:sum',
    by: [],
  }),
  entry({
    name: 'event_loop_delay_seconds',
    aliases: ['event_loop_delay', 'eventloop_delay'],
    titles: ['event loop delay', 'event loop', 'event loop lag'],
    description: 'Event loop delay, 99th percentile over the sampling interval, seconds',
    instrument: 'nodejs.eventloop.delay.p99',
    instrumentType: 'gauge',
    instrumentUnit: 's',
    unit: 'seconds',
    grafanaUnit: 's',
    statistic: 'value',
    windowMillis: M5,
    series: { direct: 'nodejs_eventloop_delay_p99', otlp: 'nodejs_eventloop_delay_p99_seconds' },
    exposition: ['nodejs_eventloop_delay_p99'],
    monitor: { metric: 'event_loop_delay_p99_ms', factor: 0.001 },
    bareAggregation: 'last',
    recorded: 'job_instance:nodejs_eventloop_delay_p99_seconds:avg5m',
    by: [],
  }),
  entry({
    name: 'pool_utilisation',
    aliases: ['pool_utilization', 'connection_pool_usage', 'pool_usage'],
    titles: ['pool utilisation', 'pool utilization', 'connection pools', 'pools'],
    description: 'Connections in use / pool maximum, per registered pool (0-1)',
    instrument: 'otelkit.resource.connection_pool_usage',
    instrumentType: 'gauge',
    instrumentUnit: '1',
    unit: 'ratio',
    grafanaUnit: 'percentunit',
    statistic: 'value',
    windowMillis: M5,
    series: {
      direct: 'otelkit_resource_connection_pool_usage',
      otlp: 'otelkit_resource_connection_pool_usage_ratio',
    },
    exposition: ['otelkit_resource_connection_pool_usage'],
    bareAggregation: 'last',
    recorded: 'job_resource:otelkit_pool_utilisation:max',
    by: ['resource_id'],
  }),
]);

const byName = new Map<string, MetricCatalogEntry>();
for (const e of METRIC_CATALOG) {
  byName.set(e.name, e);
  for (const a of e.aliases) byName.set(a, e);
}

/** The catalog entry of a logical name or alias, or `undefined`. */
export function findCatalogEntry(name: string): MetricCatalogEntry | undefined {
  return byName.get(name);
}

/** The entry a panel title stands for ("Request Latency" → request_duration_seconds). */
export function catalogEntryForTitle(title: string): MetricCatalogEntry | undefined {
  const t = title.trim().toLowerCase();
  return METRIC_CATALOG.find((e) => e.titles.includes(t)) ?? byName.get(t.replace(/\s+/g, '_'));
}

/** Every logical name and alias, for messages and did-you-mean. */
export function catalogNames(): string[] {
  return [...byName.keys()];
}

/** "did you mean" over the catalog's names. */
export function suggestCatalogName(name: string): string | undefined {
  return didYouMean(name, catalogNames());
}

/** `s` with `{sel}` merged into a selector: `sel('x', 'a="b"')` → `x{a="b"}`. */
function sel(metric: string, ...matchers: Array<string | undefined>): string {
  const m = matchers.filter((x): x is string => Boolean(x));
  return m.length ? `${metric}{${m.join(',')}}` : metric;
}

function promDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A duration as Prometheus writes it (`300000` → `5m`). */
export function formatPromDuration(ms: number): string {
  return promDuration(ms);
}

export interface PromQLOptions {
  /** Label matchers added to every selector (`job=~"$service"`). */
  readonly matchers?: readonly string[];
  /** Override the entry's window. */
  readonly windowMillis?: number;
  /** Group by these labels (default: job, instance and the entry's `by`). */
  readonly by?: readonly string[];
}

/**
 * The PromQL of a logical metric on one path, in its logical unit: p95 for latency, per-second
 * rate for throughput, 5xx ratio for errors, percent for CPU and memory utilisation.
 */
export function catalogPromQL(
  e: MetricCatalogEntry,
  path: PrometheusPath,
  options: PromQLOptions = {},
): string {
  const s = e.series[path];
  const w = promDuration(options.windowMillis ?? e.windowMillis);
  const m = [...(options.matchers ?? [])];
  const base = options.by ?? (e.statistic === 'p95' ? ['job', ...e.by] : ['job', 'instance', ...e.by]);
  const by = base.join(', ');
  switch (e.name) {
    case 'request_duration_seconds':
      return `histogram_quantile(0.95, sum by (${[...base, 'le'].join(', ')}) (rate(${sel(`${s}_bucket`, ...m)}[${w}])))`;
    case 'request_rate':
      return `sum by (${by}) (rate(${sel(`${s}_count`, ...m)}[${w}]))`;
    case 'error_rate':
      return `(sum by (${by}) (rate(${sel(`${s}_count`, ...m, 'http_response_status_code=~"5.."')}[${w}])) or 0 * sum by (${by}) (rate(${sel(`${s}_count`, ...m)}[${w}]))) / sum by (${by}) (rate(${sel(`${s}_count`, ...m)}[${w}]))`;
    case 'cpu_usage':
    case 'memory_usage':
      // the container view when the monitor reports one, else the host view
      return `100 * max by (${by}) (${sel(s, ...m)})`;
    case 'process_cpu_usage':
      return `100 * sum by (${by}) (${sel(s, ...m)})`;
    case 'pool_utilisation':
      return `max by (${by}) (${sel(s, ...m)})`;
    default:
      return `sum by (${by}) (${sel(s, ...m)})`;
  }
}

/**
 * The PromQL for "share of observations in the window for which `value op threshold` holds"
 * (the seed's `threshold: 10` next to `request_duration_seconds > 1`): for latency, the share of
 * requests slower than the bound, read from the histogram's `le` bucket (exact when the bound is
 * a bucket boundary); for gauges, the share of evaluations in the window.
 */
export function catalogSharePromQL(
  e: MetricCatalogEntry,
  path: PrometheusPath,
  operator: string,
  value: number,
  windowMillis: number,
  options: PromQLOptions = {},
): string {
  const w = promDuration(windowMillis);
  const m = [...(options.matchers ?? [])];
  if (e.name === 'request_duration_seconds') {
    const s = e.series[path];
    const by = ['job', ...e.by].join(', ');
    const within = `sum by (${by}) (rate(${sel(`${s}_bucket`, ...m, `le="${value}"`)}[${w}]))`;
    const all = `sum by (${by}) (rate(${sel(`${s}_count`, ...m)}[${w}]))`;
    const slow = operator.startsWith('>') ? `(1 - ${within} / ${all})` : `(${within} / ${all})`;
    return slow;
  }
  const inner = catalogPromQL(e, path, options);
  return `avg_over_time(((${inner}) ${operator} bool ${value})[${w}:])`;
}
