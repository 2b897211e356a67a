import { Writable } from 'node:stream';
import { context, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { type MonitoringRuntime, setMonitoringRuntime } from '@otelkit/service';
import pino from 'pino';

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface LogLine {
  level: number;
  msg: string;
  class?: string;
  method?: string;
  trace_id?: string;
  span_id?: string;
  durationMs?: number;
  err?: { message?: string; type?: string };
  [k: string]: unknown;
}

/**
 * Real SDK objects: a tracer provider with an in-memory exporter, a meter provider with a
 * pull reader, and a pino logger (with trace correlation, as @otelkit/logging does) writing
 * JSON lines to memory. Installs them as the monitoring runtime.
 */
export function createHarness(options: { logLevel?: string } = {}) {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = pino(
    {
      level: options.logLevel ?? 'debug',
      mixin() {
        const span = trace.getSpan(context.active());
        if (!span) return {};
        const c = span.spanContext();
        return { trace_id: c.traceId, span_id: c.spanId };
      },
    },
    stream,
  );
  const runtime: MonitoringRuntime = {
    tracer: tracerProvider.getTracer('test'),
    meter: meterProvider.getMeter('test'),
    logger,
  };
  setMonitoringRuntime(runtime);

  async function points(name: string): Promise<DataPoint<unknown>[]> {
    const { resourceMetrics } = await reader.collect();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const m of scope.metrics)
        if (m.descriptor.name === name) return m.dataPoints as DataPoint<unknown>[];
    }
    return [];
  }
  const matches = (attrs: Record<string, unknown>, want: Record<string, unknown>) =>
    Object.entries(want).every(([k, v]) => attrs[k] === v) &&
    Object.keys(attrs).length === Object.keys(want).length;

  return {
    runtime,
    exporter,
    logger,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    span(name: string): ReadableSpan {
      const found = exporter.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`expected one span ${name}, found ${found.length}`);
      return found[0]!;
    },
    async counter(name: string, attrs: Record<string, unknown>): Promise<number | undefined> {
      const p = (await points(name)).find((d) => matches(d.attributes, attrs));
      return p?.value as number | undefined;
    },
    async histogram(name: string, attrs: Record<string, unknown>): Promise<Histogram | undefined> {
      const p = (await points(name)).find((d) => matches(d.attributes, attrs));
      return p?.value as Histogram | undefined;
    },
    logs: (): LogLine[] => lines.map((l) => JSON.parse(l) as LogLine),
    reset() {
      exporter.reset();
      lines.length = 0;
    },
    async close() {
      setMonitoringRuntime(undefined);
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      contextManager.disable();
      context.disable();
    },
    /** Runs fn inside a fresh root span, returning that span too. */
    withParent<T>(fn: (parent: Span) => T): T {
      return tracerProvider.getTracer('test-root').startActiveSpan('root', (parent) => {
        try {
          return fn(parent);
        } finally {
          parent.end();
        }
      });
    },
  };
}

export type Harness = ReturnType<typeof createHarness>;
