export type { AbortableAgents } from './abort-exports';
export { abortableAgents, abortExports, withAbort } from './abort-exports';
export type { BoundedRequestOptions, BoundedResponse } from './bounded-request';
export { boundedRequest, MIN_RETRY_AFTER_MILLIS, retryAfterMillis } from './bounded-request';
export { BoundedRing } from './bounded-ring';
export type {
  CatalogStatistic,
  CatalogUnit,
  MetricCatalogEntry,
  PrometheusPath,
  PromQLOptions,
} from './catalog';
export {
  catalogEntryForTitle,
  catalogNames,
  catalogPromQL,
  catalogSharePromQL,
  findCatalogEntry,
  formatPromDuration,
  METRIC_CATALOG,
  PROMETHEUS_PATHS,
  suggestCatalogName,
} from './catalog';
export { AGGREGATIONS, ConditionParseError, parseCondition } from './condition';
export type { DecoratorMode } from './decorator-mode';
export { decoratorMode, isStandardDecoratorContext } from './decorator-mode';
export { parseByteSize, parseDuration } from './duration';
export { ENV_VARIABLES } from './env';
export type { ConfigIssue, ConfigSource } from './errors';
export { ConfigError, ConfigErrorCode } from './errors';
export { byteFactor, parseLevel } from './fields/byte-size';
export { unsafeEndpointProblem } from './fields/endpoint-safety';
export { INSTRUMENT_NAME_RULE, isInstrumentName } from './fields/instrument-name';
export type { IntegerRange } from './fields/integer';
export { checkInteger } from './fields/integer';
export { LOG_LEVEL_ALLOWED, LOG_LEVELS, toLogLevel } from './fields/log-level';
export { checkOptionKeys } from './fields/option-keys';
export { DEFAULT_OTLP } from './fields/otlp';
export { readConfigFile } from './file';
export type { HttpCredentials } from './http-credentials';
export { credentialChallenge, credentialCheck } from './http-credentials';
export { defineConfig, isLoadedConfig, loadConfig } from './load';
export { hardenOtlpRetries } from './otlp-retry';
export type { RateLimitedLog } from './rate-limited-diag';
export { createRateLimitedLog } from './rate-limited-diag';
export { REDACTED, redactText, SECRET_QUERY_PARAM } from './redact-text';
export { toResourceAttributes } from './resource';
export { DEFAULT_REDACT_PATHS, SECRET_KEYS } from './secret-keys';
export type { SettledWithin } from './settle-within';
export { keepAliveUntilSettled, settleWithin } from './settle-within';
export {
  DASHBOARD_ENV_VARIABLES,
  DEFAULT_DASHBOARD,
  isLoopbackHost,
  normalizeDashboard,
} from './slices/dashboard';
export { normalizeLogging } from './slices/logging';
export {
  DEFAULT_DURATION_BUCKETS,
  DEFAULT_METRICS,
  DEFAULT_PROMETHEUS,
  normalizeMetrics,
} from './slices/metrics';
export type {
  GrafanaDashboardConfig,
  MonitoringConfig,
  MonitoringInput,
  PanelConfig,
  PanelType,
  ReceiverConfig,
} from './slices/monitoring';
export {
  DEFAULT_DASHBOARDS,
  DEFAULT_MONITORING,
  normalizeMonitoring,
  PANEL_TYPES,
} from './slices/monitoring';
export {
  DEFAULT_POOLS,
  DISCOVERABLE_RESOURCE_KINDS,
  DISCOVERY_CATEGORIES,
  normalizePools,
  RESOURCE_KINDS,
} from './slices/pools';
export { DEFAULT_DIAGNOSTICS, DEFAULT_SHUTDOWN, INSTRUMENTATION_NAMES } from './slices/process';
export {
  CLOUD_RESOURCE_DETECTOR_NAMES,
  type CloudResourceDetectorName,
  DEFAULT_DETECTION_TIMEOUT_MILLIS,
  DEFAULT_RESOURCE_DETECTORS,
  isCloudResourceDetector,
  LOCAL_RESOURCE_DETECTOR_NAMES,
  type LocalResourceDetectorName,
  parseResourceDetectors,
  RESOURCE_DETECTOR_NAMES,
  type ResourceDetectorName,
} from './slices/resource-detectors';
export {
  DEFAULT_ALERTS,
  DEFAULT_HEALTH,
  DEFAULT_RESOURCES,
  MIN_SAMPLE_INTERVAL_MILLIS,
  normalizeHealth,
  normalizeResources,
} from './slices/resources';
export { DEFAULT_SERVICE } from './slices/service';
export {
  DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
  DEFAULT_BATCH,
  normalizeTracing,
  PROPAGATOR_NAMES,
  SAMPLER_NAMES,
} from './slices/tracing';
export { formatSummary, maskHeaders, maskUrl, maskWebhookUrl } from './summary';
export type {
  AlertRuleConfig,
  AlertRuleInput,
  AlertsConfig,
  AlertsInput,
  AnomalyDetectorSettings,
  AttributeScalar,
  BatchConfig,
  ByteSizeInput,
  ComparisonOperator,
  Compression,
  ConditionAggregation,
  ConsoleExporterConfig,
  ConsoleLogOutputConfig,
  DashboardAuthConfig,
  DashboardBasicAuth,
  DashboardBufferConfig,
  DashboardConfig,
  DashboardCustomAuth,
  DashboardInput,
  DiagLogLevelName,
  DiagnosticsConfig,
  DiscoverableResourceKind,
  DurationInput,
  ElasticsearchApiKeyCredentials,
  ElasticsearchBasicCredentials,
  ElasticsearchLogOutputConfig,
  FileLogOutputConfig,
  FileRotationConfig,
  HealthConfig,
  HealthInput,
  InstrumentationName,
  InstrumentationSwitches,
  InstrumentationsConfig,
  JaegerOtlpTraceExporterConfig,
  LoadConfigOptions,
  LoggingConfig,
  LoggingInput,
  LogLevel,
  LogOutputConfig,
  LogOutputInput,
  MemoryTraceExporterConfig,
  MetricExporterConfig,
  MetricExporterInput,
  MetricsConfig,
  MetricsInput,
  MetricTemporality,
  MetricViewConfig,
  Named,
  OtelkitConfig,
  OtelkitConfigInput,
  OtlpEndpointConfig,
  OtlpLogOutputConfig,
  OtlpMetricExporterConfig,
  OtlpProtocol,
  OtlpTraceExporterConfig,
  ParsedCondition,
  PoolAnomalyConfig,
  PoolAnomalyWatchConfig,
  PoolsConfig,
  PoolsInput,
  PoolThresholdConfig,
  PoolThresholdInput,
  PrometheusAuthConfig,
  PrometheusExporterConfig,
  PropagatorName,
  RedactConfig,
  ResourceKindName,
  ResourcesConfig,
  ResourcesInput,
  SamplerConfig,
  SamplerName,
  ServiceConfig,
  ServiceInput,
  ShutdownConfig,
  ThresholdConfig,
  ThresholdDirection,
  ThresholdInput,
  TraceExporterConfig,
  TraceExporterInput,
  TracingConfig,
  TracingInput,
  WebhookConfig,
  WebhookInput,
  ZipkinTraceExporterConfig,
} from './types';
