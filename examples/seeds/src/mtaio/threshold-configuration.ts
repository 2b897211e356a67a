// mtaio.monitoring — "Best Practices / Threshold Configuration".
import { ResourceMonitor } from '@otelkit/resource-monitor';
import { runIfMain } from '../services';

// Configure appropriate thresholds
export function configureThresholds(monitor: ResourceMonitor): void {
  // System resources
  monitor.setThreshold('cpu_usage', 80.0);
  monitor.setThreshold('memory_usage', 90.0);

  // Application metrics
  monitor.setThreshold('error_rate', 5.0);
  monitor.setThreshold('response_time', 1.0);
}

export async function main(): Promise<ResourceMonitor> {
  const monitor = new ResourceMonitor();
  configureThresholds(monitor);
  return monitor;
}

runIfMain(module, async () => {
  const monitor = await main();
  console.log(monitor.getThresholds());
});
