// uno resource monitoring — "Automatic Resource Discovery".
import { ManagedResourceMonitor } from '@otelkit/resource-manager';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { POSTGRES, REDIS, runIfMain } from '../services';

export async function main(): Promise<{
  resourceMonitor: ManagedResourceMonitor;
  pool: Pool;
  redis: Redis;
  stop(): void;
}> {
  const resourceMonitor = new ManagedResourceMonitor();
  await resourceMonitor.start();

  // Auto-detect and monitor all database connections
  const databases = resourceMonitor.discoverResources({ resourceType: 'database' });

  // Auto-detect and monitor all resources
  const everything = resourceMonitor.discoverAllResources();

  // created by the application afterwards: found without registering them
  const pool = new Pool({ ...POSTGRES, max: 2 });
  await pool.query('select 1');
  const redis = new Redis({ ...REDIS, lazyConnect: true });
  await redis.connect();
  await redis.ping();

  return {
    resourceMonitor,
    pool,
    redis,
    stop: () => {
      databases.stop();
      everything.stop();
    },
  };
}

runIfMain(module, async () => {
  const { resourceMonitor, pool, redis, stop } = await main();
  console.log(resourceMonitor.resources.getResources().map((r) => `${r.id} (${r.type})`));
  stop();
  await resourceMonitor.shutdown();
  await pool.end();
  redis.disconnect();
});
