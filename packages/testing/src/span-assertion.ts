import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

const STATUS = { UNSET: SpanStatusCode.UNSET, OK: SpanStatusCode.OK, ERROR: SpanStatusCode.ERROR } as const;

export class SpanAssertionError extends Error {
  override name = 'SpanAssertionError';
}

/** Fluent checks on the one finished span with a given name; each throws a descriptive error. */
export class SpanAssertion {
  constructor(
    readonly name: string,
    private readonly _all: () => readonly ReadableSpan[],
  ) {}

  /** The span (exactly one must have finished with this name). */
  get span(): ReadableSpan {
    const found = this._all().filter((s) => s.name === this.name);
    if (found.length !== 1) {
      const names = [...new Set(this._all().map((s) => s.name))];
      throw new SpanAssertionError(
        `expected exactly one finished span "${this.name}", found ${found.length} (finished: ${names.join(', ') || 'none'})`,
      );
    }
    return found[0]!;
  }

  toExist(): this {
    void this.span;
    return this;
  }

  toHaveStatus(status: keyof typeof STATUS): this {
    const code = this.span.status.code;
    if (code !== STATUS[status]) {
      const actual = Object.entries(STATUS).find(([, v]) => v === code)?.[0];
      throw new SpanAssertionError(`span "${this.name}": expected status ${status}, got ${actual}`);
    }
    return this;
  }

  toHaveAttribute(key: string, value?: unknown): this {
    const attrs = this.span.attributes;
    if (!(key in attrs)) throw new SpanAssertionError(`span "${this.name}": no attribute "${key}"`);
    if (value !== undefined && attrs[key] !== value) {
      throw new SpanAssertionError(
        `span "${this.name}": attribute "${key}" is ${JSON.stringify(attrs[key])}, expected ${JSON.stringify(value)}`,
      );
    }
    return this;
  }

  toHaveEvent(name: string): this {
    if (!this.span.events.some((e) => e.name === name)) {
      throw new SpanAssertionError(
        `span "${this.name}": no event "${name}" (events: ${this.span.events.map((e) => e.name).join(', ') || 'none'})`,
      );
    }
    return this;
  }

  /** The span's parent is the one finished span named `parentName`. */
  toHaveParent(parentName: string): this {
    const parent = new SpanAssertion(parentName, this._all).span;
    const child = this.span;
    if (child.parentSpanContext?.spanId !== parent.spanContext().spanId) {
      throw new SpanAssertionError(`span "${this.name}": parent is not "${parentName}"`);
    }
    return this;
  }
}
