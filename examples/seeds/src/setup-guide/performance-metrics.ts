// Monitoring Setup Guide — "Metric Collection": PerformanceMetrics with Histogram and Gauge.
import { Gauge, Histogram } from '@otelkit/service/seed';
import { runIfMain, sleep } from '../services';

export class PerformanceMetrics {
  readonly requestTimes = new Histogram({
    name: 'request_duration_seconds',
    buckets: [0.1, 0.5, 1.0, 2.0, 5.0],
  });
  readonly activeRequests = new Gauge({
    name: 'active_requests',
  });
  readonly memoryUsage = new Gauge({
    name: 'memory_usage_bytes',
  });

  async collectMetrics(): Promise<string> {
    // Collect system metrics
    const memory = process.memoryUsage();
    this.memoryUsage.set(memory.rss);

    // Collect request metrics
    await using _timer = this.requestTimes.time();
    const result = await this.processRequest();
    return result;
  }

  async processRequest(): Promise<string> {
    await sleep(20);
    return 'ok';
  }
}

runIfMain(module, async () => {
  const { startMonitoring } = await import('@otelkit/service');
  const monitoring = startMonitoring();
  console.log(await new PerformanceMetrics().collectMetrics());
  await monitoring.shutdown();
});
