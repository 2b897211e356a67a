// uno resource monitoring — "Metrics Collection": resource_monitor.add_metric(resource_id, Gauge(...)).
import { ManagedResourceMonitor, type ResourceMetricHandle } from '@otelkit/resource-manager';
import { Pool } from 'pg';
import { POSTGRES, runIfMain } from '../services';

export async function main(): Promise<{
  resourceMonitor: ManagedResourceMonitor;
  pool: Pool;
  usage: ResourceMetricHandle;
}> {
  const resourceMonitor = new ManagedResourceMonitor({ interval: 5 });
  const pool = new Pool({ ...POSTGRES, max: 4 });
  resourceMonitor.resources.register({ id: 'main-db', type: 'database', resource: pool, name: 'orders' });

  // Database connection metrics example
  const usage = resourceMonitor.addMetric('main-db', {
    name: 'connection_pool_usage',
    description: 'Current usage of the database connection pool',
    labels: ['database_name', 'pool_id'],
  });

  const client = await pool.connect();
  try {
    await client.query('select 1');
    usage.set(pool.totalCount / 4 - pool.idleCount / 4, {
      database_name: POSTGRES.database,
      pool_id: 'main',
    });
  } finally {
    client.release();
  }
  return { resourceMonitor, pool, usage };
}

runIfMain(module, async () => {
  const { resourceMonitor, pool } = await main();
  console.log(resourceMonitor.resources.getValues({ resourceId: 'main-db' }));
  await resourceMonitor.shutdown();
  await pool.end();
});
