/** How {@link settleWithin} ended: `work`'s own outcome, or `'timedOut'` when the time ran out first. */
export type SettledWithin<T> =
  | { readonly status: 'fulfilled'; readonly value: T }
  | { readonly status: 'rejected'; readonly reason: unknown }
  | { readonly status: 'timedOut' };

/** setTimeout() treats larger delays as 1 ms (with a TimeoutOverflowWarning). */
const MAX_TIMER_MILLIS = 2_147_483_647;

/**
 * Waits for `work` at most `timeoutMillis`: the one "wait at most N ms" helper of otelkit
 * (shutdown budgets, flushes, probes, collection timeouts).
 *
 * - Never rejects: `work`'s value or rejection reason comes back in the result, or
 *   `{ status: 'timedOut' }`. A rejection of `work` is always handled here, so it never becomes
 *   an unhandled rejection, even when it comes after the timeout.
 * - The timer is `unref()`ed, so waiting never keeps the process alive, and it is cleared as soon
 *   as `work` settles.
 * - `work` that has already settled wins over a budget of 0 (or less): it is reported as it
 *   settled, not as timed out. `NaN` counts as 0; `Infinity` waits as long as a timer can.
 * - `work` may be a plain value or any thenable.
 *
 * @example
 * const r = await settleWithin(provider.shutdown(), deadline - Date.now());
 * if (r.status === 'timedOut') diag.warn('shutdown did not finish in time');
 */
export function settleWithin<T>(
  work: PromiseLike<T> | T,
  timeoutMillis: number,
): Promise<SettledWithin<Awaited<T>>> {
  const millis = Math.min(MAX_TIMER_MILLIS, Math.max(0, timeoutMillis || 0));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ status: 'timedOut' }), millis);
    timer.unref();
    Promise.resolve(work).then(
      (value) => {
        clearTimeout(timer);
        resolve({ status: 'fulfilled', value });
      },
      (reason: unknown) => {
        clearTimeout(timer);
        resolve({ status: 'rejected', reason });
      },
    );
  });
}

/**
 * Keeps the process alive until `work` settles, and returns it. For waits a caller awaits on
 * purpose — `forceFlush()`, `shutdown()` — whose work may sit on `unref()`ed timers (the OTLP
 * exporters' retries, see `hardenOtlpRetries`): a script that awaits a flush gets it, while a
 * retry nobody waits for never holds a finished process. Bounded by `work` itself (give it a
 * budget with {@link settleWithin}).
 */
export function keepAliveUntilSettled<T>(work: Promise<T>): Promise<T> {
  const hold = setInterval(() => {}, 1 << 30);
  const release = (): void => clearInterval(hold);
  work.then(release, release);
  return work;
}
