export type { ActiveAlert, NormalizedRule, NormalizedThreshold } from './alerts/alert-engine';
export { ConditionParseError, parseCondition } from './alerts/parse-condition';
export { MAX_THRESHOLD_BINDINGS } from './alerts/threshold-bindings';
export { BUILTIN_METRICS } from './collectors/builtin-metrics';
export type { CreateResourceMonitorOptions, ResourceMonitorConfig } from './create-resource-monitor';
export { createResourceMonitor } from './create-resource-monitor';
export type {
  HealthAdapter,
  HealthCheckFn,
  HealthCheckOptions,
  HealthCheckResult,
  HealthCheckStatus,
  HealthKind,
  HealthRegistryOptions,
  HealthReport,
  HealthStatus,
} from './health/health-registry';
export { HealthRegistry } from './health/health-registry';
export type { MonitorCheckOptions, MonitorCheckSource } from './health/monitor-checks';
export { registerMonitorChecks } from './health/monitor-checks';
export { RESOURCE_MONITOR_OPTION_KEYS, ResourceMonitor } from './resource-monitor';
export type {
  AlertEvent,
  AlertHandler,
  AlertLevel,
  AlertRuleSpec,
  AlertSource,
  AlertState,
  EventLoopDelayStats,
  HistoryPoint,
  HistoryQuery,
  KeyedThresholdSpec,
  MetricListener,
  MetricWindowStats,
  MonitorCounters,
  MonitorLogger,
  RecordOptions,
  ResourceMonitorOptions,
  SystemStats,
  ThresholdHandler,
  ThresholdHandlerInfo,
  ThresholdHandlerMethod,
  ThresholdSpec,
  WebhookOptions,
} from './types';
