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

/** `true` when called as a TC39 standard decorator (second argument is a decorator context). */
export function isStandardDecoratorContext(value: unknown): value is DecoratorContext {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    typeof (value as { addInitializer?: unknown }).addInitializer === 'function'
  );
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
  if (isStandardDecoratorContext(second)) {
    if (second.kind !== 'method') {
      throw new Error(`${decoratorName} can only decorate methods; got a ${second.kind}`);
    }
    return wrap(target as (...a: unknown[]) => unknown, String(second.name));
  }
  const d = descriptor as PropertyDescriptor | undefined;
  if (
    d !== undefined &&
    typeof d.value === 'function' &&
    (typeof second === 'string' || typeof second === 'symbol')
  ) {
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
