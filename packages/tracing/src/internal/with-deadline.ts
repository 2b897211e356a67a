/**
 * Waits for `promise` at most `millis`. Resolves `true` when it settled in time (whatever its
 * outcome), `false` on timeout. Never rejects; the timer is unref'ed and cleared.
 */
export function settleWithin(promise: Promise<unknown>, millis: number): Promise<boolean> {
  if (millis <= 0) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), millis);
    timer.unref();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}
