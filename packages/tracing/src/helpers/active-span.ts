import { type Attributes, type AttributeValue, context, type Span, trace } from '@opentelemetry/api';

/**
 * The span active in the current context, or `undefined` when there is none.
 *
 * @example
 * getActiveSpan()?.addEvent('cache.miss');
 */
export function getActiveSpan(): Span | undefined {
  return trace.getSpan(context.active());
}

/**
 * Sets attributes on the active span; `undefined`/`null` values are skipped, non-primitive values
 * are stored as JSON strings. Does nothing without an active span. Never throws.
 *
 * @example
 * setSpanAttributes({ 'user.id': id, 'cart.items': items.length });
 */
export function setSpanAttributes(attributes: Readonly<Record<string, unknown>>): void {
  const span = getActiveSpan();
  if (span === undefined || !span.isRecording()) return;
  span.setAttributes(toAttributes(attributes));
}

/**
 * Sets one attribute on the active span (see {@link setSpanAttributes}).
 *
 * @example
 * setSpanAttribute('order.id', order.id);
 */
export function setSpanAttribute(key: string, value: unknown): void {
  const span = getActiveSpan();
  if (span === undefined || !span.isRecording()) return;
  const v = toAttributeValue(value);
  if (v !== undefined) span.setAttribute(key, v);
}

/**
 * Converts arbitrary values into valid OpenTelemetry attributes: strings, finite numbers,
 * booleans and homogeneous arrays pass through; `undefined`/`null` are skipped; `bigint` and
 * dates become strings; everything else becomes JSON (or its `String()` form).
 *
 * @example
 * toAttributes({ ok: true, when: new Date(0), extra: { a: 1 } });
 * // { ok: true, when: '1970-01-01T00:00:00.000Z', extra: '{"a":1}' }
 */
export function toAttributes(values: Readonly<Record<string, unknown>>): Attributes {
  const out: Attributes = {};
  for (const key of Object.keys(values)) {
    const v = toAttributeValue(values[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function toAttributeValue(value: unknown): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    const first = value.find((x) => x !== null && x !== undefined);
    const t = typeof first;
    if (
      value.every((x) => x === null || x === undefined || typeof x === t) &&
      (t === 'string' || t === 'number' || t === 'boolean')
    ) {
      return value as AttributeValue;
    }
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
