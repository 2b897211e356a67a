import { EventEmitter } from 'node:events';
import { context, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import {
  createTracing,
  getActiveSpan,
  setSpanAttribute,
  setSpanAttributes,
  type TracingHandle,
  withSpan,
} from '../../src';
import { memoryExporter, testResource, tracingConfig } from '../support/config';

let tracing: TracingHandle;
const finished = () => tracing.memoryExporter!.getFinishedSpans();
const byName = (name: string) => finished().find((s) => s.name === name)!;

beforeAll(() => {
  tracing = createTracing(tracingConfig({ exporters: [memoryExporter()] }), testResource());
  expect(tracing.register()).toBe(true);
});
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.memoryExporter!.reset());

describe('withSpan', () => {
  it('keeps a sync function sync and returns its value unchanged', () => {
    const value = { a: 1 };
    const result = withSpan('sync', () => value);
    expect(result).toBe(value);
    expect(byName('sync').ended).toBe(true);
    expect(byName('sync').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('runs the function exactly once and passes it the span, active in context', () => {
    let calls = 0;
    withSpan('once', (span) => {
      calls++;
      expect(getActiveSpan()).toBe(span);
      span.setAttribute('k', 'v');
    });
    expect(calls).toBe(1);
    expect(byName('once').attributes).toEqual({ k: 'v' });
  });

  it('ends an async span when the promise resolves and returns the resolved value', async () => {
    let resolve!: (v: number) => void;
    const p = withSpan('async', () => new Promise<number>((r) => (resolve = r)));
    expect(finished()).toHaveLength(0);
    resolve(42);
    await expect(p).resolves.toBe(42);
    expect(byName('async').ended).toBe(true);
  });

  it('rethrows the identical Error from a sync function and marks the span ERROR with the exception', () => {
    const error = new TypeError('boom');
    let caught: unknown;
    try {
      withSpan('sync-throw', () => {
        throw error;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(error);
    const span = byName('sync-throw');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    const event = span.events.find((e) => e.name === 'exception')!;
    expect(event.attributes!['exception.type']).toBe('TypeError');
    expect(event.attributes!['exception.message']).toBe('boom');
  });

  it.each([
    ['a string', 'just a string'],
    ['a number', 42],
    ['undefined', undefined],
    ['null', null],
    ['a plain object', { code: 'E_X' }],
  ])('rethrows %s unchanged from sync and async functions', async (_label, thrown) => {
    let caught: unknown = Symbol('not thrown');
    try {
      withSpan('throw-value', () => {
        throw thrown;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(thrown);
    let rejected: unknown = Symbol('not rejected');
    await withSpan('reject-value', async () => {
      throw thrown;
    }).catch((e: unknown) => {
      rejected = e;
    });
    expect(rejected).toBe(thrown);
    expect(byName('throw-value').status.code).toBe(SpanStatusCode.ERROR);
    expect(byName('reject-value').status.code).toBe(SpanStatusCode.ERROR);
    expect(byName('reject-value').events.some((e) => e.name === 'exception')).toBe(true);
  });

  it('makes nested spans children of the active span', async () => {
    await withSpan('parent', async () => {
      await withSpan('child', async () => {
        withSpan('grandchild', () => undefined);
      });
    });
    const parent = byName('parent');
    const child = byName('child');
    const grandchild = byName('grandchild');
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(grandchild.parentSpanContext?.spanId).toBe(child.spanContext().spanId);
    expect(new Set([parent, child, grandchild].map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('starts a new trace with { root: true }', () => {
    withSpan('outer', () => withSpan('detached', () => undefined, { root: true }));
    expect(byName('detached').parentSpanContext).toBeUndefined();
    expect(byName('detached').spanContext().traceId).not.toBe(byName('outer').spanContext().traceId);
  });

  it('applies attributes and kind from options', () => {
    withSpan('opts', () => undefined, { attributes: { 'app.x': 1 }, kind: 2 });
    expect(byName('opts').attributes).toEqual({ 'app.x': 1 });
    expect(byName('opts').kind).toBe(2);
  });

  it('keeps the active span across await, timers and bound event emitters (AsyncLocalStorage)', async () => {
    const seen: Record<string, string | undefined> = {};
    let emitter!: EventEmitter;
    await withSpan('ctx', async (span) => {
      const id = span.spanContext().spanId;
      await new Promise((r) => setTimeout(r, 5));
      seen.afterAwait = getActiveSpan()?.spanContext().spanId;
      await new Promise<void>((r) =>
        setTimeout(() => {
          seen.timer = getActiveSpan()?.spanContext().spanId;
          r();
        }, 1),
      );
      // An emitter bound inside the span calls its listeners in the span's context.
      emitter = context.bind(context.active(), new EventEmitter());
      emitter.on('evt', () => {
        seen.emitter = getActiveSpan()?.spanContext().spanId;
      });
      await new Promise<void>((r) => setImmediate(r));
      expect(id).toBeDefined();
      seen.expected = id;
    });
    expect(getActiveSpan()).toBeUndefined();
    emitter.emit('evt'); // emitted outside any span
    expect(seen.afterAwait).toBe(seen.expected);
    expect(seen.timer).toBe(seen.expected);
    expect(seen.emitter).toBe(seen.expected);
    expect(getActiveSpan()).toBeUndefined();
  });

  it('still runs the function exactly once when the tracer itself throws', () => {
    const broken = {
      startSpan: () => {
        throw new Error('tracer bug');
      },
      startActiveSpan: () => {
        throw new Error('tracer bug');
      },
    } as unknown as Tracer;
    let calls = 0;
    const result = withSpan(
      'guarded',
      (span) => {
        calls++;
        expect(span.isRecording()).toBe(false);
        return 'value';
      },
      { tracer: broken },
    );
    expect(result).toBe('value');
    expect(calls).toBe(1);
  });

  it('uses the tracer given in options', () => {
    const other = createTracing(tracingConfig({ exporters: [memoryExporter()] }));
    withSpan('elsewhere', () => undefined, { tracer: other.tracer });
    expect(other.memoryExporter!.getFinishedSpans().map((s) => s.name)).toEqual(['elsewhere']);
    expect(finished()).toHaveLength(0);
  });
});

describe('attribute helpers', () => {
  it('set attributes on the active span, converting values and skipping null/undefined', () => {
    withSpan('attrs', () => {
      setSpanAttributes({
        s: 'x',
        n: 1.5,
        b: false,
        arr: [1, 2],
        date: new Date(0),
        obj: { a: 1 },
        big: 10n,
        none: undefined,
        nil: null,
      });
      setSpanAttribute('one', 'more');
    });
    expect(byName('attrs').attributes).toEqual({
      s: 'x',
      n: 1.5,
      b: false,
      arr: [1, 2],
      date: '1970-01-01T00:00:00.000Z',
      obj: '{"a":1}',
      big: '10',
      one: 'more',
    });
  });

  it('do nothing without an active span', () => {
    expect(() => setSpanAttributes({ a: 1 })).not.toThrow();
    expect(getActiveSpan()).toBeUndefined();
  });
});
