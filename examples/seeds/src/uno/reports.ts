// uno resource monitoring — "Resource Utilization Reports".
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedResourceMonitor, PgPoolMonitor, type UtilizationReport } from '@otelkit/resource-manager';
import { Pool } from 'pg';
import { POSTGRES, runIfMain } from '../services';

export async function main(
  csvPath = join(tmpdir(), `otelkit-report-${process.pid}.csv`),
): Promise<{ byType: UtilizationReport; byTime: UtilizationReport; csvPath: string }> {
  const resourceMonitor = new ManagedResourceMonitor();
  resourceMonitor.registerTypeMonitor(new PgPoolMonitor(resourceMonitor.resources));
  const pool = new Pool({ ...POSTGRES, max: 3 });
  resourceMonitor.resources.register({ id: 'main-db', type: 'pg', resource: pool });
  try {
    for (let i = 0; i < 3; i++) {
      await pool.query('select pg_sleep(0.01)');
      await resourceMonitor.resources.collectNow();
    }

    // Get a report for all database resources
    const byType = resourceMonitor.generateReport({ resourceType: 'database' });

    // Get a report for a specific time range
    const byTime = resourceMonitor.generateReport({
      startTime: new Date(Date.now() - 24 * 60 * 60 * 1000),
      endTime: new Date(),
    });

    // Export the report
    await byTime.exportCsv(csvPath);
    return { byType, byTime, csvPath };
  } finally {
    await resourceMonitor.shutdown();
    await pool.end();
  }
}

runIfMain(module, async () => {
  const { csvPath } = await main();
  console.log(`report written to ${csvPath}`);
});
