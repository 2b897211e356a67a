// Shared by bare-decorators.test.ts (TC39) and bare-decorators.legacy.test.ts
// (experimentalDecorators): the telemetry one class's calls left behind, with the class name
// replaced by `X`, so `@service`, `@service()` and `@service({})` can be compared for equality.
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import { METHOD_CALLS, METHOD_DURATION } from '@otelkit/service';
import type { TestTelemetry } from '@otelkit/testing';

/** A class the decorator forms are applied to: one method that returns, one that rejects. */
export interface FormInstance {
  ok(n: number): number;
  fail(): Promise<never>;
}

/** What `exercise` calls: `ok(21)` returns 42, `fail()` rejects with `Error('nope')`. */
export const CALLS = [
  { method: 'ok', outcome: 'success' },
  { method: 'fail', outcome: 'error', 'error.type': 'Error' },
] as const;

/** Calls each method once and checks that the value or the error passes through. */
export async function exercise(C: new () => FormInstance): Promise<void> {
  const o = new C();
  expect(o).toBeInstanceOf(C);
  expect(o.ok(21)).toBe(42);
  await expect(o.fail()).rejects.toThrow('nope');
}

export interface TelemetryShape {
  spans: unknown[];
  metrics: unknown[];
  logs: unknown[];
}

// values that differ between any two runs (ids, times, stacks) keep only their type
const VOLATILE = new Set([
  'time',
  'pid',
  'hostname',
  'trace_id',
  'span_id',
  'trace_flags',
  'durationMs',
  'stack',
]);

function normalize(value: unknown, className: string, key?: string): unknown {
  if (key !== undefined && VOLATILE.has(key)) return typeof value;
  if (typeof value === 'string') return value.split(className).join('X');
  if (Array.isArray(value)) return value.map((v) => normalize(v, className));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v, className, k)]));
  }
  return value;
}

/** Spans, RED metrics and log lines of `className`, normalised. */
export async function telemetryShape(h: TestTelemetry, className: string): Promise<TelemetryShape> {
  const spans = h
    .spans()
    .filter((s) => String(s.attributes[ATTR_CODE_FUNCTION_NAME]).startsWith(`${className}.`))
    .map((s) =>
      normalize(
        {
          name: s.name,
          kind: s.kind,
          status: s.status,
          attributes: s.attributes,
          events: s.events.map((e) => ({
            name: e.name,
            type: e.attributes?.['exception.type'],
            message: e.attributes?.['exception.message'],
          })),
          hasParent: s.parentSpanContext !== undefined,
          scope: s.instrumentationScope.name,
        },
        className,
      ),
    );
  const metrics: unknown[] = [
    { total: await h.metricValue(METHOD_CALLS, { class: className }) },
    { totalDurations: await h.metricValue(METHOD_DURATION, { class: className }) },
  ];
  for (const call of CALLS) {
    const attrs = { class: className, ...call };
    const hist = await h.histogram(METHOD_DURATION, attrs);
    metrics.push(
      normalize(
        { ...attrs, calls: await h.metricValue(METHOD_CALLS, attrs), durations: hist?.count },
        className,
      ),
    );
  }
  const logs = h
    .logs()
    .filter((l) => l.class === className)
    .map((l) => normalize(l, className));
  return { spans, metrics, logs };
}

/** What every form must produce for `exercise`; checked so that equal shapes are not empty ones. */
export function expectExercised(shape: TelemetryShape): void {
  expect(shape.spans.map((s) => (s as { name: string }).name)).toEqual(['X.ok', 'X.fail']);
  expect(shape.metrics).toEqual([
    { total: 2 },
    { totalDurations: 2 },
    { class: 'X', method: 'ok', outcome: 'success', calls: 1, durations: 1 },
    { class: 'X', method: 'fail', outcome: 'error', 'error.type': 'Error', calls: 1, durations: 1 },
  ]);
  expect(shape.logs.map((l) => [(l as { level: number }).level, (l as { msg: string }).msg])).toEqual([
    [20, 'X.ok succeeded'],
    [50, 'X.fail failed'],
  ]);
}
