// Bare `@service` / `@monitored` with TypeScript's standard (TC39) decorators; the same checks
// with experimentalDecorators are in bare-decorators.legacy.test.ts.
import {
  type Counter,
  type Histogram,
  type Meter,
  metrics,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { ConfigError } from '@otelkit/config';
import {
  getMonitoring,
  loggerFor,
  METHOD_CALLS,
  type MonitoringLogger,
  monitored,
  service,
} from '@otelkit/service';
import { createTestTelemetry, type TestTelemetry } from '@otelkit/testing';
import { exercise, expectExercised, telemetryShape } from './bare-decorators.shape';

// Seed 004's classes, as the seed writes them: bare `@service`, the signal objects made in the
// constructor. Translated: PrometheusMetrics → the OpenTelemetry meter (Prometheus is how the
// config exports it), ElasticLogger → loggerFor (Elasticsearch is a logging output in the
// config), JaegerTracer → the OpenTelemetry tracer (Jaeger is a tracing exporter in the config).
// Each gets one method (the seed shows only __init__) so there is a call to instrument.
@service
class MetricsExample {
  readonly metrics: Meter;
  readonly counter: Counter;
  readonly histogram: Histogram;
  constructor() {
    this.metrics = metrics.getMeter('metrics-example');
    this.counter = this.metrics.createCounter('requests_total', { description: 'Total requests processed' });
    this.histogram = this.metrics.createHistogram('response_time_seconds', {
      description: 'Response time in seconds',
      unit: 's',
    });
  }

  handle(seconds: number): string {
    this.counter.add(1);
    this.histogram.record(seconds);
    return 'handled';
  }
}

@service
class LoggingExample {
  readonly logger: MonitoringLogger;
  constructor() {
    this.logger = loggerFor(this);
  }

  process(id: string): string {
    this.logger.info({ id }, 'processing');
    return id;
  }
}

@service
class TracingExample {
  readonly tracer: Tracer;
  constructor() {
    this.tracer = trace.getTracer('my-service');
  }

  async lookup(): Promise<number> {
    return this.tracer.startActiveSpan('db.lookup', async (span) => {
      span.end();
      return 7;
    });
  }
}

// The three `@service` forms on the same body.
@service
class ServiceBare {
  ok(n: number) {
    return n * 2;
  }
  async fail(): Promise<never> {
    throw new Error('nope');
  }
}
@service()
class ServiceCalled {
  ok(n: number) {
    return n * 2;
  }
  async fail(): Promise<never> {
    throw new Error('nope');
  }
}
@service({})
class ServiceEmpty {
  ok(n: number) {
    return n * 2;
  }
  async fail(): Promise<never> {
    throw new Error('nope');
  }
}

// The three `@monitored` forms, on a class …
@monitored
class MonitoredBare {
  ok(n: number) {
    return n * 2;
  }
  async fail(): Promise<never> {
    throw new Error('nope');
  }
}
@monitored()
class MonitoredCalled {
  ok(n: number) {
    return n * 2;
  }
  async fail(): Promise<never> {
    throw new Error('nope');
  }
}
@monitored({})
class MonitoredEmpty {
  ok(n: number) {
    return n * 2;
  }
  async fail(): Promise<never> {
    throw new Error('nope');
  }
}

// … and on the methods of an undecorated class (static methods included).
class MethodBare {
  @monitored
  ok(n: number) {
    return n * 2;
  }
  @monitored
  async fail(): Promise<never> {
    throw new Error('nope');
  }
  @monitored
  static twice(n: number) {
    return n * 2;
  }
}
class MethodCalled {
  @monitored()
  ok(n: number) {
    return n * 2;
  }
  @monitored()
  async fail(): Promise<never> {
    throw new Error('nope');
  }
  @monitored()
  static twice(n: number) {
    return n * 2;
  }
}
class MethodEmpty {
  @monitored({})
  ok(n: number) {
    return n * 2;
  }
  @monitored({})
  async fail(): Promise<never> {
    throw new Error('nope');
  }
  @monitored({})
  static twice(n: number) {
    return n * 2;
  }
}

// Bare on the class and on a method together: the method keeps its own options, the class
// completes it.
@monitored
class Mixed {
  @monitored({ logLevel: 'info' })
  ok(n: number) {
    return n * 2;
  }
  @monitored
  async fail(): Promise<never> {
    throw new Error('nope');
  }
}

class Plain {
  ok(n: number) {
    return n * 2;
  }
  async fail(): Promise<never> {
    throw new Error('nope');
  }
}

describe('bare decorators (TC39 standard decorators)', () => {
  let h: TestTelemetry;
  beforeAll(() => {
    h = createTestTelemetry({ logLevel: 'debug' });
  });
  afterAll(() => h.shutdown());
  beforeEach(() => h.reset());

  describe("seed 004's classes with bare @service", () => {
    it('keeps each class a constructor (the decorator returns nothing) and does not trace construction', () => {
      for (const C of [MetricsExample, LoggingExample, TracingExample]) {
        const o = new C();
        expect(o).toBeInstanceOf(C);
        expect(o.constructor).toBe(C);
      }
      expect(MetricsExample.name).toBe('MetricsExample');
      expect(h.spans()).toHaveLength(0);
    });

    it('MetricsExample: its own counter and histogram record, and the method is traced and metered', async () => {
      expect(new MetricsExample().handle(0.25)).toBe('handled');
      expect(await h.metricValue('requests_total')).toBe(1);
      expect((await h.histogram('response_time_seconds'))?.sum).toBe(0.25);
      h.expectSpan('MetricsExample.handle').toHaveStatus('UNSET');
      expect(
        await h.metricValue(METHOD_CALLS, { class: 'MetricsExample', method: 'handle', outcome: 'success' }),
      ).toBe(1);
    });

    it('LoggingExample: its logger writes lines correlated with the method span', () => {
      expect(new LoggingExample().process('o-1')).toBe('o-1');
      const span = h.expectSpan('LoggingExample.process').span;
      const lines = h.logsFor(span);
      expect(lines.map((l) => l.msg)).toEqual(['processing', 'LoggingExample.process succeeded']);
      expect(lines[0]).toMatchObject({ class: 'LoggingExample', id: 'o-1', level: 30 });
    });

    it("TracingExample: spans of its own tracer are children of the method's span", async () => {
      await expect(new TracingExample().lookup()).resolves.toBe(7);
      h.expectSpan('db.lookup').toHaveParent('TracingExample.lookup');
    });
  });

  describe('@service, @service() and @service({})', () => {
    it('produce the same spans, metrics and logs', async () => {
      await exercise(ServiceBare);
      await exercise(ServiceCalled);
      await exercise(ServiceEmpty);
      const bare = await telemetryShape(h, 'ServiceBare');
      expectExercised(bare);
      expect(await telemetryShape(h, 'ServiceCalled')).toEqual(bare);
      expect(await telemetryShape(h, 'ServiceEmpty')).toEqual(bare);
      // the comparison sees telemetry: an undecorated class leaves none
      await exercise(Plain);
      const plain = await telemetryShape(h, 'Plain');
      expect(plain.spans).toEqual([]);
      expect(plain.metrics[0]).toEqual({ total: undefined });
      expect(plain.logs).toEqual([]);
    });

    it('takes an options object as options, not as a class: @service({ monitoring }) validates the config and starts nothing yet', () => {
      const decorate = service({
        monitoring: { service: { name: 'bare' }, shutdown: { handleSignals: false } },
      });
      expect(typeof decorate).toBe('function');
      expect(getMonitoring()).toBeUndefined();
      expect(() => service({ monitoring: { tracing: { sampler: 5 } } as never })).toThrow(ConfigError);
      // an object with `name` (as a class has) is options too
      @service({ name: 'Renamed' })
      class Named {
        go() {
          return 1;
        }
      }
      expect(new Named().go()).toBe(1);
      h.expectSpan('Renamed.go');
    });

    it('refuses bad arguments, naming the allowed forms', () => {
      const allowed = '@service: use @service, @service() or @service({ ...options }) as a decorator; got';
      expect(() => service(42 as never)).toThrow(`${allowed} number 42`);
      expect(() => service('x' as never)).toThrow(`${allowed} string x`);
      expect(() => service(null as never)).toThrow(`${allowed} null`);
      expect(() => service([] as never)).toThrow(`${allowed} an array`);
      expect(() => (service as (...a: unknown[]) => unknown)({}, {})).toThrow(`${allowed} 2 arguments`);
      expect(() => service({ monitoring: undefined, nope: 1 } as never)(class {})).toThrow(
        /unknown option "nope" \(did you mean "name"\?\); allowed: logLevel, /,
      );
      // a function that is not a class
      expect(() => service((() => {}) as never)).toThrow('@service applies to classes');
    });

    it('refuses methods, bare as well', () => {
      expect(() => {
        class _C {
          // @ts-expect-error -- @service decorates classes only
          @service
          m() {}
        }
        return _C;
      }).toThrow('@service applies to classes, not to the method m');
      expect(() => {
        class _D {
          // @ts-expect-error -- the same for the decorator @service() returns
          @service()
          m() {}
        }
        return _D;
      }).toThrow('@service applies to classes, not to the method m');
    });
  });

  describe('@monitored, @monitored() and @monitored({})', () => {
    it('produce the same telemetry on a class', async () => {
      await exercise(MonitoredBare);
      await exercise(MonitoredCalled);
      await exercise(MonitoredEmpty);
      const bare = await telemetryShape(h, 'MonitoredBare');
      expectExercised(bare);
      expect(await telemetryShape(h, 'MonitoredCalled')).toEqual(bare);
      expect(await telemetryShape(h, 'MonitoredEmpty')).toEqual(bare);
      // and the same as @service
      await exercise(ServiceBare);
      expect(await telemetryShape(h, 'ServiceBare')).toEqual(bare);
    });

    it('produce the same telemetry on methods, static methods included', async () => {
      for (const C of [MethodBare, MethodCalled, MethodEmpty]) {
        await exercise(C);
        expect(C.twice(4)).toBe(8);
      }
      const shapes = await Promise.all(
        ['MethodBare', 'MethodCalled', 'MethodEmpty'].map((c) => telemetryShape(h, c)),
      );
      const [bare, ...others] = shapes;
      expect(bare!.spans.map((s) => (s as { name: string }).name)).toEqual(['X.ok', 'X.fail', 'X.twice']);
      for (const other of others) expect(other).toEqual(bare);
      h.expectSpan('MethodBare.twice').toHaveStatus('UNSET');
      expect(
        await h.metricValue(METHOD_CALLS, { class: 'MethodBare', method: 'twice', outcome: 'success' }),
      ).toBe(1);
    });

    it('bare on a class completes methods decorated on their own, keeping their options', async () => {
      await exercise(Mixed);
      const ok = h.logs().find((l) => l.msg === 'Mixed.ok succeeded');
      expect(ok?.level).toBe(30);
      h.expectSpan('Mixed.fail').toHaveStatus('ERROR');
      expect(h.spans().map((s) => s.name)).toEqual(['Mixed.ok', 'Mixed.fail']);
      expect(h.expectSpan('Mixed.ok').span.status.code).toBe(SpanStatusCode.UNSET);
    });

    it('refuses fields and accessors, bare as well', () => {
      type Any = (value: unknown, context: DecoratorContext) => void;
      expect(() => {
        class _F {
          @(monitored as unknown as Any)
          field = 1;
        }
        return _F;
      }).toThrow('@monitored applies to classes and methods, not to the field field');
      expect(() => {
        class _G {
          @(monitored as unknown as Any)
          get x() {
            return 1;
          }
        }
        return _G;
      }).toThrow('@monitored applies to classes and methods, not to the getter x');
      expect(() => {
        class _H {
          // @ts-expect-error -- accessors are not methods
          @monitored
          get x() {
            return 1;
          }
        }
        return _H;
      }).toThrow('not to the getter x');
    });

    it('refuses bad arguments, naming the allowed forms', () => {
      const allowed =
        '@monitored: use @monitored, @monitored() or @monitored({ ...options }) as a decorator; got';
      // @ts-expect-error -- not an options object
      expect(() => monitored(42)).toThrow(`${allowed} number 42`);
      expect(() => monitored(null as never)).toThrow(`${allowed} null`);
      expect(() => monitored(['info'] as never)).toThrow(`${allowed} an array`);
      expect(() => (monitored as (...a: unknown[]) => unknown)({}, 'x')).toThrow(`${allowed} 2 arguments`);
      expect(() => monitored((() => {}) as never)).toThrow('@monitored applies to classes and methods');
    });
  });
});
