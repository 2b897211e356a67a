import { type Context, context, type Span, trace } from '@opentelemetry/api';
import { checkOptionKeys } from '@otelkit/config';
import type { TracedOptions } from '../types';
import { decorateMethod, qualifiedName, type UniversalMethodDecorator } from './decorator-kind';
import { defaultTracer, endSpanWith, failSpan, toOtelOptions } from './with-span';

/**
 * Method decorator: every call runs inside a span named `<ClassName>.<method>` (or
 * `options.name`). Works with TC39 standard decorators and with `experimentalDecorators`.
 * Sync methods stay sync; a throw or rejection marks the span ERROR and the identical value is
 * rethrown; the method runs exactly once.
 *
 * @example
 * class Orders {
 *   @traced({ attributes: { 'app.component': 'orders' } })
 *   async place(order: Order) { ... }
 * }
 */
const TRACED_OPTION_KEYS = [
  'name',
  'attributes',
  'kind',
  'links',
  'root',
  'tracer',
] as const satisfies readonly (keyof TracedOptions)[];
// Compile-time: the list names every option (a new one that is not listed fails the build).
const _traced_keys_complete: [Exclude<keyof TracedOptions, (typeof TRACED_OPTION_KEYS)[number]>] extends [
  never,
]
  ? true
  : never = true;
void _traced_keys_complete;

export function traced(options: TracedOptions = {}): UniversalMethodDecorator {
  if (options === null || typeof options !== 'object') {
    throw new Error('@traced(options): options must be an object');
  }
  checkOptionKeys(options, TRACED_OPTION_KEYS, '@traced(options)');
  const spanOptions = toOtelOptions(options);
  const wrap = (method: (...args: unknown[]) => unknown, methodName: string) =>
    function tracedMethod(this: unknown, ...args: unknown[]): unknown {
      let span: Span;
      let ctx: Context;
      try {
        const name = options.name ?? qualifiedName(this, methodName);
        const parent = context.active();
        span = (options.tracer ?? defaultTracer()).startSpan(name, spanOptions, parent);
        ctx = trace.setSpan(parent, span);
      } catch {
        return method.apply(this, args);
      }
      let result: unknown;
      try {
        result = context.with(ctx, method, this, ...args);
      } catch (err) {
        failSpan(span, err);
        span.end();
        throw err;
      }
      return endSpanWith(span, result);
    };
  return ((...args: unknown[]) => decorateMethod('@traced', wrap, args)) as UniversalMethodDecorator;
}
