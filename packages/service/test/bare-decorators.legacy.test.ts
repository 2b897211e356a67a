// Bare `@service` / `@monitored` with experimentalDecorators (NestJS style); the same checks with
// TC39 standard decorators are in bare-decorators.test.ts.
import 'reflect-metadata';
import { type Counter, type Histogram, type Meter, metrics, type Tracer, trace } from '@opentelemetry/api';
import { loggerFor, METHOD_CALLS, type MonitoringLogger, monitored, service } from '@otelkit/service';
import { createTestTelemetry, type TestTelemetry } from '@otelkit/testing';
import { exercise, expectExercised, telemetryShape } from './bare-decorators.shape';

// Seed 004's classes, as the seed writes them (see bare-decorators.test.ts for the translation).
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

// What NestJS does with a method decorator: metadata on the method function.
const Roles =
  (...roles: string[]): MethodDecorator =>
  (_target, _key, descriptor) => {
    Reflect.defineMetadata('roles', roles, descriptor.value as object);
  };

@monitored
class Mixed {
  @monitored({ logLevel: 'info' })
  ok(n: number) {
    return n * 2;
  }
  @monitored
  @Roles('admin')
  async fail(): Promise<never> {
    throw new Error('nope');
  }
}

describe('bare decorators (experimentalDecorators)', () => {
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
      expect(h.spans()).toHaveLength(0);
    });

    it('MetricsExample: its own counter and histogram record, and the method is traced and metered', async () => {
      expect(new MetricsExample().handle(0.5)).toBe('handled');
      expect(await h.metricValue('requests_total')).toBe(1);
      expect((await h.histogram('response_time_seconds'))?.sum).toBe(0.5);
      h.expectSpan('MetricsExample.handle').toHaveStatus('UNSET');
      expect(
        await h.metricValue(METHOD_CALLS, { class: 'MetricsExample', method: 'handle', outcome: 'success' }),
      ).toBe(1);
    });

    it('LoggingExample: its logger writes lines correlated with the method span', () => {
      expect(new LoggingExample().process('o-2')).toBe('o-2');
      const lines = h.logsFor(h.expectSpan('LoggingExample.process').span);
      expect(lines.map((l) => l.msg)).toEqual(['processing', 'LoggingExample.process succeeded']);
      expect(lines[0]).toMatchObject({ class: 'LoggingExample', id: 'o-2', level: 30 });
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
    });

    it('refuses methods and static methods, bare as well', () => {
      expect(() => {
        class _C {
          // @ts-expect-error -- @service decorates classes only
          @service
          m() {}
        }
        return _C;
      }).toThrow('@service applies to classes, not to the member m');
      expect(() => {
        class _D {
          // @ts-expect-error -- @service decorates classes only
          @service
          static s() {}
          m() {}
        }
        return _D;
      }).toThrow('@service applies to classes, not to the member s');
    });

    it('refuses bad arguments, naming the allowed forms', () => {
      const allowed = '@service: use @service, @service() or @service({ ...options }) as a decorator; got';
      // @ts-expect-error -- not an options object
      expect(() => service(42)).toThrow(`${allowed} number 42`);
      expect(() => service(null as never)).toThrow(`${allowed} null`);
      // @ts-expect-error -- a function is not a class
      expect(() => service(() => {})).toThrow(
        '@service applies to classes; the function (anonymous) is not a class',
      );
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
      await exercise(ServiceBare);
      expect(await telemetryShape(h, 'ServiceBare')).toEqual(bare);
    });

    it('produce the same telemetry on methods, static methods included', async () => {
      for (const C of [MethodBare, MethodCalled, MethodEmpty]) {
        await exercise(C);
        expect(C.twice(4)).toBe(8);
      }
      const [bare, ...others] = await Promise.all(
        ['MethodBare', 'MethodCalled', 'MethodEmpty'].map((c) => telemetryShape(h, c)),
      );
      expect(bare!.spans.map((s) => (s as { name: string }).name)).toEqual(['X.ok', 'X.fail', 'X.twice']);
      for (const other of others) expect(other).toEqual(bare);
      expect(
        await h.metricValue(METHOD_CALLS, { class: 'MethodBare', method: 'twice', outcome: 'success' }),
      ).toBe(1);
    });

    it('bare on a class completes methods decorated on their own, keeping options and metadata', async () => {
      await exercise(Mixed);
      expect(h.logs().find((l) => l.msg === 'Mixed.ok succeeded')?.level).toBe(30);
      h.expectSpan('Mixed.fail').toHaveStatus('ERROR');
      expect(h.spans().map((s) => s.name)).toEqual(['Mixed.ok', 'Mixed.fail']);
      expect(Reflect.getMetadata('roles', new Mixed().fail)).toEqual(['admin']);
    });

    it('refuses accessors and properties, bare as well, as with @monitored()', () => {
      for (const decorator of [monitored, monitored()]) {
        expect(() => {
          class _G {
            @decorator
            get x() {
              return 1;
            }
          }
          return _G;
        }).toThrow('@monitored applies to classes and methods; x is not a method');
      }
      expect(() => {
        class _P {
          @(monitored as unknown as PropertyDecorator)
          p = 1;
        }
        return _P;
      }).toThrow('@monitored applies to classes and methods; p is not a method');
    });

    it('refuses bad arguments, naming the allowed forms', () => {
      const allowed =
        '@monitored: use @monitored, @monitored() or @monitored({ ...options }) as a decorator; got';
      // @ts-expect-error -- not an options object
      expect(() => monitored('info')).toThrow(`${allowed} string info`);
      expect(() => (monitored as (...a: unknown[]) => unknown)({}, {})).toThrow(`${allowed} 2 arguments`);
    });
  });
});
