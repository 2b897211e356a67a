/**
 * Instrument names published when `createTracing(..., { meter })` is given (see the README).
 *
 * @example
 * SPAN_METRIC_NAMES.dropped; // 'otelkit.tracing.spans.dropped'
 */
export const SPAN_METRIC_NAMES = {
  started: 'otelkit.tracing.spans.started',
  ended: 'otelkit.tracing.spans.ended',
  exported: 'otelkit.tracing.spans.exported',
  dropped: 'otelkit.tracing.spans.dropped',
  failed: 'otelkit.tracing.spans.failed',
  queued: 'otelkit.tracing.queue.size',
  memoryEvicted: 'otelkit.tracing.memory.evicted',
} as const;
