import { diag } from '@opentelemetry/api';

export type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Puts `wrap(original)` on `target[key]` as an own property of that one object (other instances
 * are untouched) and returns the undo.
 *
 * - `original` resolves the method at call time through the prototype when the object had no own
 *   one, so a prototype patched later (an OpenTelemetry instrumentation) still runs.
 * - The undo restores the object exactly (own property back, or deleted). When something else has
 *   wrapped the method on top of ours meanwhile, ours cannot be taken out of the chain: it then
 *   becomes a plain pass-through.
 * - Returns a no-op undo when the method is missing or the object cannot be written (frozen).
 */
export function patchInstance(target: object, key: string, wrap: (original: AnyFn) => AnyFn): () => void {
  const t = target as Record<string, unknown>;
  if (typeof t[key] !== 'function') return () => undefined;
  const hadOwn = Object.hasOwn(t, key);
  const own = hadOwn ? (t[key] as AnyFn) : undefined;
  const original = function (this: unknown, ...args: unknown[]): unknown {
    const fn = own ?? (Reflect.get(Object.getPrototypeOf(target) as object, key, this) as AnyFn);
    return fn.apply(this, args);
  };
  const wrapped = wrap(original);
  let active = true;
  const installed = function (this: unknown, ...args: unknown[]): unknown {
    return active ? wrapped.apply(this, args) : original.apply(this, args);
  };
  try {
    t[key] = installed;
  } catch (err) {
    diag.debug(`@otelkit/resource-manager: cannot wrap ${key}: ${(err as Error).message}`);
    return () => undefined;
  }
  return () => {
    active = false;
    if (t[key] !== installed) return;
    if (hadOwn) t[key] = own;
    else delete t[key];
  };
}

/** Runs `fn`, sending anything it throws to `diag`: counting must never reach the app's code. */
export function guarded(what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    diag.warn(`@otelkit/resource-manager: ${what} failed: ${(err as Error).message}`);
  }
}
