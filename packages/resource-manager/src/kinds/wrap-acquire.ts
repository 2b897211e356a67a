import { type AnyFn, guarded, patchInstance } from '../internal/instance-patch';

/**
 * Wraps `target[method]` (an acquire such as `pool.connect`) to time it, for callback and promise
 * styles alike; the call and its result pass through unchanged. Returns a function that restores
 * the original. Instance-level only (other pools are untouched), through `patchInstance`: the
 * method is resolved at call time, so a prototype patched later still runs, and the undo leaves
 * the object as it was (or a pass-through when something wrapped it since).
 */
export function wrapAcquire(
  target: object,
  method: string,
  onDone: (seconds: number, failed: boolean) => void,
): () => void {
  const done = (started: number, failed: boolean) =>
    guarded('acquire hook', () => onDone((performance.now() - started) / 1000, failed));
  return patchInstance(
    target,
    method,
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        const started = performance.now();
        const last = args.length - 1;
        if (last >= 0 && typeof args[last] === 'function') {
          const cb = args[last] as AnyFn;
          args[last] = function (this: unknown, err: unknown, ...rest: unknown[]) {
            done(started, Boolean(err));
            return cb.call(this, err, ...rest);
          };
          return original.apply(this, args);
        }
        const result = original.apply(this, args);
        guarded('acquire hook', () => {
          if (typeof (result as PromiseLike<unknown> | null | undefined)?.then !== 'function') return;
          (result as PromiseLike<unknown>).then(
            () => done(started, false),
            () => done(started, true),
          );
        });
        return result;
      },
  );
}
