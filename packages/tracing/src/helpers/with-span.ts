import {
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  type SpanOptions as OtelSpanOptions,
  type Span,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { SpanOptions } from '../types';
import { TRACER_NAME, VERSION } from '../version';

let cachedProvider: TracerProvider | undefined;
let cachedTracer: Tracer | undefined;

/**
 * The global tracer used when no `tracer` option is given. It follows whatever provider is
 * registered, and is cached per provider (looking it up on every call cost ~15 % of a span).
 */
export function defaultTracer(): Tracer {
  const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  const provider = typeof global.getDelegate === 'function' ? global.getDelegate() : global;
  if (provider !== cachedProvider || cachedTracer === undefined) {
    cachedProvider = provider;
    cachedTracer = provider.getTracer(TRACER_NAME, VERSION);
  }
  return cachedTracer;
}

/**
 * Runs `fn` inside a new active span and ends the span when `fn` returns (sync) or its promise
 * settles (async). On a throw or rejection the span gets status ERROR and the exception recorded,
 * and the identical value is rethrown. A sync function stays sync: its return value comes back
 * unchanged; a thenable result is returned as a promise of the same outcome.
 *
 * @example
 * const user = await withSpan('db.load-user', async (span) => {
 *   span.setAttribute('user.id', id);
 *   return db.load(id);
 * });
 */
export function withSpan<T>(name: string, fn: (span: Span) => T, options?: SpanOptions): T {
  const tracer = options?.tracer ?? defaultTracer();
  let span: Span;
  let ctx: Context;
  try {
    const parent = options?.root === true ? undefined : context.active();
    span = tracer.startSpan(name, toOtelOptions(options), parent);
    ctx = trace.setSpan(parent ?? context.active(), span);
  } catch {
    // Telemetry must never stop the user's function from running (exactly once).
    return fn(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  }
  let result: T;
  try {
    result = context.with(ctx, fn, undefined, span);
  } catch (err) {
    failSpan(span, err);
    span.end();
    throw err;
  }
  return endSpanWith(span, result);
}

/**
 * Ends `span` when `result` is final: at once for a plain value, on settlement for a thenable
 * (recording a rejection). Returns `result` itself, or a promise of the same outcome.
 */
export function endSpanWith<T>(span: Span, result: T): T {
  if (isThenable(result)) return endWhenSettled(span, result) as T;
  span.end();
  return result;
}

// An async function awaiting the result is cheaper than `.then(onOk, onErr)` with two closures.
async function endWhenSettled(span: Span, pending: PromiseLike<unknown>): Promise<unknown> {
  try {
    const value = await pending;
    span.end();
    return value;
  } catch (err) {
    failSpan(span, err);
    span.end();
    throw err;
  }
}

/** Marks a span failed: status ERROR with the message, exception event. Never throws. */
export function failSpan(span: Span, err: unknown): void {
  try {
    if (err instanceof Error) {
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    } else {
      const message = describe(err);
      span.recordException({ name: typeof err, message });
      span.setStatus({ code: SpanStatusCode.ERROR, message });
    }
  } catch {
    // ignore: never let telemetry replace the user's error
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

export function toOtelOptions(options: SpanOptions | undefined): OtelSpanOptions | undefined {
  if (options === undefined) return undefined;
  const out: OtelSpanOptions = {};
  if (options.attributes !== undefined) out.attributes = options.attributes;
  if (options.kind !== undefined) out.kind = options.kind;
  if (options.links !== undefined) out.links = options.links;
  if (options.root === true) out.root = true;
  return out;
}
