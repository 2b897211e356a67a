import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type ExportResult, ExportResultCode, isTracingSuppressed } from '@opentelemetry/core';
import {
  type ReadableSpan,
  TracerProvider as SdkTracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { BoundedBatchSpanProcessor, MemorySpanExporter } from '../../src';
import { waitFor } from '../support/http';

/** A real SpanExporter whose answer the test scripts: succeed, fail, throw, or never answer. */
class ScriptedExporter implements SpanExporter {
  received: ReadableSpan[][] = [];
  suppressedDuringExport: boolean[] = [];
  shutdownCalled = 0;
  onExport: (() => void) | undefined;
  constructor(
    private mode: 'ok' | 'fail' | 'throw' | 'hang',
    private readonly shutdownHangs = false,
  ) {}
  setMode(mode: 'ok' | 'fail' | 'throw' | 'hang') {
    this.mode = mode;
  }
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.received.push(spans);
    this.onExport?.();
    this.suppressedDuringExport.push(isTracingSuppressed(context.active()));
    if (this.mode === 'throw') throw new Error('exporter bug');
    if (this.mode === 'hang') return;
    const code = this.mode === 'ok' ? ExportResultCode.SUCCESS : ExportResultCode.FAILED;
    setImmediate(() =>
      done({ code, error: code === ExportResultCode.FAILED ? new Error('nope') : undefined }),
    );
  }
  shutdown(): Promise<void> {
    this.shutdownCalled++;
    return this.shutdownHangs ? new Promise(() => undefined) : Promise.resolve();
  }
}

function setup(
  exporters: SpanExporter[],
  options: Partial<ConstructorParameters<typeof BoundedBatchSpanProcessor>[0]> = {},
) {
  const processor = new BoundedBatchSpanProcessor({
    exporters: exporters.map((exporter, i) => ({ type: `${i}:test`, exporter })),
    maxQueueSize: 100,
    maxExportBatchSize: 10,
    scheduledDelayMillis: 60_000,
    exportTimeoutMillis: 5000,
    shutdownTimeoutMillis: 5000,
    ...options,
  });
  const provider = new SdkTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('test');
  const endSpans = (n: number) => {
    for (let i = 0; i < n; i++) tracer.startSpan(`s${i}`).end();
  };
  return { processor, endSpans, tracer };
}

let afterTest: (() => void) | undefined;
afterEach(() => {
  afterTest?.();
  afterTest = undefined;
});

const accounted = (s: { exported: number; dropped: number; failed: number }) =>
  s.exported + s.dropped + s.failed;

describe('BoundedBatchSpanProcessor', () => {
  it('exports in batches of maxExportBatchSize and counts every span as exported', async () => {
    const exporter = new ScriptedExporter('ok');
    const { processor, endSpans } = setup([exporter]);
    endSpans(25);
    await processor.forceFlush();
    expect(exporter.received.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(processor.stats()).toMatchObject({
      started: 25,
      ended: 25,
      exported: 25,
      dropped: 0,
      failed: 0,
      queued: 0,
    });
  });

  it('forceFlush ends even while new spans keep arriving during the flush', async () => {
    const exporter = new ScriptedExporter('ok');
    const { processor, endSpans } = setup([exporter], { maxExportBatchSize: 5 });
    exporter.onExport = () => endSpans(3); // traffic keeps coming while we export
    endSpans(10);
    await processor.forceFlush();
    exporter.onExport = undefined;
    // the 10 spans queued before the call are exported; it did not chase the newcomers forever
    expect(exporter.received.flat().length).toBeGreaterThanOrEqual(10);
    expect(exporter.received.length).toBeLessThanOrEqual(4);
    await processor.forceFlush();
    const s = processor.stats();
    expect(accounted(s)).toBe(s.ended);
  });

  it('exports on its own after scheduledDelayMillis', async () => {
    const exporter = new ScriptedExporter('ok');
    const { processor, endSpans } = setup([exporter], { scheduledDelayMillis: 20 });
    endSpans(3);
    await waitFor(() => processor.stats().exported === 3, 10_000, 'scheduled export');
    expect(exporter.received).toHaveLength(1);
  });

  it('drops and counts spans when the queue is full', async () => {
    const exporter = new ScriptedExporter('hang');
    const { processor, endSpans } = setup([exporter], {
      maxQueueSize: 4,
      maxExportBatchSize: 2,
      exportTimeoutMillis: 100,
    });
    endSpans(10); // 2 go in flight at once, 4 wait in the queue, 4 do not fit
    expect(processor.stats()).toMatchObject({ ended: 10, inFlight: 2, queued: 4, dropped: 4 });
    await processor.forceFlush();
    const s = processor.stats();
    expect(s).toMatchObject({ ended: 10, exported: 0, dropped: 4, failed: 6, queued: 0, inFlight: 0 });
    expect(accounted(s)).toBe(s.ended);
  });

  it('counts a batch as failed when the exporter reports failure, throws, or never answers', async () => {
    for (const mode of ['fail', 'throw', 'hang'] as const) {
      const exporter = new ScriptedExporter(mode);
      const { processor, endSpans } = setup([exporter], { exportTimeoutMillis: 100 });
      endSpans(3);
      await expect(processor.forceFlush()).resolves.toBeUndefined();
      expect(processor.stats()).toMatchObject({ ended: 3, exported: 0, failed: 3, dropped: 0 });
    }
  });

  it('with several exporters, a span is exported only when all accepted it; per-exporter counts say who failed', async () => {
    const good = new ScriptedExporter('ok');
    const bad = new ScriptedExporter('fail');
    const { processor, endSpans } = setup([good, bad]);
    endSpans(4);
    await processor.forceFlush();
    const s = processor.stats();
    expect(s).toMatchObject({ ended: 4, exported: 0, failed: 4 });
    expect(s.exporters).toEqual([
      { type: '0:test', exported: 4, failed: 0 },
      { type: '1:test', exported: 0, failed: 4 },
    ]);
    bad.setMode('ok');
    endSpans(2);
    await processor.forceFlush();
    expect(processor.stats()).toMatchObject({ ended: 6, exported: 2, failed: 4 });
  });

  it('runs exports with tracing suppressed (exporter I/O never creates spans)', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    afterTest = () => context.disable();
    const exporter = new ScriptedExporter('ok');
    const { processor, endSpans } = setup([exporter]);
    endSpans(1);
    await processor.forceFlush();
    expect(exporter.suppressedDuringExport).toEqual([true]);
  });

  it('shutdown resolves within budget with a hanging exporter whose shutdown also hangs, and accounts for every span', async () => {
    const exporter = new ScriptedExporter('hang', true);
    const { processor, endSpans } = setup([exporter], {
      maxExportBatchSize: 5,
      exportTimeoutMillis: 60_000,
      shutdownTimeoutMillis: 400,
    });
    endSpans(12);
    const started = performance.now();
    await expect(processor.shutdown()).resolves.toBeUndefined();
    const elapsed = performance.now() - started;
    // bounded: the exporter never answers (the export timeout is 60 s), so without the budget this
    // would not end; the slack is for a loaded 2-core machine (1.96 s seen with other suites running)
    expect(elapsed).toBeLessThan(400 + 4000);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    const s = processor.stats();
    expect(s).toMatchObject({ ended: 12, exported: 0, failed: 5, dropped: 7, queued: 0, inFlight: 0 });
    expect(exporter.shutdownCalled).toBe(1);
    // idempotent: the same settled promise, no second exporter shutdown
    await processor.shutdown();
    expect(exporter.shutdownCalled).toBe(1);
  });

  it('shutdown flushes what is queued before shutting the exporters down', async () => {
    const exporter = new ScriptedExporter('ok');
    const { processor, endSpans } = setup([exporter], { scheduledDelayMillis: 60_000 });
    endSpans(7);
    expect(processor.stats()).toMatchObject({ queued: 7, exported: 0 });
    await processor.shutdown();
    expect(exporter.received.flat()).toHaveLength(7);
    expect(exporter.shutdownCalled).toBe(1);
    expect(processor.stats()).toMatchObject({ ended: 7, exported: 7, queued: 0 });
  });

  it('counts spans ending after shutdown as dropped', async () => {
    const exporter = new ScriptedExporter('ok');
    const { processor, endSpans } = setup([exporter]);
    endSpans(2);
    await processor.shutdown();
    endSpans(3);
    expect(processor.stats()).toMatchObject({ ended: 5, exported: 2, dropped: 3, failed: 0 });
  });

  it('feeds the memory exporter synchronously and counts its evictions', () => {
    const memory = new MemorySpanExporter(5);
    const { processor, endSpans } = setup([], { memory });
    endSpans(12);
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['s7', 's8', 's9', 's10', 's11']);
    expect(memory.evicted).toBe(7);
    expect(processor.stats()).toMatchObject({ ended: 12, exported: 12, memoryEvicted: 7 });
  });
});
