import { SpanStatusCode, trace } from '@opentelemetry/api';
import { loggerFor, METHOD_CALLS, monitored } from '@otelkit/service';
import { createTestTelemetry, type TestTelemetry } from '@otelkit/testing';

describe('@monitored options', () => {
  let h: TestTelemetry;
  beforeAll(() => {
    h = createTestTelemetry({ logLevel: 'debug' });
  });
  afterAll(() => h.shutdown());
  beforeEach(() => h.reset());

  it('skips methods marked skip, excluded, or not included', async () => {
    @monitored({ exclude: ['excluded'] })
    class A {
      kept() {
        return 1;
      }
      excluded() {
        return 2;
      }
      @monitored({ skip: true })
      skipped() {
        return 3;
      }
    }
    @monitored({ include: ['only'] })
    class B {
      only() {
        return 1;
      }
      other() {
        return 2;
      }
    }
    const a = new A();
    const b = new B();
    expect([a.kept(), a.excluded(), a.skipped(), b.only(), b.other()]).toEqual([1, 2, 3, 1, 2]);
    expect(
      h
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['A.kept', 'B.only']);
  });

  it('uses the span name, class name and log levels given', () => {
    @monitored({ name: 'Orders', logLevel: 'info' })
    class OrderService {
      @monitored({ spanName: 'orders.place', logLevel: 'warn' })
      place() {
        return 'ok';
      }
      list() {
        return [];
      }
    }
    const s = new OrderService();
    s.place();
    s.list();
    expect(
      h
        .spans()
        .map((x) => x.name)
        .sort(),
    ).toEqual(['Orders.list', 'orders.place']);
    const levels = Object.fromEntries(h.logs().map((l) => [l.method, l.level]));
    expect(levels).toEqual({ place: 40, list: 30 });
    expect(h.logs().every((l) => l.class === 'Orders')).toBe(true);
  });

  it('does not write the success line when its level is disabled', () => {
    h.logger.level = 'info';
    h.reset(); // a fresh runtime: loggers for methods are made from the logger at its new level
    try {
      @monitored()
      class Q {
        ok() {
          return 1;
        }
        fail() {
          throw new Error('x');
        }
      }
      const q = new Q();
      q.ok();
      expect(() => q.fail()).toThrow('x');
      expect(h.logs().map((l) => l.msg)).toEqual(['Q.fail failed']);
    } finally {
      h.logger.level = 'debug';
      h.reset();
    }
  });

  it('adds attributes computed from the arguments, and survives an attributes function that throws', () => {
    class P {
      @monitored({
        attributes: ([id, amount]) => ({ 'order.id': String(id), 'order.amount': Number(amount) }),
      })
      charge(_id: string, _amount: number) {
        return true;
      }
      @monitored({
        attributes: () => {
          throw new Error('bad attributes fn');
        },
      })
      broken() {
        return 'still runs';
      }
    }
    const p = new P();
    expect(p.charge('o-1', 12.5)).toBe(true);
    expect(p.broken()).toBe('still runs');
    expect(h.expectSpan('P.charge').span.attributes).toMatchObject({
      'order.id': 'o-1',
      'order.amount': 12.5,
    });
    expect(h.expectSpan('P.broken').span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('captures arguments only when asked, with secrets redacted and length bounded', () => {
    class Login {
      @monitored({ captureArgs: true })
      login(_user: { name: string; password: string; headers: Record<string, string> }, _blob: string) {
        return true;
      }
      @monitored()
      plain(_password: string) {
        return true;
      }
    }
    const l = new Login();
    l.login({ name: 'ann', password: 'hunter2', headers: { authorization: 'Bearer abc' } }, 'x'.repeat(5000));
    l.plain('hunter2');
    const captured = String(h.expectSpan('Login.login').span.attributes['code.args']);
    expect(captured).toContain('"name":"ann"');
    expect(captured).not.toContain('hunter2');
    expect(captured).not.toContain('Bearer');
    expect(captured.length).toBeLessThanOrEqual(1024);
    expect(h.expectSpan('Login.plain').span.attributes['code.args']).toBeUndefined();
  });

  it('trace: false keeps metrics and logs but creates no span', async () => {
    class T {
      @monitored({ trace: false })
      hot() {
        return trace.getActiveSpan();
      }
    }
    expect(new T().hot()).toBeUndefined();
    expect(h.spans()).toHaveLength(0);
    expect(await h.metricValue(METHOD_CALLS, { class: 'T', method: 'hot', outcome: 'success' })).toBe(1);
    expect(h.logs()).toHaveLength(1);
  });

  it('loggerFor(this) is bound to the class and correlated with the method span', async () => {
    @monitored()
    class Payments {
      async pay(amount: number) {
        loggerFor(this).info({ amount }, 'paying');
        return amount;
      }
    }
    await new Payments().pay(3);
    const span = h.expectSpan('Payments.pay').span;
    const line = h.logs().find((l) => l.msg === 'paying')!;
    expect(line).toMatchObject({
      class: 'Payments',
      amount: 3,
      trace_id: span.spanContext().traceId,
      span_id: span.spanContext().spanId,
    });
  });

  it('nests spans: a monitored method called from another is its child', async () => {
    @monitored()
    class Outer {
      inner = new Inner();
      async run() {
        return this.inner.step();
      }
    }
    @monitored()
    class Inner {
      async step() {
        return 'done';
      }
    }
    await new Outer().run();
    h.expectSpan('Inner.step').toHaveParent('Outer.run');
    const outer = h.expectSpan('Outer.run').span;
    const inner = h.expectSpan('Inner.step').span;
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
  });

  it('rejects bad options at decoration time with a clear error', () => {
    expect(() => monitored({ logLevel: 'loud' } as never)).toThrow(
      '@monitored(options): logLevel must be one of trace|debug|info|warn|error|fatal|silent, got "loud"',
    );
    expect(() => monitored({ sample: 0.1 } as never)).toThrow(/unknown option "sample"; allowed: /);
    expect(() => {
      @monitored({ skip: true } as never)
      class _X {}
      return _X;
    }).toThrow('@monitored(class _X): unknown option "skip"');
    expect(() => {
      class _Y {
        @monitored({ include: ['a'] } as never)
        m() {}
      }
      return _Y;
    }).toThrow('@monitored(method m): unknown option "include"');
  });

  it('refuses fields and accessors', () => {
    expect(() => {
      class _Z {
        @(monitored() as unknown as (value: undefined, context: ClassFieldDecoratorContext) => void)
        field = 1;
      }
      return _Z;
    }).toThrow('@monitored applies to classes and methods, not to the field field');
  });
});
