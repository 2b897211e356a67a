/** What {@link createRateLimitedLog} returns: `(key, message, ...args)`. */
export type RateLimitedLog = (key: string, message: string, ...args: unknown[]) => void;

/**
 * Rate-limits an internal diagnostic: per `key`, the first occurrence goes out at once; later ones
 * are counted and at most one line per `windowMillis` goes out, saying how many were held back
 * ("… (41 more since the last report)"). No timer: the count goes out with the next occurrence
 * after the window. For errors that repeat on every call or every export (a failing collector,
 * a broken meter), which otherwise flood the log that may itself be shipped somewhere.
 *
 * @example
 * const warn = createRateLimitedLog((m, ...a) => diag.warn(m, ...a));
 * warn('otlp-export', `metrics export failed: ${err.message}`);
 */
export function createRateLimitedLog(
  emit: (message: string, ...args: unknown[]) => void,
  windowMillis = 30_000,
): RateLimitedLog {
  const state = new Map<string, { last: number; held: number }>();
  return (key, message, ...args) => {
    const now = Date.now();
    const s = state.get(key);
    if (s === undefined) {
      if (state.size >= 1000) state.clear(); // bounded: keys are call sites, not values
      state.set(key, { last: now, held: 0 });
      emit(message, ...args);
      return;
    }
    if (now - s.last < windowMillis) {
      s.held++;
      return;
    }
    const held = s.held;
    s.last = now;
    s.held = 0;
    emit(held > 0 ? `${message} (${held} more since the last report)` : message, ...args);
  };
}
