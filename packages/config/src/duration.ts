const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** The longest delay a Node timer holds: setTimeout() treats larger ones as 1 ms. */
export const MAX_DURATION_MILLIS = 2_147_483_647;

/** Thrown by the parsers below; the message says what is allowed. */
export class ExpectedError extends Error {}

/**
 * Parses a duration into whole milliseconds: the one duration grammar of otelkit, for config
 * files, code and every package's own options.
 *
 * Strings carry their unit: `'500ms' | '10s' | '1.5s' | '5m' | '1h' | '1d' | '2w'`. A bare number
 * is read in `numberUnit`: otelkit fields named `…Millis` take milliseconds, bare names
 * (`interval`, `timeout`, `for`) take seconds. Anything else throws an {@link ExpectedError}
 * that says what is allowed; with `field`, the message also names the field and the value given
 * (`anomaly.trainingPeriod must be a duration such as …, got "10 parsecs"`) — without it the
 * caller (the config schema) adds the path itself.
 *
 * @param numberUnit how a bare number is read. @default 'ms'
 * @param field the option's name, for the error message.
 * @example parseDuration('5m') // 300000
 * @example parseDuration(10, 's') // 10000
 * @example parseDuration(options.window, 'ms', 'stats window')
 */
export function parseDuration(
  input: unknown,
  numberUnit: 'ms' | 's' = 'ms',
  field?: string,
  /** Only for durations no timer of ours waits on (a Prometheus retention): no 2^31 ms bound. */
  notATimer = false,
): number {
  const unitName = numberUnit === 's' ? 'seconds' : 'milliseconds';
  const got = field === undefined ? '' : `, got ${describeValue(input)}`;
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) {
      throw new ExpectedError(
        field === undefined
          ? `expected a non-negative duration in ${unitName}`
          : `${field} must be a non-negative number of ${unitName}${got}`,
      );
    }
    return bounded(Math.round(input * (numberUnit === 's' ? 1000 : 1)), field, got, notATimer);
  }
  if (typeof input === 'string') {
    const m = DURATION.exec(input);
    if (m)
      return bounded(Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]), field, got, notATimer);
  }
  const allowed = `a duration such as '500ms', '10s', '5m', '1h', '7d', '2w' or a number of ${unitName}`;
  throw new ExpectedError(field === undefined ? `expected ${allowed}` : `${field} must be ${allowed}${got}`);
}

/** Every duration becomes a timer somewhere: past 2^31-1 ms, '30d' would be a 1 ms loop. */
function bounded(millis: number, field: string | undefined, got: string, notATimer: boolean): number {
  if (millis <= MAX_DURATION_MILLIS || (notATimer && Number.isSafeInteger(millis))) return millis;
  const limit = `at most ${MAX_DURATION_MILLIS} ms (about 24.8 days: what a timer can hold)`;
  throw new ExpectedError(
    field === undefined ? `expected a duration of ${limit}` : `${field} must be ${limit}${got}`,
  );
}

/** A value as it appears in an error message: strings and objects as JSON, the rest as `String()`. */
export function describeValue(value: unknown): string {
  try {
    if (typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'object' && value !== null) return JSON.stringify(value) ?? String(value);
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib|k|m|g)?\s*$/i;
const SIZE_FACTOR: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/**
 * Parses a size into bytes: a number of bytes, or `'512KiB' | '10MB' | '1GiB' | '10m'`
 * (KB/MB/GB are decimal, KiB/MiB/GiB and k/m/g binary).
 */
export function parseByteSize(input: unknown): number {
  // Rounded, the result must stay a positive safe integer: 0.4 became 0 bytes, and a 400-digit
  // size (or Number.MAX_VALUE) became Infinity / an inexact number (found by the property test).
  if (typeof input === 'number' && Number.isFinite(input) && input > 0) {
    const bytes = Math.round(input);
    if (bytes > 0 && Number.isSafeInteger(bytes)) return bytes;
  }
  if (typeof input === 'string') {
    const m = SIZE.exec(input);
    if (m) {
      const bytes = Math.round(Number(m[1]) * SIZE_FACTOR[(m[2] ?? 'b').toLowerCase()]!);
      if (bytes > 0 && Number.isSafeInteger(bytes)) return bytes;
    }
  }
  throw new ExpectedError(
    `expected a size such as '10MB', '512KiB' or a positive number of bytes (at most ${Number.MAX_SAFE_INTEGER})`,
  );
}
