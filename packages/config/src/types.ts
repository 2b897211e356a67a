/**
 * The normalised otelkit configuration: the one full form every package receives a slice of.
 *
 * What people write by hand (shorthand, strings such as `'10s'`, `sampler: 0.1`,
 * `outputs: ['console', 'file']`) is described by {@link OtelkitConfigInput}; `loadConfig()`
 * turns it into this form, fills every default, and deep-freezes it.
 */

import type { ConfigIssue } from './errors';
import type { InputOf } from './fields/zod-fields';
import type { configInputSchema } from './schema';
import type { DashboardConfig } from './slices/dashboard';
import type { LoggingConfig } from './slices/logging';
import type { MetricsConfig } from './slices/metrics';
import type { MonitoringConfig } from './slices/monitoring';
import type { PoolsConfig } from './slices/pools';
import type { DiagnosticsConfig, InstrumentationsConfig, ShutdownConfig } from './slices/process';
import type { AlertsConfig, HealthConfig, ResourcesConfig } from './slices/resources';
import type { ServiceConfig } from './slices/service';
import type { TracingConfig } from './slices/tracing';

export type { ByteSizeInput, DurationInput, Named } from './fields/input-types';
export type { Compression, OtlpEndpointConfig, OtlpEndpointInput, OtlpProtocol } from './fields/otlp';
export type {
  DashboardAuthConfig,
  DashboardBasicAuth,
  DashboardBufferConfig,
  DashboardConfig,
  DashboardCustomAuth,
  DashboardInput,
} from './slices/dashboard';
export type {
  ConsoleLogOutputConfig,
  ElasticsearchApiKeyCredentials,
  ElasticsearchBasicCredentials,
  ElasticsearchLogOutputConfig,
  FileLogOutputConfig,
  FileRotationConfig,
  LoggingConfig,
  LoggingInput,
  LogLevel,
  LogOutputConfig,
  LogOutputInput,
  OtlpLogOutputConfig,
  RedactConfig,
} from './slices/logging';
export type {
  MetricExporterConfig,
  MetricExporterInput,
  MetricsConfig,
  MetricsInput,
  MetricTemporality,
  MetricViewConfig,
  OtlpMetricExporterConfig,
  PrometheusAuthConfig,
  PrometheusExporterConfig,
} from './slices/metrics';
export type {
  AnomalyDetectorSettings,
  DiscoverableResourceKind,
  PoolAnomalyConfig,
  PoolAnomalyWatchConfig,
  PoolsConfig,
  PoolsInput,
  PoolThresholdConfig,
  PoolThresholdInput,
  ResourceKindName,
} from './slices/pools';
export type {
  DiagLogLevelName,
  DiagnosticsConfig,
  DiagnosticsInput,
  InstrumentationName,
  InstrumentationSwitches,
  InstrumentationsConfig,
  InstrumentationsInput,
  ShutdownConfig,
  ShutdownInput,
} from './slices/process';
export type {
  AlertRuleConfig,
  AlertRuleInput,
  AlertsConfig,
  AlertsInput,
  ComparisonOperator,
  ConditionAggregation,
  HealthConfig,
  HealthInput,
  ParsedCondition,
  ResourcesConfig,
  ResourcesInput,
  ThresholdConfig,
  ThresholdDirection,
  ThresholdInput,
  WebhookConfig,
  WebhookInput,
} from './slices/resources';
export type { AttributeScalar, ServiceConfig, ServiceInput } from './slices/service';
export type {
  BatchConfig,
  ConsoleExporterConfig,
  JaegerOtlpTraceExporterConfig,
  MemoryTraceExporterConfig,
  OtlpTraceExporterConfig,
  PropagatorName,
  SamplerConfig,
  SamplerName,
  TraceExporterConfig,
  TraceExporterInput,
  TracingConfig,
  TracingInput,
  ZipkinTraceExporterConfig,
} from './slices/tracing';

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

/**
 * What you write: every field optional, shorthand welcome. See the package README. Derived from
 * the schema (`schema.ts` composing each slice's schema), so the type and the parser are one.
 */
export type OtelkitConfigInput = InputOf<typeof configInputSchema>;

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
