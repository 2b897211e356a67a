import type { Tracer } from '@opentelemetry/api';

/** Options of {@link Profiler}. */
export interface ProfilerOptions {
  /** When `false`, every method is a pass-through that records nothing. @default true */
  enabled?: boolean;
  /**
   * Async functions (those returning a promise) are timed until the promise settles. When
   * `false`, only their synchronous part is timed (the trace gets `metadata.async = true`).
   * @default true
   */
  traceAsyncTasks?: boolean;
  /** Capture `new Error().stack` at the start of each trace (costly). @default false */
  collectStackTrace?: boolean;
  /** Traces kept (ring buffer, oldest evicted and counted in `discarded`). @default 10000 */
  maxTraces?: number;
  /**
   * Tracer for the span each profiled operation also becomes. `null`: no spans.
   * @default the global tracer `@otelkit/tracing` (a no-op until tracing is registered)
   */
  tracer?: Tracer | null;
}

/**
 * One profiled operation (mtaio's `ProfileTrace`). Times are milliseconds, and their names say so:
 * mtaio's `start_time` / `end_time` / `duration` are seconds, ours are `startTimeMillis` (epoch,
 * sub-ms precision) / `endTimeMillis` / `durationMillis`. Memory is bytes of V8 heap used.
 */
export interface ProfileTrace {
  readonly name: string;
  /** Epoch milliseconds the operation started (sub-ms precision). mtaio: `start_time`, seconds. */
  readonly startTimeMillis: number;
  /** Epoch milliseconds the operation ended. mtaio: `end_time`, seconds. */
  readonly endTimeMillis: number;
  /** `endTimeMillis - startTimeMillis`. mtaio: `duration`, seconds. */
  readonly durationMillis: number;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Present when `collectStackTrace` is on. */
  readonly stackTrace?: string;
  /** V8 heap used at the start (`v8.getHeapStatistics().used_heap_size`, what `process.memoryUsage().heapUsed` reports). */
  readonly memoryStart: number;
  /** V8 heap used at the end. */
  readonly memoryEnd: number;
  /** `memoryEnd - memoryStart` (negative when a GC ran in between). */
  readonly memoryDelta: number;
  /** `true` when the operation threw or rejected. */
  readonly error: boolean;
}

/** Statistics per trace name, over the traces kept. Durations in milliseconds (nearest-rank percentiles). */
export interface ProfileNameStats {
  readonly count: number;
  readonly totalMillis: number;
  readonly meanMillis: number;
  readonly minMillis: number;
  readonly maxMillis: number;
  readonly p50Millis: number;
  readonly p95Millis: number;
  readonly p99Millis: number;
  readonly errors: number;
}

/** What {@link Profiler.getProfile} returns. */
export interface Profile {
  /**
   * Wall-clock milliseconds from the earliest kept start to the latest kept end (0 when empty).
   * mtaio's `total_time` is seconds: `(profile.totalTimeMillis / 1000).toFixed(2)`.
   */
  readonly totalTimeMillis: number;
  /** Kept traces, in the order they ended. */
  readonly traces: readonly ProfileTrace[];
  readonly byName: Readonly<Record<string, ProfileNameStats>>;
  /** Traces evicted by the `maxTraces` bound. */
  readonly discarded: number;
}

/** Options of the function-wrapper form `profiler.trace(fn, options)`. */
export interface TraceOptions {
  /** @default the function's name, or `<ClassName>.<method>` for a decorated method */
  name?: string;
  metadata?: Record<string, unknown>;
}

/** What {@link Profiler.startTrace} returns. */
export interface TraceHandle {
  readonly name: string;
  /** Ends the trace (once; later calls return `undefined`). Extra metadata is merged in. */
  end(metadata?: Record<string, unknown>): ProfileTrace | undefined;
}

/** A Chrome trace-event document (loads in Perfetto and chrome://tracing). */
export interface ChromeTrace {
  readonly traceEvents: readonly ChromeTraceEvent[];
  readonly displayTimeUnit: 'ms';
}

export interface ChromeTraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'M';
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly args?: Readonly<Record<string, unknown>>;
}
