// uno resource monitoring — "Resource Thresholds and Alerts". uno's Threshold(warning, critical,
// alert_message) is a plain object here, with `message`.

import { ManagedResourceMonitor, PgPoolMonitor } from '@otelkit/resource-manager';
import type { AlertEvent } from '@otelkit/resource-monitor';
import { Pool, type PoolClient } from 'pg';
import { POSTGRES, runIfMain } from '../services';

export async function main(): Promise<{
  alerts: AlertEvent[];
  resourceMonitor: ManagedResourceMonitor;
  pool: Pool;
  held: PoolClient[];
}> {
  const resourceMonitor = new ManagedResourceMonitor();
  resourceMonitor.registerTypeMonitor(new PgPoolMonitor(resourceMonitor.resources));
  const pool = new Pool({ ...POSTGRES, max: 2 });
  resourceMonitor.resources.register({ id: 'main-db', type: 'pg', resource: pool });

  // Set a threshold for connection pool usage
  resourceMonitor.setThreshold({
    resourceId: 'main-db',
    metric: 'connection_pool_usage',
    warning: 0.7, // 70% usage triggers warning
    critical: 0.9, // 90% usage triggers critical alert
    message: 'Database connection pool utilization high',
  });

  const alerts: AlertEvent[] = [];
  resourceMonitor.onAlert((event) => {
    alerts.push(event);
  });

  // the application takes every connection of the pool
  const held = [await pool.connect(), await pool.connect()];
  await resourceMonitor.resources.collectNow();
  await resourceMonitor.flushAlerts();
  return { alerts, resourceMonitor, pool, held };
}

runIfMain(module, async () => {
  const { alerts, resourceMonitor, pool, held } = await main();
  console.log(alerts.map((a) => `${a.level}: ${a.message}`));
  for (const c of held) c.release();
  await resourceMonitor.shutdown();
  await pool.end();
});
