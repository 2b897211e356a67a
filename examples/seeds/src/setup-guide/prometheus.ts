// Monitoring Setup Guide — "Prometheus Integration".
import { service } from '@otelkit/service';
import { type Histogram, PrometheusMetrics, type SeedCounter } from '@otelkit/service/seed';
import { runIfMain } from '../services';

@service
export class MetricsExample {
  readonly metrics: PrometheusMetrics;
  readonly counter: SeedCounter;
  readonly histogram: Histogram;

  constructor() {
    this.metrics = new PrometheusMetrics();
    this.counter = this.metrics.counter('requests_total', 'Total requests processed');
    this.histogram = this.metrics.histogram('response_time_seconds', 'Response time in seconds');
  }

  async handle(): Promise<void> {
    await this.histogram.time(async () => {
      this.counter.inc();
    });
  }
}

runIfMain(module, async () => {
  const { startMonitoring } = await import('@otelkit/service');
  const monitoring = startMonitoring();
  await new MetricsExample().handle();
  console.log('scrape', await monitoring.metrics.listening);
  await monitoring.shutdown();
});
