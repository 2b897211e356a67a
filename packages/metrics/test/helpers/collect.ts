import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import type { MetricsHandle } from '../../src/types';

/** The metric named `name` from an in-process collection, or undefined. */
export async function metricNamed(metrics: MetricsHandle, name: string): Promise<MetricData | undefined> {
  const { resourceMetrics, errors } = await metrics.collect();
  if (errors.length > 0) throw errors[0];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) if (metric.descriptor.name === name) return metric;
  }
  return undefined;
}

/** Its data points (empty when the metric is absent). */
export async function pointsOf(metrics: MetricsHandle, name: string): Promise<DataPoint<unknown>[]> {
  const metric = await metricNamed(metrics, name);
  return (metric?.dataPoints ?? []) as DataPoint<unknown>[];
}
