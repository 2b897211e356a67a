import { describeValue } from '../duration';

/** The range (and default) of an integer option, for {@link checkInteger}. */
export interface IntegerRange {
  /** Smallest allowed value. */
  readonly min: number;
  /** Largest allowed value. @default Number.MAX_SAFE_INTEGER (no upper bound in the message) */
  readonly max?: number;
  /** Returned when the value is `undefined`; without it `undefined` is rejected. */
  readonly default?: number;
}

/**
 * Checks an integer option of a package's own constructor or factory: returns `value` when it
 * is an integer in `[min, max]` (or `range.default` when `value` is `undefined` and a default is
 * given), and otherwise throws an `Error` naming `field`, the allowed range and the value given.
 * Only integers pass: `1.5`, `NaN`, `'10'` and `Infinity` are rejected.
 *
 * The message reads `<field> must be an integer from <min> to <max>, got <value>`; without `max`
 * it reads `… must be a positive integer, got …` for `min: 1` and `… must be an integer >= <min>,
 * got …` otherwise. `field` is written as given, so put the package prefix in it.
 *
 * @example
 * checkInteger(options.historySize, 'ResourceMonitor: options.historySize', { min: 1, max: 1_000_000, default: 720 })
 * @example
 * checkInteger(config.cardinalityLimit, '@otelkit/metrics: metrics.cardinalityLimit', { min: 1, default: 2000 })
 */
export function checkInteger(value: unknown, field: string, range: IntegerRange): number {
  if (value === undefined && range.default !== undefined) return range.default;
  const { min, max = Number.MAX_SAFE_INTEGER } = range;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  const allowed =
    max < Number.MAX_SAFE_INTEGER
      ? `an integer from ${min} to ${max}`
      : min === 1
        ? 'a positive integer'
        : `an integer >= ${min}`;
  throw new Error(`${field} must be ${allowed}, got ${describeValue(value)}`);
}
