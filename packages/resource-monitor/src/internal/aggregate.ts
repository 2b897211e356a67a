import type { ConditionAggregation } from '@otelkit/config';
import type { HistoryPoint, MetricWindowStats } from '../types';

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function windowStats(points: readonly HistoryPoint[]): MetricWindowStats {
  const values = Float64Array.from(points.filter((p) => !Number.isNaN(p.value)).map((p) => p.value));
  if (values.length === 0) {
    return { count: 0, min: Number.NaN, avg: Number.NaN, max: Number.NaN, p95: Number.NaN, last: Number.NaN };
  }
  const last = values[values.length - 1]!;
  let sum = 0;
  for (const v of values) sum += v;
  values.sort();
  return {
    count: values.length,
    min: values[0]!,
    avg: sum / values.length,
    max: values[values.length - 1]!,
    p95: percentile(values, 95),
    last,
  };
}

/** Applies an alert-rule aggregation to the points of a window; NaN when it cannot be computed. */
export function aggregate(points: readonly HistoryPoint[], aggregation: ConditionAggregation): number {
  const valid = points.filter((p) => !Number.isNaN(p.value));
  if (valid.length === 0) return Number.NaN;
  switch (aggregation) {
    case 'last':
      return valid[valid.length - 1]!.value;
    case 'rate': {
      if (valid.length < 2) return Number.NaN;
      const first = valid[0]!;
      const last = valid[valid.length - 1]!;
      const seconds = (last.timestamp - first.timestamp) / 1000;
      return seconds > 0 ? (last.value - first.value) / seconds : Number.NaN;
    }
    case 'avg': {
      let sum = 0;
      for (const p of valid) sum += p.value;
      return sum / valid.length;
    }
    case 'min':
      return Math.min(...valid.map((p) => p.value));
    case 'max':
      return Math.max(...valid.map((p) => p.value));
    default: {
      const sorted = Float64Array.from(valid.map((p) => p.value)).sort();
      return percentile(sorted, Number(aggregation.slice(1)));
    }
  }
}
