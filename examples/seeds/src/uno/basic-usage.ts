// uno resource monitoring — "Basic Usage". uno's `ResourceMonitor(resource_manager)` is
// otelkit's ManagedResourceMonitor: the monitor and its resource manager in one object
// (`new ResourceMonitor(resourceManager)` is refused, naming this class).
import { ManagedResourceMonitor, type ResourceManager } from '@otelkit/resource-manager';
import { runIfMain } from '../services';

export async function main(): Promise<{
  resourceMonitor: ManagedResourceMonitor;
  resourceManager: ResourceManager;
}> {
  // Create a resource monitor
  const resourceMonitor = new ManagedResourceMonitor();
  const resourceManager = resourceMonitor.resources;

  // Start monitoring
  await resourceMonitor.start();

  return { resourceMonitor, resourceManager };
}

runIfMain(module, async () => {
  const { resourceMonitor } = await main();
  // Later in your application shutdown
  await resourceMonitor.stop();
});
