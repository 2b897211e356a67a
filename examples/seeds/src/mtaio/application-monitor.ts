// mtaio.monitoring — "Custom Metrics Collection": ApplicationMonitor(ResourceMonitor).
import { ResourceMonitor } from '@otelkit/resource-monitor';
import { runIfMain, sleep } from '../services';

class CustomMetrics {
  requestCount = 0;
  errorCount = 0;
  averageResponseTime = 0.0;
}

export class ApplicationMonitor extends ResourceMonitor {
  readonly metrics = new CustomMetrics();
  #looping = true;

  constructor(private readonly _periodMillis = 60_000) {
    super();
  }

  async collectMetrics(): Promise<void> {
    while (this.#looping) {
      // Update metrics
      const stats = await this.getCurrentStats();
      void stats;

      // Process metrics
      if (this.metrics.errorCount > 100) {
        this.alert('High error rate detected');
      }

      await sleep(this._periodMillis);
    }
  }

  override async stop(): Promise<void> {
    this.#looping = false;
    await super.stop();
  }
}

export async function main(): Promise<ApplicationMonitor> {
  const monitor = new ApplicationMonitor(50);
  monitor.metrics.errorCount = 101;
  const loop = monitor.collectMetrics();
  await sleep(120);
  await monitor.stop();
  await loop;
  return monitor;
}

runIfMain(module, async () => {
  const monitor = await main();
  await monitor.shutdown();
});
