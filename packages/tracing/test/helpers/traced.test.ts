import { SpanStatusCode } from '@opentelemetry/api';
import { createTracing, traced } from '../../src';
import { memoryExporter, testResource, tracingConfig } from '../support/config';

// TC39 standard decorators (this file is compiled without experimentalDecorators).
const tracing = createTracing(tracingConfig({ exporters: [memoryExporter()] }), testResource());
const spans = () => tracing.memoryExporter!.getFinishedSpans();
const options = { tracer: tracing.tracer };

class Orders {
  calls = 0;
  constructor(private readonly factor: number) {}

  @traced(options)
  total(a: number, b: number): number {
    this.calls++;
    return (a + b) * this.factor;
  }

  @traced({ ...options, name: 'orders.load', attributes: { 'app.component': 'orders' } })
  async load(id: string): Promise<string> {
    await new Promise((r) => setTimeout(r, 1));
    return `order-${id}`;
  }

  @traced(options)
  fail(value: unknown): never {
    throw value;
  }

  @traced(options)
  async failLater(value: unknown): Promise<never> {
    throw value;
  }

  @traced(options)
  static create(): Orders {
    return new Orders(1);
  }
}

afterAll(() => tracing.shutdown());
beforeEach(() => tracing.memoryExporter!.reset());

describe('@traced (TC39 standard decorators)', () => {
  it('keeps a sync method sync, with `this` and arguments intact, exactly one call', () => {
    const orders = new Orders(2);
    const result = orders.total(1, 2);
    expect(result).toBe(6);
    expect(orders.calls).toBe(1);
    expect(spans().map((s) => s.name)).toEqual(['Orders.total']);
  });

  it('traces async methods until they settle, with the configured name and attributes', async () => {
    await expect(new Orders(1).load('7')).resolves.toBe('order-7');
    const [span] = spans();
    expect(span!.name).toBe('orders.load');
    expect(span!.attributes).toEqual({ 'app.component': 'orders' });
  });

  it('rethrows the identical value (Error or not) and marks the span ERROR', async () => {
    const err = new RangeError('nope');
    expect(() => new Orders(1).fail(err)).toThrow(err);
    const thrownObject = { reason: 'x' };
    let caught: unknown;
    try {
      new Orders(1).fail(thrownObject);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(thrownObject);
    await expect(new Orders(1).failLater('str')).rejects.toBe('str');
    expect(spans().map((s) => s.status.code)).toEqual([
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
    ]);
  });

  it('names static methods after the class', () => {
    expect(Orders.create()).toBeInstanceOf(Orders);
    expect(spans().map((s) => s.name)).toEqual(['Orders.create']);
  });

  it('throws at class definition when applied to a field', () => {
    expect(() => {
      class Bad {
        // @ts-expect-error a field is not a method
        @traced() x = 1;
      }
      return Bad;
    }).toThrow(/@traced can only decorate methods; got a field/);
  });
});
