const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Thrown by the parsers below; the message says what is allowed. */
export class ExpectedError extends Error {}

/**
 * Parses a duration into milliseconds.
 *
 * Strings carry their unit: `'500ms' | '10s' | '5m' | '1h' | '1d'`. A bare number is read in
 * `numberUnit`: otelkit fields named `…Millis` take milliseconds, bare names (`interval`,
 * `timeout`, `for`) take seconds.
 *
 * @example parseDuration('5m') // 300000
 * @example parseDuration(10, 's') // 10000
 */
export function parseDuration(input: unknown, numberUnit: 'ms' | 's' = 'ms'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) {
      throw new ExpectedError(
        `expected a non-negative duration in ${numberUnit === 's' ? 'seconds' : 'milliseconds'}`,
      );
    }
    return Math.round(input * (numberUnit === 's' ? 1000 : 1));
  }
  if (typeof input === 'string') {
    const m = DURATION.exec(input);
    if (m) return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
  }
  throw new ExpectedError(
    `expected a duration such as '500ms', '10s', '5m', '1h' or a number of ${numberUnit === 's' ? 'seconds' : 'milliseconds'}`,
  );
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
  if (typeof input === 'number' && Number.isFinite(input) && input > 0) return Math.round(input);
  if (typeof input === 'string') {
    const m = SIZE.exec(input);
    if (m) {
      const bytes = Math.round(Number(m[1]) * SIZE_FACTOR[(m[2] ?? 'b').toLowerCase()]!);
      if (bytes > 0) return bytes;
    }
  }
  throw new ExpectedError(`expected a size such as '10MB', '512KiB' or a positive number of bytes`);
}
