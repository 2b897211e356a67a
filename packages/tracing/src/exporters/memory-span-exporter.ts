import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { MemorySpanExporterLike } from '../types';

/**
 * A bounded in-memory span exporter: a ring buffer of the most recent `maxSpans` finished spans.
 * When full, the oldest span is evicted and counted in {@link MemorySpanExporter.evicted}.
 *
 * @example
 * const memory = new MemorySpanExporter(100);
 * memory.getFinishedSpans(); // oldest first
 */
export class MemorySpanExporter implements SpanExporter, MemorySpanExporterLike {
  private readonly _buffer: (ReadableSpan | undefined)[];
  private _start = 0;
  private _size = 0;
  private _evicted = 0;
  private _stopped = false;

  /** @param maxSpans ring buffer capacity, a positive integer. @default 1000 */
  constructor(readonly maxSpans = 1000) {
    if (!Number.isInteger(maxSpans) || maxSpans < 1) {
      throw new Error(
        `tracing.exporters[memory].maxSpans must be a positive integer, got ${String(maxSpans)}`,
      );
    }
    this._buffer = new Array(maxSpans);
  }

  /** Spans evicted so far to stay under `maxSpans`. */
  get evicted(): number {
    return this._evicted;
  }

  /** Stores one span (used directly by the tracing processor, no batching). */
  store(span: ReadableSpan): void {
    if (this._stopped) return;
    const cap = this.maxSpans;
    if (this._size < cap) {
      this._buffer[(this._start + this._size) % cap] = span;
      this._size++;
    } else {
      this._buffer[this._start] = span;
      this._start = (this._start + 1) % cap;
      this._evicted++;
    }
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this._stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('memory exporter is shut down') });
      return;
    }
    for (const span of spans) this.store(span);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /** Finished spans, oldest first. */
  getFinishedSpans(): ReadableSpan[] {
    const out: ReadableSpan[] = [];
    for (let i = 0; i < this._size; i++) out.push(this._buffer[(this._start + i) % this.maxSpans]!);
    return out;
  }

  /** Empties the buffer (the eviction count is kept). */
  reset(): void {
    this._buffer.fill(undefined);
    this._start = 0;
    this._size = 0;
  }

  /** Stops storing; the spans already held stay readable. */
  shutdown(): Promise<void> {
    this._stopped = true;
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
