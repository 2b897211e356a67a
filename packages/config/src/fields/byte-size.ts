/**
 * Byte sizes with units, the one grammar: `1GB` (decimal: KB/MB/GB/TB), `512MiB` (binary:
 * KiB/MiB/GiB/TiB), `B`. Used by alert conditions (`memory_usage_bytes > 1GB`) and thresholds
 * (`warning: 512MiB`); `parseByteSize` (file rotation) adds the short `k`/`m`/`g` forms on top.
 */
import { ExpectedError } from '../duration';

const FACTOR: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  tb: 1000 ** 4,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** A byte unit directly after a number (optional spaces), not followed by more name characters. */
export const BYTE_UNIT_AFTER_NUMBER = /^\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)(?![A-Za-z0-9_])/i;

const SIZE = /^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)\s*$/i;

/** Bytes per unit (`'GB'` → 1e9, `'MiB'` → 1048576); units are case-insensitive. */
export function byteFactor(unit: string): number {
  const f = FACTOR[unit.toLowerCase()];
  if (f === undefined) throw new ExpectedError(`unknown byte unit ${JSON.stringify(unit)}`);
  return f;
}

/** `'1GB'` → 1e9; `undefined` when the string is not a size with a unit. */
export function sizeWithUnit(v: string): number | undefined {
  const m = SIZE.exec(v);
  return m ? Number(m[1]) * byteFactor(m[2]!) : undefined;
}

/** A threshold level: a number, or a byte size with its unit (`'512MiB'`). */
export function parseLevel(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const n = sizeWithUnit(v);
    // a 400-digit size is Infinity: no threshold
    if (n !== undefined && Number.isFinite(n)) return n;
  }
  throw new ExpectedError("expected a number or a byte size such as '1GB' or '512MiB'");
}
