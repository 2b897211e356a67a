import type { Attributes, Link, Meter, SpanKind, Tracer } from '@opentelemetry/api';
import type { ReadableSpan, TracerProvider as SdkTracerProvider } from '@opentelemetry/sdk-trace';
import type { SpanRing } from './processors/span-ring';

/** Options of {@link createTracing} beyond the config slice. */
export interface CreateTracingOptions {
  /**
   * When given, the span counters of {@link TracingStats} are published as observable instruments
   * (`otelkit.tracing.spans.started`, `…ended`, `…exported`, `…dropped`, `…failed` and the gauge
   * `otelkit.tracing.queue.size`). See the package README for the full list.
   */
  meter?: Meter;
  /** A ring every sampled span is put in when it ends (what the live dashboard reads). */
  recentSpans?: SpanRing;
}

/** Per-exporter outcome counters (an exporter is named `<index>:<type>`, e.g. `0:otlp`). */
export interface ExporterStats {
  readonly type: string;
  /** Spans this exporter accepted. */
  readonly exported: number;
  /** Spans this exporter failed to deliver (error, timeout, shutdown budget exceeded). */
  readonly failed: number;
}

/**
 * Span accounting. For sampled spans, once flushed:
 * `exported + dropped + failed = ended` (while running, `queued` and `inFlight` hold the rest).
 * With several exporters, a span counts as `exported` only when every exporter accepted it,
 * otherwise as `failed`; {@link TracingStats.exporters} has the per-exporter view.
 */
export interface TracingStats {
  /** Sampled spans started. */
  readonly started: number;
  /** Sampled spans ended. */
  readonly ended: number;
  /** Spans every exporter accepted. */
  readonly exported: number;
  /** Spans dropped because the queue was full, or left in the queue when the shutdown budget ran out. */
  readonly dropped: number;
  /**
   * `dropped` by reason, the `reason` attribute of `otelkit.tracing.spans.dropped`: `queue_full`
   * (`maxQueueSize` reached), `shutdown` (ended after shutdown, or still queued when its budget ran out).
   */
  readonly droppedByReason: { readonly queue_full: number; readonly shutdown: number };
  /** Spans whose export failed (error, timeout, or budget exhausted while in flight). */
  readonly failed: number;
  /**
   * `failed` by reason: `export_error` (an exporter answered with an error), `timeout` (an
   * exporter did not answer within `exportTimeoutMillis`), `shutdown` (in flight when the shutdown
   * budget ran out).
   */
  readonly failedByReason: {
    readonly export_error: number;
    readonly timeout: number;
    readonly shutdown: number;
  };
  /** Spans waiting in the queue. */
  readonly queued: number;
  /** Spans in the batch being exported right now. */
  readonly inFlight: number;
  /** Spans the bounded memory exporter evicted (oldest first) to stay under `maxSpans`. */
  readonly memoryEvicted: number;
  readonly exporters: readonly ExporterStats[];
}

/** What {@link createTracing} returns. The surface is identical when tracing is disabled. */
export interface TracingHandle {
  /** The SDK tracer provider (a provider without processors when tracing is disabled). */
  readonly provider: SdkTracerProvider;
  /** A tracer from {@link TracingHandle.provider}, scope `@otelkit/tracing`. */
  readonly tracer: Tracer;
  /** `false` when the config disabled tracing. */
  readonly enabled: boolean;
  /** The bounded in-memory exporter when the config has a `memory` exporter. */
  readonly memoryExporter?: MemorySpanExporterLike;
  /** Exports everything queued now. Never rejects. */
  forceFlush(): Promise<void>;
  /**
   * Flushes what is queued and shuts the exporters down; resolves within
   * `shutdownTimeoutMillis` even with a hanging collector, never rejects, idempotent. What is not
   * delivered by then is counted (`droppedByReason.shutdown`, `failedByReason.shutdown`). No
   * arguments: the budget is the slice's (`startMonitoring` gives tracing its share of
   * `shutdown.timeout` through an internal path); a second call returns the same promise.
   */
  shutdown(): Promise<void>;
  /** Span accounting, see {@link TracingStats}. */
  stats(): TracingStats;
  /**
   * Sets the OpenTelemetry globals once: AsyncLocalStorage context manager, the configured
   * propagators and this tracer provider. A second call warns (through `diag`) and does nothing.
   * Returns `true` when the globals were set by this call.
   */
  register(): boolean;
}

/** The read side of the memory exporter (what tests and the dashboard use). */
export interface MemorySpanExporterLike {
  /** Finished spans, oldest first; at most `maxSpans`. */
  getFinishedSpans(): ReadableSpan[];
  /** Spans evicted so far to stay under `maxSpans`. */
  readonly evicted: number;
  reset(): void;
}

/** Options of {@link withSpan} and {@link traced}. */
export interface SpanOptions {
  /** Attributes set when the span starts. */
  attributes?: Attributes;
  /** @default SpanKind.INTERNAL */
  kind?: SpanKind;
  links?: Link[];
  /** Start a new trace instead of a child of the active span. @default false */
  root?: boolean;
  /** Tracer to use. @default the global tracer `@otelkit/tracing` */
  tracer?: Tracer;
}

/** Options of the {@link traced} decorator. */
export interface TracedOptions extends SpanOptions {
  /** Span name. @default `<ClassName>.<methodName>` */
  name?: string;
}
