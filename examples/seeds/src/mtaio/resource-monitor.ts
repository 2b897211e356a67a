// mtaio.monitoring — ResourceMonitor, "Basic Usage".
import { ResourceMonitor } from '@otelkit/resource-monitor';
import { runIfMain } from '../services';

export async function main(): Promise<ResourceMonitor> {
  // Create monitor
  const monitor = new ResourceMonitor({ interval: 1.0 }); // 1 second interval

  // Set up alert handlers
  monitor.onThresholdExceeded(async (metric: string, value: number, threshold: number) => {
    console.log(`Alert: ${metric} exceeded threshold (${value} > ${threshold})`);
  });

  // Configure thresholds
  monitor.setThreshold('cpu_usage', 80.0); // 80% CPU usage
  monitor.setThreshold('memory_usage', 90.0); // 90% memory usage

  // Start monitoring
  await monitor.start();
  return monitor;
}

runIfMain(module, async () => {
  const monitor = await main();
  await new Promise((r) => setTimeout(r, 3000));
  await monitor.stop();
});
