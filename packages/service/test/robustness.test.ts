import { trace } from '@opentelemetry/api';
import { METHOD_CALLS, monitored, setMonitoringRuntime } from '@otelkit/service';
import { createTestTelemetry, type TestTelemetry } from '@otelkit/testing';

@monitored()
class Worker {
  calls = 0;
  async handle(id: number) {
    this.calls++;
    await new Promise((r) => setTimeout(r, id % 3));
    // what the method sees as its active span must be its own
    return trace.getActiveSpan()?.spanContext().spanId;
  }
  count() {
    this.calls++;
    return this.calls;
  }
}

describe('@monitored without monitoring installed', () => {
  it('runs methods bare', () => {
    setMonitoringRuntime(undefined);
    const w = new Worker();
    expect(w.count()).toBe(1);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});

describe('@monitored when the instrumentation itself fails', () => {
  let h: TestTelemetry;
  beforeAll(() => {
    h = createTestTelemetry();
  });
  afterAll(() => h.shutdown());

  const broken = (part: 'tracer' | 'meter' | 'logger') => {
    const fail = () => {
      throw new Error(`${part} exploded`);
    };
    const rt = h.runtime;
    setMonitoringRuntime({
      tracer: part === 'tracer' ? ({ startSpan: fail } as never) : rt.tracer,
      meter:
        part === 'meter'
          ? ({ createHistogram: () => ({ record: fail }), createCounter: () => ({ add: fail }) } as never)
          : rt.meter,
      logger:
        part === 'logger'
          ? ({ child: () => ({ isLevelEnabled: () => true, debug: fail, error: fail }) } as never)
          : rt.logger,
    });
  };

  it.each(['tracer', 'meter', 'logger'] as const)(
    'runs the method exactly once and passes its result when the %s throws',
    async (part) => {
      broken(part);
      const w = new Worker();
      expect(w.count()).toBe(1);
      expect(w.calls).toBe(1);
      const active = await w.handle(1);
      // a span only when the tracer works
      expect(active === undefined).toBe(part === 'tracer');
      expect(w.calls).toBe(2);
    },
  );

  it('runs the method exactly once when the meter cannot even create instruments', () => {
    setMonitoringRuntime({
      ...h.runtime,
      meter: {
        createHistogram() {
          throw new Error('no histograms today');
        },
      } as never,
    });
    const w = new Worker();
    expect(w.count()).toBe(1);
    expect(w.calls).toBe(1);
  });
});

describe('@monitored under concurrency', () => {
  let h: TestTelemetry;
  beforeAll(() => {
    h = createTestTelemetry({ logLevel: 'info' });
  });
  afterAll(() => h.shutdown());

  it('ends every one of 10 000 concurrent calls once, each in its own context', async () => {
    const w = new Worker();
    const N = 10_000;
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        trace.getTracer('test').startActiveSpan('root', async (parent) => {
          try {
            return { parent: parent.spanContext().spanId, active: await w.handle(i) };
          } finally {
            parent.end();
          }
        }),
      ),
    );
    const spans = h.spans().filter((s) => s.name === 'Worker.handle');
    expect(spans).toHaveLength(N);
    expect(new Set(spans.map((s) => s.spanContext().spanId)).size).toBe(N);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    // no context bleed: the span a call saw as active is its own, and its parent is the caller's
    for (const r of results) {
      const span = byId.get(r.active!);
      expect(span).toBeDefined();
      expect(span!.parentSpanContext?.spanId).toBe(r.parent);
    }
    expect(await h.metricValue(METHOD_CALLS, { class: 'Worker', method: 'handle', outcome: 'success' })).toBe(
      N,
    );
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
