import { decoratorMode } from '@otelkit/config';

/**
 * A method decorator usable under both TypeScript decorator modes: TC39 standard decorators
 * (called with `(method, context)`) and `experimentalDecorators` (called with
 * `(prototype, key, descriptor)`). The mode is detected from the arguments at run time.
 */
export interface UniversalMethodDecorator {
  <This, Args extends unknown[], Return>(
    value: (this: This, ...args: Args) => Return,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Return>,
  ): (this: This, ...args: Args) => Return;
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
}

/**
 * Applies `wrap(method, methodName)` to a method under either decorator mode.
 * @throws Error when the decorated member is not a method (at class definition time).
 */
export function decorateMethod(
  decoratorName: string,
  wrap: (method: (...args: unknown[]) => unknown, methodName: string) => (...args: unknown[]) => unknown,
  args: unknown[],
): unknown {
  const [target, second, descriptor] = args;
  const mode = decoratorMode(args);
  if (mode === 'standard') {
    const ctx = second as DecoratorContext;
    if (ctx.kind !== 'method') {
      throw new Error(`${decoratorName} can only decorate methods; got a ${ctx.kind}`);
    }
    return wrap(target as (...a: unknown[]) => unknown, String(ctx.name));
  }
  const d = descriptor as PropertyDescriptor | undefined;
  if (mode === 'legacy' && d !== undefined && typeof d.value === 'function') {
    d.value = wrap(d.value as (...a: unknown[]) => unknown, String(second));
    return d;
  }
  throw new Error(`${decoratorName} can only decorate methods`);
}

/** `<ClassName>.<method>` for an instance or static call. */
export function qualifiedName(self: unknown, methodName: string): string {
  let owner: string | undefined;
  if (typeof self === 'function') owner = (self as { name?: string }).name;
  else if (typeof self === 'object' && self !== null)
    owner = (self as { constructor?: { name?: string } }).constructor?.name;
  return owner ? `${owner}.${methodName}` : methodName;
}
