import { type Attributes, type AttributeValue, diag } from '@opentelemetry/api';

/** What record-time checks refused or changed, over all instruments of one handle. */
export interface MeasurementCounters {
  /** Measurements not recorded: the value was not a finite number (NaN, ±Infinity, not a number). */
  rejected: number;
  /** Attribute values that cannot be exported (Symbol, function, object) dropped from a measurement. */
  droppedAttributes: number;
  /** Attribute values turned into text: BigInt, NaN/±Infinity numbers. */
  coercedAttributes: number;
  /** Attribute keys an instrument did not declare in `attributes`, dropped from a measurement. */
  undeclaredAttributes: number;
}

export function newMeasurementCounters(): MeasurementCounters {
  return { rejected: 0, droppedAttributes: 0, coercedAttributes: 0, undeclaredAttributes: 0 };
}

let lastWarn = 0;
let warnedBefore = false;
/** One warning at the first bad measurement, then at most one every 30 s (never per call). */
function warnOnce(what: string, counters: MeasurementCounters): void {
  const now = Date.now();
  if (warnedBefore && now - lastWarn < 30_000) return;
  warnedBefore = true;
  lastWarn = now;
  diag.warn(
    `@otelkit/metrics: ${what} (so far: ${counters.rejected} measurement(s) rejected, ` +
      `${counters.droppedAttributes} attribute value(s) dropped, ${counters.coercedAttributes} coerced, ` +
      `${counters.undeclaredAttributes} undeclared key(s) dropped)`,
  );
}

/** `true` when `value` may be recorded; counts (and warns about) the others. */
export function acceptValue(value: unknown, name: string, counters: MeasurementCounters): value is number {
  if (typeof value === 'number' && Number.isFinite(value)) return true;
  counters.rejected++;
  warnOnce(`${name}: a measurement of ${String(value)} was not recorded`, counters);
  return false;
}

type Verdict = 0 | 1 | 2; // ok, coerce, drop

function verdictOf(v: unknown): Verdict {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return 0;
    case 'number':
      return Number.isFinite(v) ? 0 : 1;
    case 'bigint':
      return 1;
    case 'object':
      if (v === null) return 0;
      if (Array.isArray(v)) {
        for (const e of v) {
          const t = typeof e;
          if (e !== null && e !== undefined && t !== 'string' && t !== 'boolean' && t !== 'number') return 2;
        }
        return 0;
      }
      return 2;
    default:
      return 2; // symbol, function
  }
}

/**
 * The attributes to record with. Returns `attributes` itself when nothing is wrong (the common
 * case: no allocation); otherwise a copy without undeclared keys and unexportable values, BigInt
 * and non-finite numbers as text. Never throws (a Symbol reaching the SDK made every later
 * scrape fail; a BigInt threw into the caller).
 */
export function sanitizeAttributes(
  attributes: Attributes | undefined,
  declared: ReadonlySet<string> | undefined,
  name: string,
  counters: MeasurementCounters,
): Attributes | undefined {
  if (attributes === undefined || attributes === null || typeof attributes !== 'object') return undefined;
  let clean = true;
  for (const key in attributes) {
    if ((declared !== undefined && !declared.has(key)) || verdictOf(attributes[key]) !== 0) {
      clean = false;
      break;
    }
  }
  if (clean) return attributes;
  const out: Attributes = {};
  for (const key in attributes) {
    const value = attributes[key] as unknown;
    if (declared !== undefined && !declared.has(key)) {
      counters.undeclaredAttributes++;
      warnOnce(`${name}: undeclared attribute "${key}" dropped`, counters);
      continue;
    }
    const verdict = verdictOf(value);
    if (verdict === 0) out[key] = value as AttributeValue;
    else if (verdict === 1) {
      counters.coercedAttributes++;
      out[key] = String(value);
    } else {
      counters.droppedAttributes++;
      warnOnce(`${name}: attribute "${key}" has a value of type ${typeof value} and was dropped`, counters);
    }
  }
  return out;
}
