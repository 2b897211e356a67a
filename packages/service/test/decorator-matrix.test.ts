import { SpanStatusCode } from '@opentelemetry/api';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import * as service from '@otelkit/service';
import { createTestTelemetry, type TestTelemetry } from '@otelkit/testing';
import { compileFixture } from './compile-fixture';
import * as errors from './fixtures/errors';

type Fixture = typeof import('./fixtures/matrix-services');
type Instance = InstanceType<Fixture['ClassDecorated']>;

const MODES = ['standard', 'legacy'] as const;
const SHAPES = ['ClassDecorated', 'MethodDecorated'] as const;

type Outcome = { kind: 'returns'; value: unknown } | { kind: 'throws'; value: unknown };

interface Case {
  method: string;
  shape: 'sync' | 'async' | 'generator' | 'async generator' | 'static';
  run: (o: Instance, C: Fixture['ClassDecorated']) => unknown;
  outcome: Outcome;
}

const drain = (it: Iterable<number>) => [...it];
const drainAsync = async (it: AsyncIterable<number>) => {
  const out: number[] = [];
  for await (const v of it) out.push(v);
  return out;
};

const CASES: Case[] = [
  { method: 'syncOk', shape: 'sync', run: (o) => o.syncOk(2), outcome: { kind: 'returns', value: 42 } },
  {
    method: 'syncThrowsError',
    shape: 'sync',
    run: (o) => o.syncThrowsError(),
    outcome: { kind: 'throws', value: errors.boom },
  },
  {
    method: 'syncThrowsString',
    shape: 'sync',
    run: (o) => o.syncThrowsString(),
    outcome: { kind: 'throws', value: 'sync string' },
  },
  {
    method: 'syncThrowsHostile',
    shape: 'sync',
    run: (o) => o.syncThrowsHostile(),
    outcome: { kind: 'throws', value: errors.hostile },
  },
  { method: 'asyncOk', shape: 'async', run: (o) => o.asyncOk(2), outcome: { kind: 'returns', value: 42 } },
  {
    method: 'asyncRejects',
    shape: 'async',
    run: (o) => o.asyncRejects(),
    outcome: { kind: 'throws', value: errors.boom },
  },
  {
    method: 'asyncRejectsString',
    shape: 'async',
    run: (o) => o.asyncRejectsString(),
    outcome: { kind: 'throws', value: 'async string' },
  },
  {
    method: 'gen',
    shape: 'generator',
    run: (o) => drain(o.gen(3)),
    outcome: { kind: 'returns', value: [40, 41, 42] },
  },
  {
    method: 'genThrows',
    shape: 'generator',
    run: (o) => drain(o.genThrows()),
    outcome: { kind: 'throws', value: errors.boom },
  },
  {
    method: 'agen',
    shape: 'async generator',
    run: (o) => drainAsync(o.agen(3)),
    outcome: { kind: 'returns', value: [40, 41, 42] },
  },
  {
    method: 'agenThrows',
    shape: 'async generator',
    run: (o) => drainAsync(o.agenThrows()),
    outcome: { kind: 'throws', value: errors.boom },
  },
  {
    method: 'staticOk',
    shape: 'static',
    run: (_o, C) => C.staticOk(21),
    outcome: { kind: 'returns', value: 42 },
  },
  {
    method: 'staticThrows',
    shape: 'static',
    run: (_o, C) => C.staticThrows(),
    outcome: { kind: 'throws', value: errors.boom },
  },
];

async function settle(fn: () => unknown): Promise<{ sync: boolean; outcome: Outcome }> {
  let r: unknown;
  try {
    r = fn();
  } catch (err) {
    return { sync: true, outcome: { kind: 'throws', value: err } };
  }
  if (r instanceof Promise) {
    try {
      return { sync: false, outcome: { kind: 'returns', value: await r } };
    } catch (err) {
      return { sync: false, outcome: { kind: 'throws', value: err } };
    }
  }
  return { sync: true, outcome: { kind: 'returns', value: r } };
}

describe.each(MODES)('@monitored with %s decorators', (mode) => {
  let h: TestTelemetry;
  let fixture: Fixture;

  beforeAll(() => {
    h = createTestTelemetry({ logLevel: 'debug' });
    fixture = compileFixture<Fixture>('matrix-services.ts', mode, {
      '@otelkit/service': service,
      './errors': errors,
    });
  });
  afterAll(() => h.shutdown());
  beforeEach(() => h.reset());

  describe.each(SHAPES)('as a %s', (shapeName) => {
    const C = () => fixture[shapeName] as unknown as Fixture['ClassDecorated'];

    it.each(CASES.map((c) => [`${c.shape} ${c.method}`, c] as const))('%s', async (_label, c) => {
      const Klass = C();
      const instance = new Klass();
      const metricsBefore = await h.metricValue(service.METHOD_CALLS, { class: shapeName, method: c.method });

      const { sync, outcome } = await settle(() => c.run(instance, Klass));

      // the value passes through unchanged — the identical thrown value included
      expect(outcome.kind).toBe(c.outcome.kind);
      if (outcome.kind === 'throws') expect(outcome.value).toBe(c.outcome.value);
      else expect(outcome.value).toEqual(c.outcome.value);
      // sync stays sync, async stays async (generators are drained synchronously or not)
      const expectSync = c.shape === 'sync' || c.shape === 'static' || c.shape === 'generator';
      expect(sync).toBe(expectSync);

      // one span, named Class.method, with code.* attributes and the right status
      const span = h.expectSpan(`${shapeName}.${c.method}`).span;
      expect(span.attributes[ATTR_CODE_FUNCTION_NAME]).toBe(`${shapeName}.${c.method}`);
      expect(span.attributes['code.function']).toBeUndefined(); // deprecated in semconv
      expect(span.attributes['code.namespace']).toBeUndefined();
      if (c.outcome.kind === 'throws') {
        expect(span.status.code).toBe(SpanStatusCode.ERROR);
        expect(span.events.filter((e) => e.name === 'exception')).toHaveLength(1);
      } else {
        expect(span.status.code).toBe(SpanStatusCode.UNSET);
        expect(span.events).toHaveLength(0);
      }

      // RED metrics: one call counted with class/method/outcome, one duration recorded
      const errorType =
        c.outcome.kind === 'throws'
          ? c.outcome.value === errors.boom
            ? 'Error'
            : typeof c.outcome.value === 'string'
              ? 'string'
              : '_OTHER'
          : undefined;
      const attrs = {
        class: shapeName,
        method: c.method,
        outcome: c.outcome.kind === 'returns' ? 'success' : 'error',
        ...(errorType ? { 'error.type': errorType } : {}),
      };
      expect(metricsBefore).toBeUndefined();
      expect(await h.metricValue(service.METHOD_CALLS, attrs)).toBe(1);
      const hist = await h.histogram(service.METHOD_DURATION, attrs);
      expect(hist?.count).toBe(1);
      expect(hist!.sum).toBeGreaterThanOrEqual(0);
      expect(hist!.sum).toBeLessThan(5);

      // one correlated log line: debug on success, error on failure, with the duration
      const lines = h.logs().filter((l) => l.method === c.method);
      expect(lines).toHaveLength(1);
      const line = lines[0]!;
      expect(line.level).toBe(c.outcome.kind === 'returns' ? 20 : 50);
      expect(line.class).toBe(shapeName);
      expect(line.msg).toBe(
        `${shapeName}.${c.method} ${c.outcome.kind === 'returns' ? 'succeeded' : 'failed'}`,
      );
      expect(typeof line.durationMs).toBe('number');
      expect(line.trace_id).toBe(span.spanContext().traceId);
      expect(line.span_id).toBe(span.spanContext().spanId);
    });

    it('keeps name and length of every method', () => {
      const proto = C().prototype as unknown as Record<string, Function>;
      expect(proto.syncOk!.name).toBe('syncOk');
      expect(proto.syncOk!.length).toBe(1);
      expect(proto.asyncOk!.name).toBe('asyncOk');
      expect((C() as unknown as Record<string, Function>).staticOk!.name).toBe('staticOk');
    });
  });
});
