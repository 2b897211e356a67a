import { ExpectedError } from './duration';
import type { ComparisonOperator, ConditionAggregation, ParsedCondition } from './types';

const AGGREGATIONS: readonly ConditionAggregation[] = [
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
const FORM =
  "[last|avg|min|max|p50|p95|p99|rate(]metric[)] >|>=|<|<=|==|!= number, e.g. 'request_duration_seconds > 1' or 'p95(response_time) >= 0.5'";

/**
 * Parses an alert condition such as `request_duration_seconds > 1` or
 * `p95(response_time) >= 0.5`. Throws an error that names the column where parsing stopped.
 */
export function parseCondition(text: string): ParsedCondition {
  let pos = 0;
  const fail = (what: string): never => {
    throw new ExpectedError(`${what} at column ${pos + 1} of ${JSON.stringify(text)}; expected ${FORM}`);
  };
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const ident = (): string => {
    const m = /^[A-Za-z_][A-Za-z0-9_.:]*/.exec(text.slice(pos));
    if (!m) fail('a metric name is missing');
    pos += m![0].length;
    return m![0];
  };

  skip();
  let metric = ident();
  let aggregation: ConditionAggregation = 'last';
  skip();
  if (text[pos] === '(') {
    if (!AGGREGATIONS.includes(metric as ConditionAggregation)) {
      fail(`unknown function ${JSON.stringify(metric)} (allowed: ${AGGREGATIONS.join('|')})`);
    }
    aggregation = metric as ConditionAggregation;
    pos++;
    skip();
    metric = ident();
    skip();
    if (text[pos] !== ')') fail('a closing parenthesis is missing');
    pos++;
    skip();
  }
  const operator = OPERATORS.find((op) => text.startsWith(op, pos));
  if (!operator) fail('a comparison operator is missing');
  pos += operator!.length;
  skip();
  const num = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(pos));
  if (!num) fail('a number is missing');
  pos += num![0].length;
  skip();
  if (pos < text.length) fail(`unexpected ${JSON.stringify(text.slice(pos))}`);
  return { metric, aggregation, operator: operator!, value: Number(num![0]) };
}
