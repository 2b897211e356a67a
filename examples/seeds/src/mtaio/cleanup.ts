// mtaio.monitoring — "Best Practices / Resource Management": proper cleanup. Python's generator
// with try/finally becomes an async generator, or `await using` on the monitor itself.
import { ResourceMonitor } from '@otelkit/resource-monitor';
import { runIfMain } from '../services';

// Proper cleanup
export async function* cleanupMonitoring(): AsyncGenerator<ResourceMonitor> {
  const monitor = new ResourceMonitor();
  try {
    await monitor.start();
    yield monitor;
  } finally {
    await monitor.stop();
  }
}

export async function main(): Promise<{ runningInside: boolean; runningAfter: boolean }> {
  let runningInside = false;
  let kept: ResourceMonitor | undefined;
  for await (const monitor of cleanupMonitoring()) {
    runningInside = monitor.isRunning;
    kept = monitor;
    break; // leaving the loop runs the finally block
  }
  return { runningInside, runningAfter: kept?.isRunning ?? true };
}

runIfMain(module, main);
