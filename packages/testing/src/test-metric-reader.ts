import { AggregationTemporality, MetricReader } from '@opentelemetry/sdk-metrics';

/** A pull reader that collects on demand, cumulative, for assertions. */
export class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}
