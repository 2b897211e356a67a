// uno resource monitoring — "Custom Resource Monitors": DatabaseMonitor(ResourceTypeMonitor).
import {
  ManagedResourceMonitor,
  type ResourceHost,
  type ResourceRegistration,
  ResourceTypeMonitor,
} from '@otelkit/resource-manager';
import { Pool } from 'pg';
import { POSTGRES, runIfMain } from '../services';

/** A database resource that counts its queries (uno's `resource.get_statistics()`). */
export class CountingDatabase {
  totalQueries = 0;
  slowQueries = 0;
  constructor(
    readonly name: string,
    readonly pool: Pool,
    private readonly _slowMillis = 50,
  ) {}

  async query(sql: string): Promise<unknown> {
    const t0 = performance.now();
    try {
      return await this.pool.query(sql);
    } finally {
      this.totalQueries++;
      if (performance.now() - t0 > this._slowMillis) this.slowQueries++;
    }
  }

  async getStatistics(): Promise<{ total_queries: number; slow_queries: number }> {
    return { total_queries: this.totalQueries, slow_queries: this.slowQueries };
  }
}

export class DatabaseMonitor extends ResourceTypeMonitor<CountingDatabase> {
  /** Custom monitor for database connections */
  constructor(resourceManager: ResourceHost) {
    super(resourceManager, { resourceType: 'database' });
  }

  setupMetrics(): void {
    /** Setup database-specific metrics */
    this.addMetric({
      name: 'query_count',
      description: 'Number of queries executed',
      type: 'counter',
      labels: ['query_type', 'database_name'],
    });
    this.addMetric({
      name: 'slow_queries',
      description: 'Number of slow queries',
      type: 'counter',
      labels: ['database_name'],
    });
  }

  async collectMetrics(resource: ResourceRegistration<CountingDatabase>): Promise<void> {
    /** Collect metrics for a specific database resource */
    const stats = await resource.resource.getStatistics();
    this.updateMetric('query_count', stats.total_queries, {
      database_name: resource.name,
      query_type: 'all',
    });
    this.updateMetric('slow_queries', stats.slow_queries, { database_name: resource.name });
  }
}

export async function main(): Promise<{ resourceMonitor: ManagedResourceMonitor; db: CountingDatabase }> {
  const resourceMonitor = new ManagedResourceMonitor();
  const resourceManager = resourceMonitor.resources;

  // Register the custom monitor
  const dbMonitor = new DatabaseMonitor(resourceManager);
  resourceMonitor.registerTypeMonitor(dbMonitor);

  const db = new CountingDatabase('orders', new Pool({ ...POSTGRES, max: 2 }));
  resourceManager.register({ id: 'main-db', type: 'database', resource: db, name: 'orders' });
  await db.query('select 1');
  await db.query('select pg_sleep(0.08)');
  await resourceManager.collectNow();
  return { resourceMonitor, db };
}

runIfMain(module, async () => {
  const { resourceMonitor, db } = await main();
  console.log(resourceMonitor.resources.getValues({ resourceId: 'main-db' }));
  await resourceMonitor.shutdown();
  await db.pool.end();
});
