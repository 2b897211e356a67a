import {
  type Context,
  isSpanContextValid,
  propagation,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';

/** Jaeger's trace-context header: `{trace-id}:{span-id}:{parent-span-id}:{flags}`. */
export const UBER_TRACE_ID_HEADER = 'uber-trace-id';
/** Jaeger's baggage headers: `uberctx-{key}: {url-encoded value}`. */
export const UBER_BAGGAGE_PREFIX = 'uberctx-';

const HEX = /^[0-9a-f]+$/i;
const ZERO = /^0+$/;
/** Jaeger flag bits: 1 sampled, 2 debug (debug implies sampled). */
const FLAG_SAMPLED = 0x1;
const FLAG_DEBUG = 0x2;

/**
 * The Jaeger propagation format (`uber-trace-id` and `uberctx-*` baggage), for services that
 * still talk to Jaeger-client-instrumented peers. OpenTelemetry JS 3.x has no
 * `@opentelemetry/propagator-jaeger`, so it lives here, written from Jaeger's documented wire
 * format: ids are hex without leading zeros (padded back to 32/16 on extract), the parent id is
 * deprecated and written as `0`, the value may arrive URL-encoded (`%3A` for `:`).
 *
 * Extraction never throws: a malformed header leaves the context as it was.
 *
 * @example
 * propagation.setGlobalPropagator(new JaegerPropagator());
 */
export class JaegerPropagator implements TextMapPropagator {
  // Flags as two hex digits (`01`), the form Jaeger clients and the former OTel propagator wrote.
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpan(context);
    const spanContext = span?.spanContext();
    if (spanContext !== undefined && isSpanContextValid(spanContext) && !isTracingSuppressed(context)) {
      const flags = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? FLAG_SAMPLED : 0;
      setter.set(
        carrier,
        UBER_TRACE_ID_HEADER,
        `${spanContext.traceId}:${spanContext.spanId}:0:${flags.toString(16).padStart(2, '0')}`,
      );
    }
    const baggage = propagation.getBaggage(context);
    if (baggage === undefined) return;
    for (const [key, entry] of baggage.getAllEntries()) {
      setter.set(carrier, `${UBER_BAGGAGE_PREFIX}${key}`, encodeURIComponent(entry.value));
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let result = context;
    const raw = first(getter.get(carrier, UBER_TRACE_ID_HEADER));
    if (raw !== undefined) {
      const parsed = parseUberTraceId(raw);
      if (parsed !== undefined) result = trace.setSpanContext(result, parsed);
    }
    const entries: Record<string, { value: string }> = {};
    let found = false;
    for (const key of getter.keys(carrier)) {
      if (!key.toLowerCase().startsWith(UBER_BAGGAGE_PREFIX)) continue;
      const value = first(getter.get(carrier, key));
      if (value === undefined) continue;
      const name = key.slice(UBER_BAGGAGE_PREFIX.length).toLowerCase();
      if (name.length === 0) continue;
      entries[name] = { value: safeDecode(value) };
      found = true;
    }
    if (!found) return result;
    let baggage = propagation.getBaggage(result) ?? propagation.createBaggage();
    for (const [key, entry] of Object.entries(entries)) baggage = baggage.setEntry(key, entry);
    return propagation.setBaggage(result, baggage);
  }

  fields(): string[] {
    return [UBER_TRACE_ID_HEADER];
  }
}

/** `uber-trace-id` → a remote span context, or undefined when any part is malformed. */
export function parseUberTraceId(raw: string) {
  const parts = safeDecode(raw).trim().split(':');
  if (parts.length !== 4) return undefined;
  const [traceIdRaw, spanIdRaw, , flagsRaw] = parts as [string, string, string, string];
  if (traceIdRaw.length === 0 || traceIdRaw.length > 32 || !HEX.test(traceIdRaw)) return undefined;
  if (spanIdRaw.length === 0 || spanIdRaw.length > 16 || !HEX.test(spanIdRaw)) return undefined;
  if (ZERO.test(traceIdRaw) || ZERO.test(spanIdRaw)) return undefined;
  if (flagsRaw.length === 0 || flagsRaw.length > 2 || !HEX.test(flagsRaw)) return undefined;
  const flags = Number.parseInt(flagsRaw, 16);
  const sampled = (flags & (FLAG_SAMPLED | FLAG_DEBUG)) !== 0;
  return {
    traceId: traceIdRaw.toLowerCase().padStart(32, '0'),
    spanId: spanIdRaw.toLowerCase().padStart(16, '0'),
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
