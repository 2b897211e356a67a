// uno resource monitoring — "Resource Anomaly Detection".
import { AnomalyDetector, ManagedResourceMonitor } from '@otelkit/resource-manager';
import { Pool } from 'pg';
import { POSTGRES, runIfMain } from '../services';

export async function main(): Promise<{
  resourceMonitor: ManagedResourceMonitor;
  detector: AnomalyDetector;
  pool: Pool;
}> {
  const resourceMonitor = new ManagedResourceMonitor();
  const pool = new Pool({ ...POSTGRES, max: 2 });
  resourceMonitor.resources.register({ id: 'main-db', type: 'database', resource: pool });

  // Create an anomaly detector
  const detector = new AnomalyDetector();

  // Register with resource monitor
  resourceMonitor.setAnomalyDetector(detector);

  // Configure anomaly detection for a specific resource
  resourceMonitor.configureAnomalyDetection({
    resourceId: 'main-db',
    metric: 'query_duration',
    sensitivity: 0.8, // Higher values detect more subtle anomalies
    trainingPeriod: '7d', // Use 7 days of data for training
  });

  // real query durations, in seconds, reported for main-db
  const queryDuration = resourceMonitor.addMetric('main-db', { name: 'query_duration', unit: 's' });
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await pool.query('select 1');
    queryDuration.set((performance.now() - t0) / 1000);
  }
  return { resourceMonitor, detector, pool };
}

runIfMain(module, async () => {
  const { resourceMonitor, pool } = await main();
  await resourceMonitor.shutdown();
  await pool.end();
});
