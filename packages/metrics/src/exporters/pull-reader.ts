import { type MetricProducer, MetricReader } from '@opentelemetry/sdk-metrics';

/**
 * A cumulative reader that only answers `collect()`: used for in-process reads when no exporter
 * already keeps cumulative state. Cumulative collection never resets anything, so any number of
 * readers (a dashboard, tests) can share it without stealing data.
 */
export class PullReader extends MetricReader {
  constructor(cardinalityLimit: number, metricProducers: MetricProducer[] = []) {
    super({ cardinalitySelector: () => cardinalityLimit, metricProducers });
  }

  protected override async onForceFlush(): Promise<void> {}

  protected override async onShutdown(): Promise<void> {}
}
