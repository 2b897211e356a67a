import { errorType } from '@otelkit/metrics';

class PaymentDeclined extends Error {}

describe('errorType', () => {
  it('names an error by its class', () => {
    expect(errorType(new RangeError('x'))).toBe('RangeError');
    expect(errorType(new PaymentDeclined('no'))).toBe('PaymentDeclined');
    expect(errorType(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('Error');
  });

  it("names a plain object by its own name, else its code, else '_OTHER'", () => {
    expect(errorType({ name: 'AbortError', message: 'aborted' })).toBe('AbortError');
    expect(errorType({ code: 'ETIMEDOUT' })).toBe('ETIMEDOUT');
    expect(errorType({ message: 'no name' })).toBe('_OTHER');
    expect(errorType(Object.create(null))).toBe('_OTHER');
    expect(errorType({ name: 'x'.repeat(100) })).toBe('_OTHER');
    expect(errorType({ name: '', code: 42 })).toBe('_OTHER');
  });

  it('names primitives by their type and null as null', () => {
    expect(errorType('boom')).toBe('string');
    expect(errorType(42)).toBe('number');
    expect(errorType(undefined)).toBe('undefined');
    expect(errorType(null)).toBe('null');
  });

  it("never throws: a value whose getters throw is '_OTHER'", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('hostile getter');
        },
        getPrototypeOf() {
          throw new Error('hostile prototype');
        },
      },
    );
    expect(errorType(hostile)).toBe('_OTHER');
  });
});
