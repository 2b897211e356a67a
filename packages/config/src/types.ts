/**
 * The normalised otelkit configuration: the one full form every package receives a slice of.
 *
 * What people write by hand (shorthand, strings such as `'10s'`, `sampler: 0.1`,
 * `outputs: ['console', 'file']`) is described by {@link OtelkitConfigInput}; `loadConfig()`
 * turns it into this form, fills every default, and deep-freezes it.
 */

import type { ConfigIssue } from './errors';
import type { DashboardConfig, DashboardInput } from './slices/dashboard';
import type { MonitoringConfig, MonitoringInput } from './slices/monitoring';
import type { PoolsConfig, PoolsInput } from './slices/pools';
import type { ResourceDetectorName } from './slices/resource-detectors';

export type {
  DashboardAuthConfig,
  DashboardBasicAuth,
  DashboardBufferConfig,
  DashboardConfig,
  DashboardCustomAuth,
  DashboardInput,
} from './slices/dashboard';

export type {
  AnomalyDetectorSettings,
  DiscoverableResourceKind,
  PoolAnomalyConfig,
  PoolAnomalyWatchConfig,
  PoolsConfig,
  PoolsInput,
  PoolThresholdConfig,
  ResourceKindName,
} from './slices/pools';

/** pino level names. `'silent'` turns logging off without removing the outputs. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** OpenTelemetry's own diagnostic log level (`OTEL_LOG_LEVEL`). */
export type DiagLogLevelName = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

/** OTLP wire protocols, as named by `OTEL_EXPORTER_OTLP_PROTOCOL`. */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

export type Compression = 'none' | 'gzip';

/** A scalar resource attribute value. */
export type AttributeScalar = string | number | boolean;

/** Who the telemetry is about: becomes the OpenTelemetry resource. */
export interface ServiceConfig {
  /** `service.name`. @default 'unknown_service:node' */
  readonly name: string;
  /** `service.version` */
  readonly version?: string;
  /** `deployment.environment.name` */
  readonly environment?: string;
  /** `service.namespace` */
  readonly namespace?: string;
  /** `service.instance.id` */
  readonly instanceId?: string;
  /** Extra resource attributes, e.g. `{ 'cloud.region': 'eu-west-1' }`. */
  readonly attributes: Readonly<Record<string, AttributeScalar>>;
  /**
   * Resource detectors run next to these fields (`OTEL_NODE_RESOURCE_DETECTORS`); the service
   * fields win over what they detect. @default all: host, os, process, serviceinstance, container
   */
  readonly detectors: readonly ResourceDetectorName[];
}

/** Where and how an OTLP exporter sends. `endpoint` is the full URL the exporter posts to. */
export interface OtlpEndpointConfig {
  /**
   * Full URL. For HTTP protocols it includes the signal path (`/v1/traces`, `/v1/metrics`,
   * `/v1/logs`); for gRPC it is `scheme://host:port`.
   */
  readonly endpoint: string;
  /**
   * Send to a link-local, cloud metadata or unspecified address (169.254.0.0/16, fe80::/10,
   * fd00:ec2::254, 100.100.100.200, metadata.google.internal, 0.0.0.0, ::), refused otherwise:
   * such an endpoint is how a mistyped or injected URL reaches instance credentials. Absent unless `true`.
   */
  readonly allowLinkLocal?: true;
  /** @default 'http/protobuf' */
  readonly protocol: OtlpProtocol;
  /** Extra request headers (e.g. an API key). Masked in the startup summary. */
  readonly headers: Readonly<Record<string, string>>;
  /** @default 'none' */
  readonly compression: Compression;
  /** Per-export request timeout. @default 10000 */
  readonly timeoutMillis: number;
}

// ---------------------------------------------------------------------------------------------
// tracing

export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

export interface SamplerConfig {
  readonly type: SamplerName;
  /** Used by the `*traceidratio` samplers; 1 otherwise. */
  readonly ratio: number;
}

export interface OtlpTraceExporterConfig extends OtlpEndpointConfig {
  readonly type: 'otlp';
}

/** Jaeger's native OTLP intake (Jaeger ≥ 1.35 receives OTLP on 4318/4317). */
export interface JaegerOtlpTraceExporterConfig extends OtlpEndpointConfig {
  readonly type: 'jaeger';
}

export interface ZipkinTraceExporterConfig {
  readonly type: 'zipkin';
  /** @default 'http://localhost:9411/api/v2/spans' */
  readonly endpoint: string;
  /**
   * Send to a link-local, cloud metadata or unspecified address (169.254.0.0/16, fe80::/10,
   * fd00:ec2::254, 100.100.100.200, metadata.google.internal, 0.0.0.0, ::), refused otherwise:
   * such an endpoint is how a mistyped or injected URL reaches instance credentials. Absent unless `true`.
   */
  readonly allowLinkLocal?: true;
  readonly headers: Readonly<Record<string, string>>;
  /** @default 10000 */
  readonly timeoutMillis: number;
}

export interface ConsoleExporterConfig {
  readonly type: 'console';
}

/** Keeps finished spans in memory (tests, and the in-process dashboard). Bounded. */
export interface MemoryTraceExporterConfig {
  readonly type: 'memory';
  /** Oldest spans are evicted past this many (and counted). @default 1000 */
  readonly maxSpans: number;
}

export type TraceExporterConfig =
  | OtlpTraceExporterConfig
  | JaegerOtlpTraceExporterConfig
  | ZipkinTraceExporterConfig
  | ConsoleExporterConfig
  | MemoryTraceExporterConfig;

export type PropagatorName = 'tracecontext' | 'baggage' | 'b3' | 'b3multi' | 'jaeger';

/** BatchSpanProcessor limits (`OTEL_BSP_*`). */
export interface BatchConfig {
  /** Spans beyond this are dropped and counted. @default 2048 */
  readonly maxQueueSize: number;
  /** @default 512 */
  readonly maxExportBatchSize: number;
  /** @default 5000 */
  readonly scheduledDelayMillis: number;
  /** @default 30000 */
  readonly exportTimeoutMillis: number;
}

export interface TracingConfig {
  /** @default true */
  readonly enabled: boolean;
  /** @default { type: 'parentbased_always_on', ratio: 1 } */
  readonly sampler: SamplerConfig;
  /** Several at once are allowed; `[]` creates and propagates spans without exporting them. @default [{ type: 'otlp', endpoint: 'http://localhost:4318/v1/traces' }] */
  readonly exporters: readonly TraceExporterConfig[];
  /** @default ['tracecontext', 'baggage'] */
  readonly propagators: readonly PropagatorName[];
  readonly batch: BatchConfig;
  /** Budget for `shutdown()`, flush included. @default 5000 */
  readonly shutdownTimeoutMillis: number;
  /**
   * Longest string attribute value (span attributes, event attributes, `exception.message`):
   * longer ones are cut to this many characters. `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT` /
   * `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`. @default 4096
   */
  readonly attributeValueLengthLimit: number;
}

// ---------------------------------------------------------------------------------------------
// metrics

export interface PrometheusExporterConfig {
  readonly type: 'prometheus';
  /**
   * `'server'`: otelkit's own HTTP listener on host:port/path. `'handler'`: no listener; mount
   * the `(req, res)` handler on your own server. @default 'server'
   */
  readonly mode: 'server' | 'handler';
  /** @default '127.0.0.1' */
  readonly host: string;
  /** @default 9464 */
  readonly port: number;
  /** @default '/metrics' */
  readonly path: string;
  /**
   * Further paths the own listener serves the same exposition at (the seed's `custom` collector
   * `path`). Absent unless given.
   */
  readonly extraPaths?: readonly string[];
  /**
   * Credentials a scrape must bring (otherwise 401 with `WWW-Authenticate`); Prometheus sends them
   * with `basic_auth` or `authorization` (bearer) in its scrape config. Absent: no check — bind to
   * loopback then (the default); a listener on another address without it warns at startup.
   */
  readonly auth?: PrometheusAuthConfig;
}

/** Credentials of the Prometheus listener. */
export type PrometheusAuthConfig =
  | { readonly type: 'basic'; readonly username: string; readonly password: string }
  | { readonly type: 'bearer'; readonly token: string };

/** OTLP metric temporality preference (the spec's three values). */
export type MetricTemporality = 'cumulative' | 'delta' | 'lowmemory';

export interface OtlpMetricExporterConfig extends OtlpEndpointConfig {
  readonly type: 'otlp';
  /**
   * `cumulative`, `delta`, or `lowmemory` (delta for counters and histograms, cumulative for
   * up-down counters and gauges: the spec's memory-saving choice). `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`.
   * @default 'cumulative'
   */
  readonly temporality: MetricTemporality;
}

export type MetricExporterConfig =
  | PrometheusExporterConfig
  | OtlpMetricExporterConfig
  | ConsoleExporterConfig;

/** A view: change the buckets, keep only some attributes, or rename one instrument's stream. */
export interface MetricViewConfig {
  /** Instrument name; `*` wildcards allowed. */
  readonly instrument: string;
  readonly name?: string;
  readonly description?: string;
  /** Explicit histogram bucket boundaries, ascending. */
  readonly buckets?: readonly number[];
  /** Attribute keys to keep (all others dropped). */
  readonly attributes?: readonly string[];
  /** Drop the instrument entirely. */
  readonly drop?: boolean;
}

export interface MetricsConfig {
  /** @default true */
  readonly enabled: boolean;
  /**
   * Push exporters export this often; for Prometheus (pull) it is the intended scrape interval,
   * used by the generated deploy configs. @default 60000
   */
  readonly exportIntervalMillis: number;
  /** @default 30000 */
  readonly exportTimeoutMillis: number;
  /** @default [{ type: 'prometheus', mode: 'server', host: '127.0.0.1', port: 9464, path: '/metrics' }] */
  readonly exporters: readonly MetricExporterConfig[];
  /** Attribute sets per instrument before new ones fold into one overflow series. @default 2000 */
  readonly cardinalityLimit: number;
  /** Default bucket boundaries (seconds) for duration histograms. */
  readonly durationBuckets: readonly number[];
  readonly views: readonly MetricViewConfig[];
  readonly http: {
    /** Paths never measured (exact, or a prefix ending in `*`). @default the metrics and health paths */
    readonly ignorePaths: readonly string[];
    /**
     * Whether otelkit's HTTP middleware starts the SERVER span of a request. Decided once, by
     * `loadConfig`: off when the `http` auto-instrumentation is on (it makes that span, and the
     * middleware names it by route), on otherwise — so a request has exactly one SERVER span.
     * @default !instrumentations.enabled.includes('http')
     */
    readonly serverSpans: boolean;
  };
  /** Budget for `shutdown()`, flush included. @default 5000 */
  readonly shutdownTimeoutMillis: number;
}

// ---------------------------------------------------------------------------------------------
// logging

export interface ConsoleLogOutputConfig {
  readonly type: 'console';
  /** @default 'stdout' */
  readonly stream: 'stdout' | 'stderr';
}

export interface FileRotationConfig {
  /** Rotate when the file reaches this size, in bytes (config accepts `'10MB'`). */
  readonly maxSizeBytes?: number;
  /** Rotate this often (config accepts `'1d'`). */
  readonly intervalMillis?: number;
  /** Rotated files kept, older ones pruned (including those left by earlier runs). @default 5 */
  readonly maxFiles: number;
}

export interface FileLogOutputConfig {
  readonly type: 'file';
  /** @default `./logs/<service.name>.log` */
  readonly path: string;
  /** Create the directory when missing. @default true */
  readonly mkdir: boolean;
  /** `null` when the file is never rotated. @default null */
  readonly rotation: FileRotationConfig | null;
}

export interface ElasticsearchLogOutputConfig {
  readonly type: 'elasticsearch';
  /** Elasticsearch URL (with `nodes`: the first of them). @default 'http://localhost:9200' */
  readonly node: string;
  /**
   * Every node of the cluster, `node` first, when more than one is given (`nodes: [...]`): a
   * `_bulk` that fails on one node (network error, timeout, 429/5xx) is retried on the next.
   */
  readonly nodes?: readonly string[];
  /**
   * Send to a link-local, cloud metadata or unspecified address (169.254.0.0/16, fe80::/10,
   * fd00:ec2::254, 100.100.100.200, metadata.google.internal, 0.0.0.0, ::), refused otherwise:
   * such an endpoint is how a mistyped or injected URL reaches instance credentials. Absent unless `true`.
   */
  readonly allowLinkLocal?: true;
  /** Index or data stream name. @default `logs-<service.name>-default` (a data stream) */
  readonly index: string;
  /** Write with `create` into a data stream instead of `index` into an index. @default true */
  readonly dataStream: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly auth:
    | { readonly username: string; readonly password: string }
    | { readonly apiKey: string }
    | null;
  /** @default 1000 */
  readonly flushIntervalMillis: number;
  /** Documents per `_bulk` request. @default 500 */
  readonly maxBatchSize: number;
  /** Lines held while Elasticsearch is slow or down; past it lines are dropped and counted. @default 10000 */
  readonly maxBufferedLines: number;
  /** Retries on 429/5xx/network errors, with backoff. @default 3 */
  readonly maxRetries: number;
  /** @default 10000 */
  readonly timeoutMillis: number;
}

export interface OtlpLogOutputConfig extends OtlpEndpointConfig {
  readonly type: 'otlp';
}

export type LogOutputConfig =
  | ConsoleLogOutputConfig
  | FileLogOutputConfig
  | ElasticsearchLogOutputConfig
  | OtlpLogOutputConfig;

export interface RedactConfig {
  /** @default true */
  readonly enabled: boolean;
  /** pino redact paths; the defaults cover common secrets at the top level and one/two levels down. */
  readonly paths: readonly string[];
  /** @default '[REDACTED]' */
  readonly censor: string;
}

export interface LoggingConfig {
  /** @default true */
  readonly enabled: boolean;
  /** @default 'info' */
  readonly level: LogLevel;
  /** `json` is pino's own format (`'structured'` is accepted as an alias). @default 'json' */
  readonly format: 'json' | 'ecs' | 'pretty';
  /** Add trace_id / span_id / trace_flags of the active span to every line. @default true */
  readonly correlation: boolean;
  /** @default [{ type: 'console', stream: 'stdout' }] */
  readonly outputs: readonly LogOutputConfig[];
  readonly redact: RedactConfig;
}

// ---------------------------------------------------------------------------------------------
// resources, alerts, health

import type { ThresholdConfig, ThresholdDirection } from './fields/threshold';

export type { ThresholdConfig, ThresholdDirection } from './fields/threshold';

export interface ResourcesConfig {
  /** @default true */
  readonly enabled: boolean;
  /** Sampling interval. Config accepts `'5s'` or seconds as a bare number. @default 5000 */
  readonly intervalMillis: number;
  /** Samples kept per metric (ring buffer). @default 720 */
  readonly historySize: number;
  /** Measure CPU and memory against cgroup limits when present. @default true */
  readonly containerAware: boolean;
  /**
   * Keyed by metric name (`cpu_usage`, `memory_usage`, …). A bare number is a `warning` level
   * with direction `above`.
   */
  readonly thresholds: Readonly<Record<string, ThresholdConfig>>;
}

export type ComparisonOperator = '>' | '>=' | '<' | '<=' | '==' | '!=';

export type ConditionAggregation = 'last' | 'avg' | 'min' | 'max' | 'p50' | 'p95' | 'p99' | 'rate';

/** A parsed alert condition such as `p95(request_duration_seconds) > 1`. */
export interface ParsedCondition {
  readonly metric: string;
  /** @default 'last' */
  readonly aggregation: ConditionAggregation;
  readonly operator: ComparisonOperator;
  /** In bytes when the condition gave a byte unit (`> 1GB` → 1e9). */
  readonly value: number;
  /** `'bytes'` when the value was written with a byte unit (`1GB`, `512MiB`). */
  readonly unit?: 'bytes';
}

export interface AlertRuleConfig {
  readonly name: string;
  /** As written, e.g. `'request_duration_seconds > 1'`. */
  readonly condition: string;
  readonly parsed: ParsedCondition;
  /**
   * Fire when more than this share (0..1) of the observations in the window meet the condition,
   * instead of comparing one aggregate: the seed's `threshold: 10` (percent) next to
   * `request_duration_seconds > 1` is "more than 10 % of requests slower than 1 s". Unset: the
   * aggregate (`parsed.aggregation`, or the catalog's statistic for a bare logical name) is compared.
   */
  readonly share?: number;
  /** @default 0 */
  readonly forMillis: number;
  /** The window an aggregation (`p95(...)`, `rate(...)`) is computed over. @default 60000 */
  readonly windowMillis: number;
  /** @default 'warning' */
  readonly severity: 'warning' | 'critical';
  readonly message?: string;
  readonly runbook?: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface WebhookConfig {
  readonly url: string;
  /**
   * Send to a link-local, cloud metadata or unspecified address (169.254.0.0/16, fe80::/10,
   * fd00:ec2::254, 100.100.100.200, metadata.google.internal, 0.0.0.0, ::), refused otherwise:
   * such an endpoint is how a mistyped or injected URL reaches instance credentials. Absent unless `true`.
   */
  readonly allowLinkLocal?: true;
  readonly headers: Readonly<Record<string, string>>;
  /** @default 5000 */
  readonly timeoutMillis: number;
  /** @default 3 */
  readonly maxRetries: number;
}

export interface AlertsConfig {
  readonly rules: readonly AlertRuleConfig[];
  /** JSON POST per alert event; redirects are never followed. */
  readonly webhooks: readonly WebhookConfig[];
  /** Log every alert event through the logger. @default true */
  readonly log: boolean;
}

export interface HealthConfig {
  /** @default true */
  readonly enabled: boolean;
  /** JSON detail of every check. @default '/health' */
  readonly path: string;
  /** @default '/health/live' */
  readonly livenessPath: string;
  /** @default '/health/ready' */
  readonly readinessPath: string;
  /** A check that has not answered by then counts as failed. @default 2000 */
  readonly checkTimeoutMillis: number;
  /** A check result is reused this long. @default 1000 */
  readonly cacheMillis: number;
  /** Built-in liveness check: event-loop delay p99 above this is unhealthy. @default 1000 */
  readonly maxEventLoopDelayMillis: number;
  /** Built-in readiness check: memory (vs the container limit when known) above this is not ready. @default 95 */
  readonly maxMemoryPercent: number;
  /**
   * Built-in readiness check `alerts`: a critical alert on a host-wide figure (host CPU or memory,
   * load average; `cpu_usage`/`memory_usage` when no container limit makes them the process's
   * own) fails readiness only when this is true: a busy host is not this process being unready.
   * @default false
   */
  readonly hostAlertsAffectReadiness: boolean;
}

export interface ShutdownConfig {
  /** One budget for the whole ordered shutdown. @default 5000 */
  readonly timeoutMillis: number;
  /** Flush and exit with 128+signal on SIGTERM/SIGINT when the app has no handler of its own. @default true */
  readonly handleSignals: boolean;
}

/** Libraries `@otelkit/service/register` instruments automatically. */
export type InstrumentationName = 'http' | 'undici' | 'pg' | 'ioredis' | 'amqplib' | 'express' | 'fastify';

export interface InstrumentationsConfig {
  /** Which auto-instrumentations the `register` entry (and `instrument()`) turn on. @default all of them */
  readonly enabled: readonly InstrumentationName[];
}

export interface DiagnosticsConfig {
  /** OpenTelemetry `diag` level (`OTEL_LOG_LEVEL`). @default 'warn' */
  readonly logLevel: DiagLogLevelName;
  /** Print the startup summary at info level (it is always available at debug). @default false */
  readonly printSummary: boolean;
}

/** The normalised, frozen configuration. */
export interface OtelkitConfig {
  /** `false` when `OTEL_SDK_DISABLED=true`: every signal becomes a no-op. @default true */
  readonly enabled: boolean;
  readonly service: ServiceConfig;
  readonly logging: LoggingConfig;
  readonly metrics: MetricsConfig;
  readonly tracing: TracingConfig;
  readonly resources: ResourcesConfig;
  readonly alerts: AlertsConfig;
  readonly health: HealthConfig;
  readonly shutdown: ShutdownConfig;
  readonly instrumentations: InstrumentationsConfig;
  readonly diagnostics: DiagnosticsConfig;
  /** The resource manager (pools, clients, queues): see `slices/pools.ts`. */
  readonly pools: PoolsConfig;
  /** The backend that watches the service (Prometheus, Grafana, Alertmanager): see `slices/monitoring.ts`. */
  readonly monitoring: MonitoringConfig;
  /** The live monitoring page of `@otelkit/dashboard`: see `slices/dashboard.ts`. */
  readonly dashboard: DashboardConfig;
}

// ---------------------------------------------------------------------------------------------
// input (what people write)

/**
 * A name from a fixed list, or any string: a config object kept in a `const` without `as const`
 * widens its strings, and it must still type-check (the names are checked at run time, with the
 * allowed values in the error). Editors still offer the names.
 */
export type Named<T extends string> = T | (string & {});

/** A duration: `'500ms' | '10s' | '5m' | '1h' | '1d' | '2w'`, or a number in the unit the field names. */
export type DurationInput = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w'}` | (string & {});

/** A size: `'10MB' | '512KiB'` or a number of bytes. */
export type ByteSizeInput = number | string;

type OtlpEndpointInput = {
  /** A base URL (`http://collector:4318`, the signal path is appended) or a full one. */
  endpoint?: string;
  /** Allow a link-local / cloud metadata / unspecified address as the endpoint (refused otherwise). */
  allowLinkLocal?: boolean;
  protocol?: OtlpProtocol;
  headers?: Record<string, string>;
  compression?: Compression;
  timeout?: DurationInput;
  timeoutMillis?: number;
};

export type TraceExporterInput =
  | Named<'otlp' | 'jaeger' | 'zipkin' | 'console' | 'memory' | 'none'>
  | ({ type: 'otlp' | 'jaeger' } & OtlpEndpointInput)
  | {
      type: 'zipkin';
      endpoint?: string;
      allowLinkLocal?: boolean;
      headers?: Record<string, string>;
      timeout?: DurationInput;
      timeoutMillis?: number;
    }
  | { type: 'console' }
  | { type: 'memory'; maxSpans?: number };

export interface TracingInput {
  enabled?: boolean;
  /** A ratio 0..1 (parent-based), a sampler name, or `{ type, ratio }`. */
  sampler?: number | Named<SamplerName> | { type: SamplerName; ratio?: number };
  /** One exporter (shorthand for `exporters: [x]`). */
  exporter?: TraceExporterInput;
  exporters?: TraceExporterInput[];
  propagators?: Named<PropagatorName>[];
  batch?: Partial<BatchConfig>;
  shutdownTimeout?: DurationInput;
  shutdownTimeoutMillis?: number;
  /** Longest string attribute value, in characters. @default 4096 */
  attributeValueLengthLimit?: number;
}

export type MetricExporterInput =
  /** Backends, or transports (these need `collectors`: `http` = Prometheus' own listener / OTLP over http/protobuf). */
  | Named<
      'prometheus' | 'otlp' | 'console' | 'none' | 'http' | 'handler' | 'grpc' | 'http/json' | 'http/protobuf'
    >
  | {
      type: 'prometheus';
      mode?: 'server' | 'handler';
      host?: string;
      port?: number;
      path?: string;
      /** `{ username, password }` (Basic) or `{ type: 'bearer', token }`: scrapes without them get 401. */
      auth?: { type?: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };
    }
  | ({ type: 'otlp'; temporality?: MetricTemporality } & OtlpEndpointInput)
  | { type: 'console' };

export interface MetricsInput {
  enabled?: boolean;
  /** Backends: `['prometheus']`, `['otlp']`, … (paired with transports in `exporters`). */
  collectors?: Array<Named<'prometheus' | 'otlp' | 'console'>>;
  exporters?: MetricExporterInput[];
  /** Export / collection interval; a bare number is seconds. */
  interval?: DurationInput;
  exportIntervalMillis?: number;
  exportTimeout?: DurationInput;
  exportTimeoutMillis?: number;
  cardinalityLimit?: number;
  durationBuckets?: number[];
  views?: MetricViewConfig[];
  /** `serverSpans`: leave it unset (decided from `instrumentations`), or `false` to never start one. */
  http?: { ignorePaths?: string[]; serverSpans?: boolean };
  shutdownTimeout?: DurationInput;
  shutdownTimeoutMillis?: number;
}

export type LogOutputInput =
  | Named<'console' | 'stdout' | 'stderr' | 'file' | 'elasticsearch' | 'otlp'>
  | { type: 'console'; stream?: 'stdout' | 'stderr' }
  | {
      type: 'file';
      path?: string;
      mkdir?: boolean;
      rotation?: {
        maxSize?: ByteSizeInput;
        maxSizeBytes?: number;
        interval?: DurationInput;
        intervalMillis?: number;
        maxFiles?: number;
      };
    }
  | {
      type: 'elasticsearch';
      node?: string;
      /** Several nodes of one cluster (instead of `node`): failover on a failed `_bulk`. */
      nodes?: string[];
      /** Allow a link-local / cloud metadata / unspecified address as a node (refused otherwise). */
      allowLinkLocal?: boolean;
      index?: string;
      dataStream?: boolean;
      headers?: Record<string, string>;
      auth?: { username: string; password: string } | { apiKey: string };
      flushInterval?: DurationInput;
      flushIntervalMillis?: number;
      maxBatchSize?: number;
      maxBufferedLines?: number;
      maxRetries?: number;
      timeout?: DurationInput;
      timeoutMillis?: number;
    }
  | ({ type: 'otlp' } & OtlpEndpointInput);

export interface LoggingInput {
  enabled?: boolean;
  /** Any case: `'INFO'`, `'info'`; `'warning'` and `'critical'` are accepted too. */
  level?: string;
  format?: Named<'json' | 'structured' | 'ecs' | 'pretty'>;
  correlation?: boolean;
  outputs?: LogOutputInput[];
  /** `false` turns redaction off; a list adds paths to the defaults. */
  redact?:
    | boolean
    | string[]
    | { enabled?: boolean; paths?: string[]; censor?: string; replaceDefaults?: boolean };
}

export type ThresholdInput =
  | number
  | {
      /** A number, or a byte size with its unit (`'512MiB'`). */
      warning?: number | string;
      critical?: number | string;
      direction?: ThresholdDirection;
      for?: DurationInput;
      forMillis?: number;
      hysteresis?: number;
      message?: string;
    };

export interface ResourcesInput {
  enabled?: boolean;
  /** A bare number is seconds. */
  interval?: DurationInput;
  intervalMillis?: number;
  historySize?: number;
  containerAware?: boolean;
  thresholds?: Record<string, ThresholdInput>;
}

export interface AlertRuleInput {
  name: string;
  condition: string;
  for?: DurationInput;
  forMillis?: number;
  /** The seed's name of `for`. */
  duration?: DurationInput;
  /** The seed's percentage (0-100] of observations in the window that must meet the condition. */
  threshold?: number;
  /** The same as a fraction (`0.1`) or `'10%'`. */
  share?: number | string;
  /** Aggregation window; a bare number is seconds. @default '1m' */
  window?: DurationInput;
  windowMillis?: number;
  severity?: Named<'warning' | 'critical'>;
  message?: string;
  runbook?: string;
  labels?: Record<string, string>;
}

export interface WebhookInput {
  url: string;
  /** Allow a link-local / cloud metadata / unspecified address as the endpoint (refused otherwise). */
  allowLinkLocal?: boolean;
  headers?: Record<string, string>;
  timeout?: DurationInput;
  timeoutMillis?: number;
  maxRetries?: number;
}

export type AlertsInput =
  | AlertRuleInput[]
  | { rules?: AlertRuleInput[]; webhooks?: Array<string | WebhookInput>; log?: boolean };

export interface HealthInput {
  enabled?: boolean;
  path?: string;
  livenessPath?: string;
  readinessPath?: string;
  checkTimeout?: DurationInput;
  checkTimeoutMillis?: number;
  cache?: DurationInput;
  cacheMillis?: number;
  maxEventLoopDelay?: DurationInput;
  maxEventLoopDelayMillis?: number;
  maxMemoryPercent?: number;
  hostAlertsAffectReadiness?: boolean;
}

export interface ServiceInput {
  name?: string;
  version?: string;
  environment?: string;
  namespace?: string;
  instanceId?: string;
  attributes?: Record<string, AttributeScalar>;
  /** `true`/`'all'`, `false`/`'none'`, or a list of detector names. */
  detectors?: boolean | 'all' | 'none' | ResourceDetectorName[];
}

/** What you write: every field optional, shorthand welcome. See the package README. */
export interface OtelkitConfigInput {
  enabled?: boolean;
  service?: ServiceInput;
  logging?: LoggingInput;
  metrics?: MetricsInput;
  tracing?: TracingInput;
  resources?: ResourcesInput;
  alerts?: AlertsInput;
  health?: HealthInput;
  shutdown?: { timeout?: DurationInput; timeoutMillis?: number; handleSignals?: boolean };
  /** A list of libraries to instrument, `false` for none, or `{ pg: false, ... }` to turn some off. */
  instrumentations?: Named<InstrumentationName>[] | boolean | Partial<Record<InstrumentationName, boolean>>;
  diagnostics?: { logLevel?: DiagLogLevelName | Uppercase<DiagLogLevelName>; printSummary?: boolean };
  /** The resource manager: `true`, or its options (writing the section turns it on). */
  pools?: PoolsInput | boolean;
  /** The Monitoring Setup Guide's document: collectors, storage, visualization, alertmanager. */
  monitoring?: MonitoringInput;
  /** The live monitoring page: `true`, or its options (writing the section turns it on). */
  dashboard?: DashboardInput | boolean;
}

/** Options of {@link loadConfig}. Precedence, lowest first: defaults < file < `config` < env < `overrides`. */
export interface LoadConfigOptions {
  /**
   * The config written in code (what `startMonitoring(config)` receives). Applied over the file.
   * A config `loadConfig` returned is taken as it is (its layers are already applied).
   */
  config?: OtelkitConfigInput | OtelkitConfig;
  /**
   * A YAML or JSON file. `true`/omitted: use `OTELKIT_CONFIG` when set. `false`: never read a file.
   */
  file?: string | boolean;
  /** Environment to read OTEL_* variables from. @default process.env; pass `{}` to ignore the environment. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Explicit overrides in code: win over everything, the environment included. */
  overrides?: OtelkitConfigInput;
  /** Directory relative paths (the config file, default log file) resolve against. @default process.cwd() */
  cwd?: string;
  /**
   * Called for each invalid `OTEL_*` environment value, which is ignored (as the OpenTelemetry spec
   * says: warn and use the default). Code and file values are never lenient: they throw
   * ConfigError. @default a process warning (`OtelkitConfigWarning`, code `OTELKIT_ENV_INVALID`),
   * once per variable and message
   */
  onWarning?: (warning: ConfigIssue) => void;
}
