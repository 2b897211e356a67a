const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `'500ms' | '30s' | '5m' | '1h' | '1d'` or a number of milliseconds → milliseconds.
 * Throws an Error naming `field` on anything else.
 */
export function toMillis(input: unknown, field: string): number {
  if (typeof input === 'number') {
    if (Number.isFinite(input) && input >= 0) return input;
    throw new Error(`${field} must be a non-negative number of milliseconds, got ${String(input)}`);
  }
  if (typeof input === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(input);
    if (m) return Number(m[1]) * (UNITS[m[2]!] as number);
  }
  throw new Error(
    `${field} must be a duration such as '500ms', '30s', '5m', '1h', '1d' or milliseconds, got ${JSON.stringify(input)}`,
  );
}
