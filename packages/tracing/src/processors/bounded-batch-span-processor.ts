import { type Context, context, diag, TraceFlags } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import {
  abortExports,
  DEFAULT_BATCH,
  DEFAULT_SHUTDOWN,
  keepAliveUntilSettled,
  settleWithin,
} from '@otelkit/config';
import type { MemorySpanExporter } from '../exporters/memory-span-exporter';
import { EncodedSpanQueue, EncodedSpans, takesEncodedSpans } from '../exporters/otlp-encoded';
import type { ExporterStats, TracingStats } from '../types';
import { sanitizeSpan } from './sanitize-attributes';
import type { SpanRing } from './span-ring';

/** One exporter fed by the processor. */
export interface NamedExporter {
  /** Shown in {@link TracingStats.exporters}, e.g. `0:otlp`. */
  readonly type: string;
  readonly exporter: SpanExporter;
}

/** Options of {@link BoundedBatchSpanProcessor}. */
export interface BoundedBatchSpanProcessorOptions {
  /** Exporters fed from the one queue (each batch goes to all of them in parallel). */
  exporters: readonly NamedExporter[];
  /** Fed synchronously on span end, outside the queue (recent spans for tests and the dashboard). */
  memory?: MemorySpanExporter;
  /** Fed synchronously on span end with every sampled span (the live dashboard's recent spans). */
  ring?: SpanRing;
  /** @default 2048 */
  maxQueueSize?: number;
  /** @default 512 */
  maxExportBatchSize?: number;
  /** @default 5000 */
  scheduledDelayMillis?: number;
  /** A batch an exporter has not answered by then counts as failed. @default 30000 */
  exportTimeoutMillis?: number;
  /** Budget for `shutdown()`, flush and exporter shutdown included. @default 5000 */
  shutdownTimeoutMillis?: number;
}

interface MutableExporterStats {
  type: string;
  exported: number;
  failed: number;
  readonly exporter: SpanExporter;
}

/** A batch as handed to the exporters: the spans, or their OTLP encoding (see EncodedSpanQueue). */
type BatchSpans = ReadableSpan[] | EncodedSpans;

/** The queue of ended spans waiting for a batch. */
interface SpanQueue {
  readonly length: number;
  push(span: ReadableSpan): void;
  /** The oldest `n` (or fewer), removed. */
  take(n: number): BatchSpans;
  clear(): void;
}

class ArrayQueue implements SpanQueue {
  private readonly _spans: ReadableSpan[] = [];
  get length(): number {
    return this._spans.length;
  }
  push(span: ReadableSpan): void {
    this._spans.push(span);
  }
  take(n: number): ReadableSpan[] {
    return this._spans.splice(0, n);
  }
  clear(): void {
    this._spans.length = 0;
  }
}

interface Batch {
  readonly spans: BatchSpans;
  /** Indexes of exporters that have not answered yet. */
  readonly pending: Set<number>;
  anyFailed: boolean;
  /** An exporter did not answer within `exportTimeoutMillis`. */
  timedOut: boolean;
  settled: boolean;
}

/**
 * A batch span processor whose every span is accounted for, built because the SDK's
 * BatchSpanProcessor drops silently on a full queue and its shutdown waits on the exporter.
 *
 * - The queue is bounded (`maxQueueSize`); a span that does not fit is dropped and counted.
 * - One batch is in flight at a time; each exporter gets `exportTimeoutMillis` to answer,
 *   after which its share counts as failed.
 * - `shutdown()` resolves within `shutdownTimeoutMillis`: whatever is still queued when the budget
 *   runs out is counted as dropped, the batch in flight as failed.
 * - Exports run with tracing suppressed, so exporter HTTP calls never create spans.
 *
 * Invariant for sampled spans once flushed: `exported + dropped + failed = ended`.
 *
 * @example
 * const processor = new BoundedBatchSpanProcessor({ exporters: [{ type: 'otlp', exporter }], maxQueueSize: 2048 });
 * const provider = new SdkTracerProvider({ spanProcessors: [processor] });
 * processor.stats(); // { started, ended, exported, dropped, failed, queued, ... }
 */
export class BoundedBatchSpanProcessor implements SpanProcessor {
  private readonly _exporters: MutableExporterStats[];
  private readonly _memory: MemorySpanExporter | undefined;
  private readonly _ring: SpanRing | undefined;
  private readonly _maxQueueSize: number;
  private readonly _batchSize: number;
  private readonly _delay: number;
  private readonly _exportTimeout: number;
  private readonly _shutdownTimeout: number;
  /**
   * Ended spans waiting for a batch. When every exporter is otelkit's OTLP http/protobuf exporter,
   * they wait encoded (EncodedSpanQueue: a few hundred bytes each in one buffer, instead of the
   * span object graph held until its batch leaves, promoted to the old generation on the way).
   */
  private readonly _queue: SpanQueue;
  private _timer: NodeJS.Timeout | undefined;
  private _loop: Promise<void> | undefined;
  private _inFlight: Batch | undefined;
  private _batchDone: Promise<void> | undefined;
  /** Spans ever queued / ever taken into a batch; a flush drains up to the queued count at its call. */
  private _enqueued = 0;
  private _taken = 0;
  private _drainTarget = 0;
  private _closed = false;
  private _shutdown: Promise<void> | undefined;
  private _started = 0;
  private _ended = 0;
  private _exported = 0;
  private _dropped = 0;
  /** `_dropped` by reason: the queue was full / the processor was shut down (or its budget ran out). */
  private _droppedQueueFull = 0;
  private _droppedShutdown = 0;
  private _failed = 0;
  /** Ends the exporter waits still open (at shutdown: nothing is waited for after the deadline). */
  private readonly _waits = new Set<() => void>();
  /** `_failed` by reason: the exporter answered with an error / did not answer in time / the shutdown budget ran out. */
  private _failedByReason = { export_error: 0, timeout: 0, shutdown: 0 };

  constructor(options: BoundedBatchSpanProcessorOptions) {
    this._exporters = options.exporters.map((e) => ({
      type: e.type,
      exporter: e.exporter,
      exported: 0,
      failed: 0,
    }));
    this._queue =
      this._exporters.length > 0 && this._exporters.every((e) => takesEncodedSpans(e.exporter))
        ? new EncodedSpanQueue()
        : new ArrayQueue();
    this._memory = options.memory;
    this._ring = options.ring;
    // Defaults: the config's (OTEL_BSP_* defaults), one home.
    this._maxQueueSize = options.maxQueueSize ?? DEFAULT_BATCH.maxQueueSize;
    this._batchSize = Math.min(
      options.maxExportBatchSize ?? DEFAULT_BATCH.maxExportBatchSize,
      this._maxQueueSize,
    );
    this._delay = options.scheduledDelayMillis ?? DEFAULT_BATCH.scheduledDelayMillis;
    this._exportTimeout = options.exportTimeoutMillis ?? DEFAULT_BATCH.exportTimeoutMillis;
    this._shutdownTimeout = options.shutdownTimeoutMillis ?? DEFAULT_SHUTDOWN.timeoutMillis;
  }

  onStart(span: Span, _parentContext: Context): void {
    if (span.spanContext().traceFlags & TraceFlags.SAMPLED) this._started++;
  }

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this._ended++;
    try {
      sanitizeSpan(span);
    } catch (err) {
      diag.debug('@otelkit/tracing: could not sanitise span attributes', err);
    }
    if (this._ring !== undefined) this._ring.push(span);
    if (this._memory !== undefined && !this._closed) this._memory.store(span);
    if (this._exporters.length === 0) {
      // Only the memory exporter (or none at all): nothing is queued.
      if (this._memory !== undefined) {
        if (this._closed) this._dropShutdown(1);
        else this._exported++;
      }
      return;
    }
    if (this._closed) {
      this._dropShutdown(1);
      return;
    }
    if (this._queue.length >= this._maxQueueSize) {
      this._dropped++;
      this._droppedQueueFull++;
      if (this._dropped === 1 || this._dropped % 1000 === 0) {
        diag.warn(
          `@otelkit/tracing: span queue full (maxQueueSize ${this._maxQueueSize}), ${this._dropped} spans dropped so far`,
        );
      }
      return;
    }
    try {
      this._queue.push(span);
    } catch (err) {
      // A span the OTLP encoding rejects (the upstream serializer would fail its whole batch):
      // counted as failed, never silently lost.
      this._failed++;
      this._failedByReason.export_error++;
      diag.warn('@otelkit/tracing: could not encode a span for export', err);
      return;
    }
    this._enqueued++;
    if (this._loop !== undefined) return;
    if (this._queue.length >= this._batchSize) {
      void this._runLoop();
    } else if (this._timer === undefined) {
      this._timer = setTimeout(() => {
        this._timer = undefined;
        void this._runLoop();
      }, this._delay);
      this._timer.unref();
    }
  }

  /**
   * Exports every span queued before this call (each batch bounded by `exportTimeoutMillis`);
   * spans ending meanwhile do not prolong it, so it ends even under sustained load. Never rejects.
   */
  forceFlush(): Promise<void> {
    // Awaited on purpose: the process stays up for it (retry timers alone do not hold it).
    return keepAliveUntilSettled(this._flush());
  }

  private async _flush(): Promise<void> {
    const target = this._enqueued;
    if (target > this._drainTarget) this._drainTarget = target;
    while (this._taken < target && this._queue.length > 0) {
      const loop = this._runLoop();
      await (this._batchDone ?? loop);
    }
    // The batch holding the last of those spans (or a later one: at most one more batch).
    if (this._batchDone !== undefined) await this._batchDone;
  }

  /**
   * Flushes, then shuts the exporters down, all within `shutdownTimeoutMillis` (or `timeoutMillis`
   * when given: the ordered shutdown of `@otelkit/service` passes each signal its share of one
   * budget). At the deadline the batch in flight counts as failed and the queue as dropped, both
   * with reason `shutdown`. Idempotent, never rejects.
   */
  shutdown(timeoutMillis?: number): Promise<void> {
    const budget =
      typeof timeoutMillis === 'number' && Number.isFinite(timeoutMillis) && timeoutMillis >= 0
        ? Math.min(timeoutMillis, this._shutdownTimeout)
        : this._shutdownTimeout;
    if (this._shutdown === undefined) this._shutdown = keepAliveUntilSettled(this._doShutdown(budget));
    return this._shutdown;
  }

  /** Current counters. */
  stats(): TracingStats {
    const exporters: ExporterStats[] = this._exporters.map((e) => ({
      type: e.type,
      exported: e.exported,
      failed: e.failed,
    }));
    return {
      started: this._started,
      ended: this._ended,
      exported: this._exported,
      dropped: this._dropped,
      droppedByReason: { queue_full: this._droppedQueueFull, shutdown: this._droppedShutdown },
      failed: this._failed,
      failedByReason: { ...this._failedByReason },
      queued: this._queue.length,
      inFlight: this._inFlight !== undefined && !this._inFlight.settled ? this._inFlight.spans.length : 0,
      memoryEvicted: this._memory?.evicted ?? 0,
      exporters,
    };
  }

  private async _doShutdown(budget: number): Promise<void> {
    // Monotonic: a stepped wall clock must not stretch or cut the budget.
    const deadline = performance.now() + budget;
    // Keep a slice of the budget for the exporters' own shutdown (closing sockets, gRPC channels).
    const reserve = Math.min(500, Math.floor(budget / 5));
    try {
      this._closed = true;
      if (this._timer !== undefined) {
        clearTimeout(this._timer);
        this._timer = undefined;
      }
      const flushed = await settleWithin(this.forceFlush(), deadline - reserve - performance.now());
      if (flushed.status === 'timedOut') {
        diag.warn('@otelkit/tracing: shutdown budget exhausted before all spans were exported');
        this._abandon();
      }
      await settleWithin(
        Promise.all(this._exporters.map((e) => Promise.resolve().then(() => e.exporter.shutdown()))),
        deadline - performance.now(),
      );
      if (this._memory !== undefined) await this._memory.shutdown();
    } catch (err) {
      diag.error('@otelkit/tracing: error during shutdown', err);
    }
  }

  /** Budget exhausted: the batch in flight counts as failed, the queue as dropped. */
  private _abandon(): void {
    const batch = this._inFlight;
    if (batch !== undefined && !batch.settled) {
      for (const i of batch.pending) this._exporters[i]!.failed += batch.spans.length;
      batch.pending.clear();
      batch.settled = true;
      this._failed += batch.spans.length;
      this._failedByReason.shutdown += batch.spans.length;
    }
    this._dropShutdown(this._queue.length);
    this._queue.clear();
    // Stop waiting for the collector: the flushes (and the keep-alive they hold) end now, and
    // the requests it never answered are cut (their sockets would hold the process for the
    // exporter's own timeout).
    const waiting = this._waits.size > 0;
    for (const end of [...this._waits]) end();
    if (waiting) for (const e of this._exporters) abortExports(e.exporter);
  }

  private _dropShutdown(n: number): void {
    this._dropped += n;
    this._droppedShutdown += n;
  }

  private _runLoop(): Promise<void> {
    if (this._timer !== undefined) {
      clearTimeout(this._timer);
      this._timer = undefined;
    }
    if (this._loop === undefined) {
      this._loop = this._exportLoop().finally(() => {
        this._loop = undefined;
        if (this._queue.length > 0 && !this._closed && this._timer === undefined) {
          this._timer = setTimeout(() => {
            this._timer = undefined;
            void this._runLoop();
          }, this._delay);
          this._timer.unref();
        }
      });
    }
    return this._loop;
  }

  private async _exportLoop(): Promise<void> {
    do {
      const spans = this._queue.take(this._batchSize);
      if (spans.length === 0) return;
      this._taken += spans.length;
      const done = this._exportBatch(spans);
      this._batchDone = done;
      await done;
      if (this._batchDone === done) this._batchDone = undefined;
    } while (this._queue.length >= this._batchSize || this._taken < this._drainTarget);
  }

  private async _exportBatch(spans: BatchSpans): Promise<void> {
    const batch: Batch = {
      spans,
      pending: new Set(this._exporters.map((_, i) => i)),
      anyFailed: false,
      timedOut: false,
      settled: false,
    };
    this._inFlight = batch;
    try {
      await waitForResources(spans);
    } catch (err) {
      diag.debug('@otelkit/tracing: resource attributes failed to settle', err);
    }
    await Promise.all(
      this._exporters.map((e, i) =>
        this._exportTo(e.exporter, spans, batch).then((ok) => {
          if (batch.settled || !batch.pending.delete(i)) return;
          if (ok) e.exported += spans.length;
          else {
            e.failed += spans.length;
            batch.anyFailed = true;
          }
        }),
      ),
    );
    if (batch.settled) return;
    batch.settled = true;
    if (batch.anyFailed) {
      this._failed += spans.length;
      this._failedByReason[batch.timedOut ? 'timeout' : 'export_error'] += spans.length;
    } else this._exported += spans.length;
  }

  private _exportTo(exporter: SpanExporter, spans: BatchSpans, batch?: Batch): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        diag.warn(
          `@otelkit/tracing: export of ${spans.length} spans timed out after ${this._exportTimeout} ms`,
        );
        if (batch !== undefined) batch.timedOut = true;
        this._waits.delete(abandon);
        resolve(false);
      }, this._exportTimeout);
      timer.unref();
      const abandon = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(false);
      };
      this._waits.add(abandon);
      const callback = (result: ExportResult): void => {
        this._waits.delete(abandon);
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (result.code !== ExportResultCode.SUCCESS) {
          diag.warn(`@otelkit/tracing: export of ${spans.length} spans failed`, result.error);
        }
        resolve(result.code === ExportResultCode.SUCCESS);
      };
      try {
        // An EncodedSpans batch only ever goes to exporters that take it (takesEncodedSpans).
        context.with(suppressTracing(context.active()), () =>
          exporter.export(spans as ReadableSpan[], callback),
        );
      } catch (err) {
        callback({
          code: ExportResultCode.FAILED,
          error: err instanceof Error ? err : new Error(String(err)),
        });
      }
    });
  }
}

async function waitForResources(spans: BatchSpans): Promise<void> {
  const pending = new Set<Promise<void>>();
  const resources = spans instanceof EncodedSpans ? spans.resources() : spans.map((s) => s.resource);
  for (const resource of resources) {
    if (resource.asyncAttributesPending && resource.waitForAsyncAttributes) {
      pending.add(resource.waitForAsyncAttributes());
    }
  }
  if (pending.size > 0) await Promise.all(pending);
}
