export { createTracing } from './create-tracing';
export { MemorySpanExporter } from './exporters/memory-span-exporter';
export { getActiveSpan, setSpanAttribute, setSpanAttributes, toAttributes } from './helpers/active-span';
export type { UniversalMethodDecorator } from './helpers/decorator-kind';
export { traced } from './helpers/traced';
export { withSpan } from './helpers/with-span';
export { PooledIdGenerator } from './ids/pooled-id-generator';
export { SPAN_METRIC_NAMES } from './metric-names';
export type {
  BoundedBatchSpanProcessorOptions,
  NamedExporter,
} from './processors/bounded-batch-span-processor';
export { BoundedBatchSpanProcessor } from './processors/bounded-batch-span-processor';
export type { RecentSpan, SpanRingOptions, SpanRingStats } from './processors/span-ring';
export {
  SPAN_RING_DEFAULTS,
  SPAN_RING_MAX_ATTRIBUTES,
  SPAN_RING_MAX_EVENTS,
  SPAN_RING_MAX_SPAN_CHARS,
  SPAN_RING_MAX_VALUE_CHARS,
  SpanRing,
} from './processors/span-ring';
export { toChromeTrace } from './profiler/chrome-trace';
export { Profiler } from './profiler/profiler';
export type {
  ChromeTrace,
  ChromeTraceEvent,
  Profile,
  ProfileNameStats,
  ProfilerOptions,
  ProfileTrace,
  TraceHandle,
  TraceOptions,
} from './profiler/types';
export { TraceIdRatioSampler } from './samplers/trace-id-ratio-sampler';
export type {
  CreateTracingOptions,
  ExporterStats,
  MemorySpanExporterLike,
  SpanOptions,
  TracedOptions,
  TracingHandle,
  TracingStats,
} from './types';
export { TRACER_NAME, VERSION } from './version';
