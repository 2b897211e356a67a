import { diag } from '@opentelemetry/api';

/**
 * Wraps `target[method]` (an acquire such as `pool.connect`) to time it, for callback and promise
 * styles alike; the call and its result pass through unchanged. Returns a function that restores
 * the original. Instance-level only: other pools are untouched.
 */
export function wrapAcquire(
  target: Record<string, unknown>,
  method: string,
  onDone: (seconds: number, failed: boolean) => void,
): () => void {
  const original = target[method];
  if (typeof original !== 'function') return () => undefined;
  const safeDone = (started: number, failed: boolean) => {
    try {
      onDone((performance.now() - started) / 1000, failed);
    } catch (err) {
      diag.warn(`@otelkit/resource-manager: acquire hook failed: ${(err as Error).message}`);
    }
  };
  const wrapped = function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    const last = args.length - 1;
    if (last >= 0 && typeof args[last] === 'function') {
      const cb = args[last] as (...a: unknown[]) => unknown;
      args[last] = function (this: unknown, err: unknown, ...rest: unknown[]) {
        safeDone(started, Boolean(err));
        return cb.call(this, err, ...rest);
      };
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    }
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then(
        () => safeDone(started, false),
        () => safeDone(started, true),
      );
    }
    return result;
  };
  target[method] = wrapped;
  return () => {
    if (target[method] === wrapped) target[method] = original;
  };
}
