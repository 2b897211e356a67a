import { context, metrics, propagation, type Span, type SpanContext, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { type DataPoint, type Histogram, MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  TracerProvider as SdkTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace';
import { type MonitoringRuntime, setMonitoringRuntime } from '@otelkit/service';
import pino, { type Logger } from 'pino';
import { type CapturedLogLine, MemoryLogStream } from './memory-log-stream';
import { SpanAssertion } from './span-assertion';
import { TestMetricReader } from './test-metric-reader';

export interface TestTelemetryOptions {
  /** Level of the captured logger. @default 'trace' */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /**
   * Register as the OpenTelemetry globals (tracer and meter providers, AsyncLocalStorage context
   * manager, W3C propagators), replacing any; `shutdown()` unregisters them. @default true
   */
  registerGlobals?: boolean;
  /** Install as the runtime `@monitored` methods report to. @default true */
  installRuntime?: boolean;
}

/** Attributes to match: every given key must be equal; others may be present. */
export type AttributeMatch = Record<string, string | number | boolean>;

export interface TestTelemetry {
  readonly tracerProvider: SdkTracerProvider;
  readonly meterProvider: MeterProvider;
  readonly logger: Logger;
  readonly runtime: MonitoringRuntime;
  /** Finished spans, oldest first. */
  spans(): readonly ReadableSpan[];
  /** Checks on the one finished span with this name: `expectSpan('Svc.op').toHaveStatus('ERROR')`. */
  expectSpan(name: string): SpanAssertion;
  /**
   * The value of a metric over the points whose attributes match: the sum for counters, the
   * last value for gauges (summed over matching series), the count for histograms. `undefined`
   * when nothing matches.
   */
  metricValue(name: string, attributes?: AttributeMatch): Promise<number | undefined>;
  /** The histogram point whose attributes match (count, sum, buckets). */
  histogram(name: string, attributes?: AttributeMatch): Promise<Histogram | undefined>;
  /** Captured log lines, parsed. */
  logs(): readonly CapturedLogLine[];
  /** The log lines written while `span` was active (same trace and span id). */
  logsFor(span: ReadableSpan | Span | SpanContext): readonly CapturedLogLine[];
  /** Forget spans, logs and metrics (a fresh meter provider), keep everything installed. */
  reset(): void;
  /** Unregister and shut everything down. */
  shutdown(): Promise<void>;
}

function matches(attrs: Record<string, unknown>, want: AttributeMatch | undefined): boolean {
  if (want === undefined) return true;
  for (const [k, v] of Object.entries(want)) if (attrs[k] !== v) return false;
  return true;
}

function spanContextOf(s: ReadableSpan | Span | SpanContext): SpanContext {
  if ('spanContext' in s && typeof s.spanContext === 'function') return s.spanContext();
  return s as SpanContext;
}

/**
 * Telemetry captured in memory for tests: real SDK tracer and meter providers (in-memory span
 * exporter, pull metric reader) and a pino logger correlated with the active span, installed as
 * the OpenTelemetry globals and the `@monitored` runtime.
 *
 * @example
 * const telemetry = createTestTelemetry();
 * afterEach(() => telemetry.reset());
 * afterAll(() => telemetry.shutdown());
 *
 * it('records a failed payment', async () => {
 *   await expect(new PaymentClient().charge(0)).rejects.toThrow();
 *   telemetry.expectSpan('PaymentClient.charge').toHaveStatus('ERROR');
 *   expect(await telemetry.metricValue('otelkit.method.calls', { outcome: 'error' })).toBe(1);
 * });
 */
export function createTestTelemetry(options: TestTelemetryOptions = {}): TestTelemetry {
  const registerGlobals = options.registerGlobals ?? true;
  const installRuntime = options.installRuntime ?? true;

  const exporter = new InMemorySpanExporter();
  const tracerProvider = new SdkTracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const stream = new MemoryLogStream();
  const logger = pino(
    {
      level: options.logLevel ?? 'trace',
      mixin() {
        const span = trace.getSpan(context.active());
        if (span === undefined) return {};
        const c = span.spanContext();
        return { trace_id: c.traceId, span_id: c.spanId, trace_flags: `0${c.traceFlags.toString(16)}` };
      },
    },
    stream,
  );

  let reader = new TestMetricReader();
  let meterProvider = new MeterProvider({ readers: [reader] });
  let contextManager: AsyncLocalStorageContextManager | undefined;

  const makeRuntime = (): MonitoringRuntime => ({
    tracer: tracerProvider.getTracer('@otelkit/testing'),
    meter: meterProvider.getMeter('@otelkit/testing'),
    logger,
  });
  let runtime = makeRuntime();

  const install = () => {
    if (registerGlobals) {
      metrics.disable();
      metrics.setGlobalMeterProvider(meterProvider);
    }
    if (installRuntime) setMonitoringRuntime(runtime);
  };

  if (registerGlobals) {
    trace.disable();
    context.disable();
    propagation.disable();
    contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
    trace.setGlobalTracerProvider(tracerProvider);
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
  }
  install();

  async function points(name: string): Promise<{ points: DataPoint<unknown>[] } | undefined> {
    const { resourceMetrics } = await reader.collect();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const m of scope.metrics) {
        if (m.descriptor.name === name) return { points: m.dataPoints as DataPoint<unknown>[] };
      }
    }
    return undefined;
  }

  const telemetry: TestTelemetry = {
    tracerProvider,
    get meterProvider() {
      return meterProvider;
    },
    logger,
    get runtime() {
      return runtime;
    },
    spans: () => exporter.getFinishedSpans(),
    expectSpan: (name) => new SpanAssertion(name, () => exporter.getFinishedSpans()),
    async metricValue(name, attributes) {
      const found = await points(name);
      if (!found) return undefined;
      const selected = found.points.filter((p) => matches(p.attributes, attributes));
      if (selected.length === 0) return undefined;
      return selected.reduce((sum, p) => {
        const v = p.value as number | Histogram;
        return sum + (typeof v === 'number' ? v : v.count);
      }, 0);
    },
    async histogram(name, attributes) {
      const found = await points(name);
      return found?.points.find((p) => matches(p.attributes, attributes))?.value as Histogram | undefined;
    },
    logs: () => stream.lines,
    logsFor(span) {
      const c = spanContextOf(span);
      return stream.lines.filter((l) => l.trace_id === c.traceId && l.span_id === c.spanId);
    },
    reset() {
      exporter.reset();
      stream.clear();
      const old = meterProvider;
      reader = new TestMetricReader();
      meterProvider = new MeterProvider({ readers: [reader] });
      runtime = makeRuntime();
      install();
      void old.shutdown().catch(() => {});
    },
    async shutdown() {
      if (installRuntime) setMonitoringRuntime(undefined);
      if (registerGlobals) {
        trace.disable();
        metrics.disable();
        propagation.disable();
        context.disable();
        contextManager?.disable();
      }
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
  return telemetry;
}
