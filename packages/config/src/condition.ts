import { ExpectedError } from './duration';
import { BYTE_UNIT_AFTER_NUMBER, byteFactor } from './fields/byte-size';

export type ComparisonOperator = '>' | '>=' | '<' | '<=' | '==' | '!=';

export type ConditionAggregation = 'last' | 'avg' | 'min' | 'max' | 'p50' | 'p95' | 'p99' | 'rate';

/** A parsed alert condition such as `p95(request_duration_seconds) > 1`. */
export interface ParsedCondition {
  readonly metric: string;
  /** @default 'last' */
  readonly aggregation: ConditionAggregation;
  readonly operator: ComparisonOperator;
  /** In bytes when the condition gave a byte unit (`> 1GB` → 1e9). */
  readonly value: number;
  /** `'bytes'` when the value was written with a byte unit (`1GB`, `512MiB`). */
  readonly unit?: 'bytes';
}

export const AGGREGATIONS: readonly ConditionAggregation[] = [
  'last',
  'avg',
  'min',
  'max',
  'p50',
  'p95',
  'p99',
  'rate',
];
const OPERATORS: readonly ComparisonOperator[] = ['>=', '<=', '==', '!=', '>', '<'];
const METRIC = /^[A-Za-z_][A-Za-z0-9_.:/-]*/;
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/;

/** Thrown for an alert condition that cannot be parsed; `position` is the 0-based column. */
export class ConditionParseError extends ExpectedError {
  readonly code = 'OTELKIT_ERR_ALERT_CONDITION';
  constructor(
    readonly condition: string,
    readonly position: number,
    reason: string,
  ) {
    super(`invalid alert condition ${JSON.stringify(condition)} at column ${position + 1}: ${reason}`);
    this.name = 'ConditionParseError';
  }
}

/**
 * Parses `metric op number` or `aggregation(metric) op number`, e.g. `error_rate >= 0.05`,
 * `p95(request_duration_seconds) > 1`, `rate(gc_count) > 5`. The one grammar for
 * `alerts[].condition` in the config and for rules added in code to the resource monitor. Metric
 * names may name a resource's metric: `avg(main-db/connection_pool_usage) > 0.8`.
 *
 * The value may carry a byte unit (`memory_usage_bytes > 1GB`, `heap_used > 512MiB`): it is
 * converted to bytes and the result says `unit: 'bytes'`.
 *
 * @example parseCondition('p95(response_time) > 0.5') // { metric: 'response_time', aggregation: 'p95', operator: '>', value: 0.5 }
 */
export function parseCondition(condition: string): ParsedCondition {
  if (typeof condition !== 'string')
    throw new ConditionParseError(String(condition), 0, 'condition must be a string');
  let pos = 0;
  const skip = () => {
    while (pos < condition.length && /\s/.test(condition[pos]!)) pos++;
  };
  const rest = () => condition.slice(pos);
  skip();
  if (pos >= condition.length)
    throw new ConditionParseError(condition, pos, 'empty condition; expected e.g. "cpu_usage > 80"');

  let aggregation: ConditionAggregation = 'last';
  const first = METRIC.exec(rest());
  if (!first)
    throw new ConditionParseError(
      condition,
      pos,
      `expected a metric name or aggregation, found ${JSON.stringify(rest()[0])}`,
    );
  let metric = first[0];
  const firstAt = pos;
  pos += metric.length;
  skip();
  if (condition[pos] === '(') {
    if (!(AGGREGATIONS as readonly string[]).includes(metric)) {
      throw new ConditionParseError(
        condition,
        firstAt,
        `unknown aggregation ${JSON.stringify(metric)} (allowed: ${AGGREGATIONS.join(', ')})`,
      );
    }
    aggregation = metric as ConditionAggregation;
    pos++;
    skip();
    const inner = METRIC.exec(rest());
    if (!inner)
      throw new ConditionParseError(condition, pos, `expected a metric name inside ${aggregation}( )`);
    metric = inner[0];
    pos += metric.length;
    skip();
    if (condition[pos] !== ')')
      throw new ConditionParseError(condition, pos, `expected ")" after ${JSON.stringify(metric)}`);
    pos++;
    skip();
  }
  const operator = OPERATORS.find((op) => condition.startsWith(op, pos));
  if (!operator) {
    const found = pos < condition.length ? JSON.stringify(condition[pos]) : 'end of input';
    throw new ConditionParseError(
      condition,
      pos,
      `expected a comparison operator (${OPERATORS.join(' ')}), found ${found}`,
    );
  }
  pos += operator.length;
  skip();
  const num = NUMBER.exec(rest());
  if (!num) {
    const found = pos < condition.length ? JSON.stringify(rest().split(/\s/)[0]) : 'end of input';
    throw new ConditionParseError(condition, pos, `expected a number after "${operator}", found ${found}`);
  }
  let value = Number(num[0]);
  const valueAt = pos;
  pos += num[0].length;
  // `memory_usage_bytes > 1GB`: a byte size with its unit (KB/MB/GB decimal, KiB/MiB/GiB binary).
  const unit = BYTE_UNIT_AFTER_NUMBER.exec(rest());
  let bytes = false;
  if (unit) {
    value *= byteFactor(unit[1]!);
    pos += unit[0].length;
    bytes = true;
  }
  // `> 1e999` (or 400 digits) is Infinity: a threshold nothing ever crosses (found by the property test)
  if (!Number.isFinite(value))
    throw new ConditionParseError(condition, valueAt, `the value ${num[0]} is too large for a number`);
  skip();
  if (pos < condition.length) {
    throw new ConditionParseError(condition, pos, `unexpected ${JSON.stringify(rest())} after the value`);
  }
  return bytes
    ? { metric, aggregation, operator, value, unit: 'bytes' }
    : { metric, aggregation, operator, value };
}
