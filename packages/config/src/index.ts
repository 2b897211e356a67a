export { AGGREGATIONS, ConditionParseError, parseCondition } from './condition';
export { DEFAULT_DURATION_BUCKETS, DEFAULT_REDACT_PATHS, SECRET_KEYS } from './defaults';
export { parseByteSize, parseDuration } from './duration';
export { ENV_VARIABLES } from './env';
export type { ConfigIssue, ConfigSource } from './errors';
export { ConfigError, ConfigErrorCode } from './errors';
export { LOG_LEVEL_ALLOWED, LOG_LEVELS, toLogLevel } from './fields/log-level';
export { readConfigFile } from './file';
export { defineConfig, loadConfig } from './load';
export { deepFreeze } from './merge';
export { toResourceAttributes } from './resource';
export { INSTRUMENTATION_NAMES } from './schema';
export { formatSummary, maskHeaders, maskUrl } from './summary';
export type {
  AlertRuleConfig,
  AlertRuleInput,
  AlertsConfig,
  AlertsInput,
  AttributeScalar,
  BatchConfig,
  ByteSizeInput,
  ComparisonOperator,
  Compression,
  ConditionAggregation,
  ConsoleExporterConfig,
  ConsoleLogOutputConfig,
  DiagLogLevelName,
  DiagnosticsConfig,
  DurationInput,
  ElasticsearchLogOutputConfig,
  FileLogOutputConfig,
  FileRotationConfig,
  HealthConfig,
  HealthInput,
  InstrumentationName,
  InstrumentationsConfig,
  JaegerOtlpTraceExporterConfig,
  JaegerThriftTraceExporterConfig,
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
  MetricViewConfig,
  OtelkitConfig,
  OtelkitConfigInput,
  OtlpEndpointConfig,
  OtlpLogOutputConfig,
  OtlpMetricExporterConfig,
  OtlpProtocol,
  OtlpTraceExporterConfig,
  ParsedCondition,
  PrometheusExporterConfig,
  PropagatorName,
  RedactConfig,
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
