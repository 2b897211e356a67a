import { type DiagLogger, DiagLogLevel, diag, trace } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { ConfigError } from '@otelkit/config';
import { createTracing, SPAN_METRIC_NAMES, type TracingHandle, withSpan } from '../src';
import { memoryExporter, otlpExporter, testResource, tracingConfig } from './support/config';

class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function captureDiag(): { warnings: string[]; restore: () => void } {
  const warnings: string[] = [];
  const logger: DiagLogger = {
    error: (m) => warnings.push(m),
    warn: (m) => warnings.push(m),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  diag.setLogger(logger, DiagLogLevel.WARN);
  return { warnings, restore: () => diag.disable() };
}

const handles: TracingHandle[] = [];
const make = (...args: Parameters<typeof createTracing>) => {
  const h = createTracing(...args);
  handles.push(h);
  return h;
};
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.shutdown()));
});

describe('createTracing', () => {
  it('does not touch the OpenTelemetry globals until register() is called', () => {
    const tracing = make(tracingConfig({ exporters: [memoryExporter()] }), testResource());
    withSpan('before-register', () => undefined);
    expect(trace.getTracer('x').startSpan('y').isRecording()).toBe(false);
    expect(tracing.memoryExporter!.getFinishedSpans()).toHaveLength(0);
    // its own tracer works without globals
    tracing.tracer.startSpan('direct').end();
    expect(tracing.memoryExporter!.getFinishedSpans().map((s) => s.name)).toEqual(['direct']);
  });

  it('register() sets the globals once; a second registration warns and is ignored', () => {
    const { warnings, restore } = captureDiag();
    try {
      const first = make(tracingConfig({ exporters: [memoryExporter()] }), testResource());
      const second = make(tracingConfig({ exporters: [memoryExporter()] }), testResource());
      expect(first.register()).toBe(true);
      expect(first.register()).toBe(false);
      expect(second.register()).toBe(false);
      expect(warnings.filter((w) => w.includes('already registered'))).toHaveLength(2);
      withSpan('global', () => undefined);
      expect(first.memoryExporter!.getFinishedSpans().map((s) => s.name)).toEqual(['global']);
      expect(second.memoryExporter!.getFinishedSpans()).toHaveLength(0);
    } finally {
      restore();
    }
  });

  it('shutdown() of the registering handle releases the globals so a new handle can register', async () => {
    const first = make(tracingConfig({ exporters: [memoryExporter()] }));
    expect(first.register()).toBe(true);
    await first.shutdown();
    const next = make(tracingConfig({ exporters: [memoryExporter()] }));
    expect(next.register()).toBe(true);
    withSpan('after', () => undefined);
    expect(next.memoryExporter!.getFinishedSpans().map((s) => s.name)).toEqual(['after']);
  });

  it('register() after shutdown() is refused', async () => {
    const { warnings, restore } = captureDiag();
    try {
      const tracing = make(tracingConfig());
      await tracing.shutdown();
      expect(tracing.register()).toBe(false);
      expect(warnings).toEqual(['@otelkit/tracing: register() after shutdown() ignored']);
    } finally {
      restore();
    }
  });

  it('shutdown() is idempotent and never rejects', async () => {
    const tracing = make(tracingConfig({ exporters: [memoryExporter()] }));
    const a = tracing.shutdown();
    const b = tracing.shutdown();
    expect(a).toBe(b);
    await expect(a).resolves.toBeUndefined();
    await expect(tracing.shutdown()).resolves.toBeUndefined();
    await expect(tracing.forceFlush()).resolves.toBeUndefined();
  });

  it('enabled: false returns a no-op handle with the same surface', async () => {
    const on = make(tracingConfig());
    const off = make(tracingConfig({ enabled: false, exporters: [memoryExporter()] }));
    expect(
      Object.keys(off)
        .filter((k) => k !== 'memoryExporter')
        .sort(),
    ).toEqual(
      Object.keys(on)
        .filter((k) => k !== 'memoryExporter')
        .sort(),
    );
    expect(off.enabled).toBe(false);
    const span = off.tracer.startSpan('nothing');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(off.stats()).toMatchObject({ started: 0, ended: 0, exported: 0, dropped: 0, failed: 0 });
    expect(off.register()).toBe(true);
    expect(withSpan('ignored', () => 7)).toBe(7);
    await expect(off.forceFlush()).resolves.toBeUndefined();
    await expect(off.shutdown()).resolves.toBeUndefined();
  });

  it('publishes the span counters as observable metrics when a meter is given', async () => {
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const tracing = make(tracingConfig({ exporters: [memoryExporter(2)] }), testResource(), {
      meter: meterProvider.getMeter('otelkit'),
    });
    for (let i = 0; i < 5; i++) tracing.tracer.startSpan(`s${i}`).end();
    const { resourceMetrics } = await reader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const value = (name: string) => {
      const metric = metrics.find((m) => m.descriptor.name === name);
      expect(metric).toBeDefined();
      return metric!.dataPoints[0]!.value;
    };
    expect(value(SPAN_METRIC_NAMES.started)).toBe(5);
    expect(value(SPAN_METRIC_NAMES.ended)).toBe(5);
    expect(value(SPAN_METRIC_NAMES.exported)).toBe(5);
    expect(value(SPAN_METRIC_NAMES.dropped)).toBe(0);
    expect(value(SPAN_METRIC_NAMES.failed)).toBe(0);
    expect(value(SPAN_METRIC_NAMES.queued)).toBe(0);
    expect(value(SPAN_METRIC_NAMES.memoryEvicted)).toBe(3);
    await meterProvider.shutdown();
  });

  describe('rejects bad config at creation, naming the field and the allowed values', () => {
    it.each([
      [
        {
          batch: { maxQueueSize: 0, maxExportBatchSize: 1, scheduledDelayMillis: 1, exportTimeoutMillis: 1 },
        },
        /tracing\.batch\.maxQueueSize: expected a number > 0, got 0/,
      ],
      [
        {
          batch: { maxQueueSize: 1, maxExportBatchSize: 1, scheduledDelayMillis: -1, exportTimeoutMillis: 1 },
        },
        /tracing\.batch\.scheduledDelayMillis: expected a non-negative duration in milliseconds, got -1/,
      ],
      [
        { shutdownTimeoutMillis: 0 },
        /tracing\.shutdownTimeoutMillis: the shutdown budget must be more than 0, got 0/,
      ],
      [
        { exporters: [{ type: 'kafka' }] },
        /tracing\.exporters\[0\]\.type: expected one of otlp\|jaeger\|zipkin\|console\|memory\|none .*got "kafka"/,
      ],
      [
        { exporters: [{ ...otlpExporter('http://x/v1/traces'), protocol: 'udp' }] },
        /tracing\.exporters\[0\]\.protocol: expected one of http\/protobuf\|http\/json\|grpc, got "udp"/,
      ],
      [
        { exporters: [otlpExporter('not a url')] },
        /tracing\.exporters\[0\]\.endpoint: expected an http\(s\) URL .*got "not a url"/,
      ],
      [
        { exporters: [{ ...otlpExporter('http://x/v1/traces'), compression: 'br' }] },
        /tracing\.exporters\[0\]\.compression: expected one of none\|gzip, got "br"/,
      ],
      [
        { exporters: [{ type: 'memory', maxSpans: 0 }] },
        /tracing\.exporters\[0\]\.maxSpans: expected a number > 0, got 0/,
      ],
      [
        { exporters: [memoryExporter(), memoryExporter()] },
        /tracing\.exporters: expected at most one memory exporter/,
      ],
      [
        // removed with OpenTelemetry JS 3.x (no exporter-jaeger release there)
        { exporters: [{ type: 'jaeger-thrift' }] },
        /tracing\.exporters\[0\]\.type: 'jaeger-thrift' was removed with the move to OpenTelemetry JS 3\.x.*use 'jaeger'/,
      ],
    ])('%j', (overrides, message) => {
      expect(() => createTracing(tracingConfig(overrides as never))).toThrow(ConfigError);
      expect(() => createTracing(tracingConfig(overrides as never))).toThrow(message);
    });
  });
});
