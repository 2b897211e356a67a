// uno resource monitoring — "Resource Health Integration".

import { ManagedResourceMonitor, PgPoolMonitor, ResourceHealthAdapter } from '@otelkit/resource-manager';
import { HealthRegistry } from '@otelkit/resource-monitor';
import { Pool } from 'pg';
import { POSTGRES, runIfMain } from '../services';

export async function main(): Promise<{
  healthRegistry: HealthRegistry;
  resourceMonitor: ManagedResourceMonitor;
  pool: Pool;
}> {
  const resourceMonitor = new ManagedResourceMonitor();
  const resourceManager = resourceMonitor.resources;
  resourceMonitor.registerTypeMonitor(new PgPoolMonitor(resourceManager));
  const pool = new Pool({ ...POSTGRES, max: 2 });
  resourceManager.register({ id: 'main-db', type: 'pg', resource: pool });

  const healthRegistry = new HealthRegistry();
  const healthAdapter = new ResourceHealthAdapter(resourceManager, resourceMonitor);
  healthRegistry.registerAdapter(healthAdapter);

  return { healthRegistry, resourceMonitor, pool };
}

runIfMain(module, async () => {
  const { healthRegistry, resourceMonitor, pool } = await main();
  console.log(JSON.stringify(await healthRegistry.check('readiness'), null, 2));
  await resourceMonitor.shutdown();
  await pool.end();
});
