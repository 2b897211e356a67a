/**
 * How `startMonitoring` gives each package handle its share of the one shutdown budget
 * (`shutdown.timeout`), without a `shutdown(timeoutMillis)` on the public handles: every handle's
 * `shutdown()` takes no arguments and uses the budget of its normalised slice; the ordered
 * shutdown calls {@link shutdownWithin} instead, which reaches a method the handle keeps under a
 * symbol key that is on no public type. Not public API: reached through `@otelkit/config/internal`,
 * which the package index does not re-export.
 */

/** The key of a handle's budget-shortening shutdown (`Symbol.for`: one key even with two copies). */
const SHUTDOWN_WITHIN: unique symbol = Symbol.for('otelkit.internal.shutdownWithin') as never;

type ShutdownWithinFn = (timeoutMillis: number) => Promise<void>;

interface HasShutdownWithin {
  readonly [SHUTDOWN_WITHIN]?: ShutdownWithinFn;
}

/**
 * Gives `handle` a shutdown bounded by a share: `shutdownWithin(handle, ms)` runs
 * `run(min(ms, budget))`. `run` must be the same memoised work as the handle's own `shutdown()`
 * (whichever is called first decides the budget; the later call returns the same promise). The
 * property is non-enumerable and not writable. Returns `handle`.
 */
export function defineShutdownShare<T extends object>(
  handle: T,
  budgetMillis: number,
  run: (timeoutMillis: number) => Promise<void>,
): T {
  const fn: ShutdownWithinFn = (timeoutMillis) => run(shareOf(timeoutMillis, budgetMillis));
  Object.defineProperty(handle, SHUTDOWN_WITHIN, { value: fn, enumerable: false, configurable: true });
  return handle;
}

/**
 * Shuts `handle` down within at most `timeoutMillis` (never more than its own budget): through
 * the share method {@link defineShutdownShare} gave it, else its plain `shutdown()`. Never
 * rejects (a throw or rejection resolves).
 */
export function shutdownWithin(
  handle: { shutdown(): Promise<unknown> },
  timeoutMillis: number,
): Promise<void> {
  return Promise.resolve()
    .then(() => {
      const fn = (handle as HasShutdownWithin)[SHUTDOWN_WITHIN];
      return typeof fn === 'function' ? fn(timeoutMillis) : handle.shutdown();
    })
    .then(
      () => undefined,
      () => undefined,
    );
}

/** The budget of one shutdown: the handle's, or a shorter share (a bad share means the budget). */
export function shareOf(timeoutMillis: number | undefined, budgetMillis: number): number {
  return typeof timeoutMillis === 'number' && Number.isFinite(timeoutMillis) && timeoutMillis >= 0
    ? Math.min(timeoutMillis, budgetMillis)
    : budgetMillis;
}
