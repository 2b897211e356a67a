/** Which TypeScript decorator mode a decorator was called in; see {@link decoratorMode}. */
export type DecoratorMode = 'standard' | 'legacy';

export function isStandardDecoratorContext(value: unknown): value is DecoratorContext {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    typeof (value as { addInitializer?: unknown }).addInitializer === 'function'
  );
}

/**
 * Tells, from the arguments a decorator was called with, which decorator mode called it: the one
 * detector behind `@traced`, `@profiler.trace`, `@monitored`, `@service` and
 * `@monitor.onThresholdExceeded` (in the lowest package, so every decorator can use it).
 *
 * - `'standard'`: TC39 standard decorators (TypeScript 5 without `experimentalDecorators`),
 *   called as `(value, context)` where `context` has a string `kind` and `addInitializer()`.
 * - `'legacy'`: `experimentalDecorators` (NestJS, TypeORM …), called as `(constructor)` on a
 *   class or `(target, key, descriptor)` on a member (`key` a string or symbol).
 * - `undefined`: not a decorator call — e.g. a decorator factory called with its options.
 *
 * @example
 * function logged(...args: unknown[]) {
 *   if (decoratorMode(args) === 'standard') { const [method, context] = args; … }
 * }
 */
export function decoratorMode(args: readonly unknown[]): DecoratorMode | undefined {
  if (args.length === 2 && isStandardDecoratorContext(args[1])) return 'standard';
  if (args.length === 1 && typeof args[0] === 'function') return 'legacy';
  if (args.length === 3 && (typeof args[1] === 'string' || typeof args[1] === 'symbol')) return 'legacy';
  return undefined;
}
