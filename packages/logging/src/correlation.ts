import { context, isSpanContextValid, type Span, trace } from '@opentelemetry/api';

/**
 * Builds pino's `timestamp` function with the active span's ids appended.
 *
 * Why not pino's `mixin`: a mixin returns an object that pino merges into every call's object
 * (an allocation and an `Object.assign` per line) and then serialises field by field. The
 * `timestamp` hook returns a ready JSON fragment that pino concatenates as is, so correlation
 * costs one context lookup per line, and a string concatenation that is cached per span
 * (consecutive lines of one span reuse the same fragment).
 *
 * @param time the timestamp fragment without correlation, e.g. `,"time":1700000000000`
 * @param ecs `trace.id`/`span.id` (ECS) instead of `trace_id`/`span_id`/`trace_flags`
 */
export function correlatedTimestamp(time: () => string, ecs: boolean): () => string {
  let lastSpan: Span | undefined;
  let lastFragment = '';
  return function timestampWithCorrelation(): string {
    const span = trace.getSpan(context.active());
    if (span === undefined) return time();
    if (span !== lastSpan) {
      lastSpan = span;
      lastFragment = fragmentOf(span, ecs);
    }
    return time() + lastFragment;
  };
}

function fragmentOf(span: Span, ecs: boolean): string {
  const sc = span.spanContext();
  if (!isSpanContextValid(sc)) return '';
  // trace and span ids are lowercase hex by contract (validated above): no escaping needed.
  if (ecs) return `,"trace.id":"${sc.traceId}","span.id":"${sc.spanId}"`;
  const flags = (sc.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `,"trace_id":"${sc.traceId}","span_id":"${sc.spanId}","trace_flags":"${flags}"`;
}
