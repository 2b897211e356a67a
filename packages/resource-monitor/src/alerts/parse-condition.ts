import type { ComparisonOperator } from '@otelkit/config';

// The grammar lives in @otelkit/config, so config rules and rules added in code parse alike.
export { AGGREGATIONS, ConditionParseError, parseCondition } from '@otelkit/config';

export function compare(value: number, operator: ComparisonOperator, threshold: number): boolean {
  switch (operator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}
