import { INSTRUMENT_NAME_RULE, isInstrumentName } from '@otelkit/config';

/** Attribute keys we accept at creation: map cleanly to Prometheus label names. */
const ATTRIBUTE_KEY = /^[A-Za-z_][A-Za-z0-9_.]{0,254}$/;

/** Throws a clear Error unless `name` is a valid OpenTelemetry instrument name. */
export function validateInstrumentName(name: unknown, field = 'name'): asserts name is string {
  if (!isInstrumentName(name)) {
    throw new Error(
      `@otelkit/metrics: invalid instrument ${field} ${JSON.stringify(name)}: ${INSTRUMENT_NAME_RULE}`,
    );
  }
}

/**
 * Throws a clear Error unless every key is a usable attribute key. `reserved` are keys this
 * instrument kind may not use (Prometheus reserves `le` on histograms).
 */
export function validateAttributeKeys(
  instrument: string,
  keys: readonly unknown[] | undefined,
  reserved: readonly string[] = [],
): void {
  if (keys === undefined) return;
  if (!Array.isArray(keys)) {
    throw new Error(`@otelkit/metrics: ${instrument}: "attributes" must be an array of attribute keys`);
  }
  const seen = new Set<string>();
  for (const key of keys) {
    if (typeof key !== 'string' || !ATTRIBUTE_KEY.test(key) || key.startsWith('__')) {
      throw new Error(
        `@otelkit/metrics: ${instrument}: invalid attribute key ${JSON.stringify(key)}: it must start with a ` +
          'letter or "_" (not "__"), and contain only letters, digits, "_" and "."',
      );
    }
    if (reserved.includes(key)) {
      throw new Error(
        `@otelkit/metrics: ${instrument}: attribute key "${key}" is reserved for this instrument kind`,
      );
    }
    if (seen.has(key))
      throw new Error(`@otelkit/metrics: ${instrument}: attribute key "${key}" is listed twice`);
    seen.add(key);
  }
}

/** Throws unless `buckets` is a non-empty ascending list of finite numbers. */
export function validateBuckets(where: string, buckets: readonly unknown[]): number[] {
  if (!Array.isArray(buckets) || buckets.length === 0) {
    throw new Error(`@otelkit/metrics: ${where}: "buckets" must be a non-empty array of ascending numbers`);
  }
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i];
    if (typeof b !== 'number' || !Number.isFinite(b) || (i > 0 && b <= (buckets[i - 1] as number))) {
      throw new Error(
        `@otelkit/metrics: ${where}: "buckets" must be finite numbers in strictly ascending order (got ${JSON.stringify(buckets)})`,
      );
    }
  }
  return [...(buckets as number[])];
}
