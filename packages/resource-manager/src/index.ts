export type {
  AnomalyDetectionOptions,
  AnomalyDetectorOptions,
  AnomalyResult,
} from './anomaly/anomaly-detector';
export { AnomalyDetector } from './anomaly/anomaly-detector';
export type { CreateResourceManagerOptions } from './create-resource-manager';
export { createResourceManager } from './create-resource-manager';
export type {
  DiscoverableKind,
  DiscoverResourcesOptions,
  DiscoveryHandle,
  DiscoveryOptions,
} from './discovery/resource-discovery';
export type { DependencyGraphOptions, GraphEdge, GraphNode } from './graph/dependency-graph';
export { DependencyGraph } from './graph/dependency-graph';
export type { ObservedPeer, SpanLike } from './graph/peer-collector';
export { PeerCollector, peerOfSpan } from './graph/peer-collector';
export type { ResourceHealthAdapterOptions } from './health/resource-health-adapter';
export { ResourceHealthAdapter } from './health/resource-health-adapter';
export type { AmqpBinding, AmqpMessageCounts } from './kinds/amqp-channel-tap';
export type { AmqpChannelLike, AmqpConnectionLike, AmqpQueueResource } from './kinds/amqp-queue-monitor';
export { AmqpQueueMonitor } from './kinds/amqp-queue-monitor';
export type { CustomResource } from './kinds/custom-resource-monitor';
export { CustomResourceMonitor } from './kinds/custom-resource-monitor';
export type { FileHandleResource } from './kinds/file-handle-monitor';
export { FileHandleMonitor } from './kinds/file-handle-monitor';
export type { GenericPoolLike } from './kinds/generic-pool-monitor';
export { GenericPoolMonitor } from './kinds/generic-pool-monitor';
export type { HttpAgentLike } from './kinds/http-agent-monitor';
export { HttpAgentMonitor } from './kinds/http-agent-monitor';
export type { Mysql2CorePoolLike, Mysql2PoolLike } from './kinds/mysql2-pool-monitor';
export { Mysql2PoolMonitor } from './kinds/mysql2-pool-monitor';
export type { PgPoolLike } from './kinds/pg-pool-monitor';
export { PgPoolMonitor } from './kinds/pg-pool-monitor';
export type { PiscinaLike } from './kinds/piscina-monitor';
export { PiscinaMonitor } from './kinds/piscina-monitor';
export { POOL_METRICS } from './kinds/pool-metrics';
export type { PoolReading } from './kinds/pool-type-monitor';
export { PoolTypeMonitor } from './kinds/pool-type-monitor';
export type {
  IoredisLike,
  NodeRedisLike,
  RedisClientLike,
  RedisClientMonitorOptions,
} from './kinds/redis-client-monitor';
export { RedisClientMonitor } from './kinds/redis-client-monitor';
export type { BuiltinKind } from './kinds/register-builtin-kinds';
export { registerBuiltinKinds } from './kinds/register-builtin-kinds';
export type { UndiciDispatcherLike, UndiciDispatcherStats } from './kinds/undici-agent-monitor';
export { UndiciAgentMonitor } from './kinds/undici-agent-monitor';
export type { WorkerPoolReading, WorkerPoolState } from './kinds/worker-pool-type-monitor';
export { WORKER_POOL_METRICS, WorkerPoolTypeMonitor } from './kinds/worker-pool-type-monitor';
export type { WorkerpoolLike } from './kinds/workerpool-monitor';
export { WorkerpoolMonitor } from './kinds/workerpool-monitor';
export type { ManagedResourceMonitorOptions } from './managed-resource-monitor';
export { ManagedResourceMonitor } from './managed-resource-monitor';
export type { ReportOptions, ReportRow } from './report/utilization-report';
export { REPORT_COLUMNS, UtilizationReport } from './report/utilization-report';
export { ResourceManager } from './resource-manager';
export type { ResourceTypeMonitorOptions } from './resource-type-monitor';
export { ResourceTypeMonitor } from './resource-type-monitor';
export type {
  MetricDefinition,
  MetricValue,
  ResourceCategory,
  ResourceHealth,
  ResourceHost,
  ResourceManagerCounters,
  ResourceManagerOptions,
  ResourceMetricHandle,
  ResourceMetricSpec,
  ResourceMetricType,
  ResourceRegistration,
  ResourceRegistry,
  ResourceTypeMonitorLike,
} from './types';
