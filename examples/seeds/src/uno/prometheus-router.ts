// uno resource monitoring — "Prometheus Integration". uno mounts an exporter's router under
// /metrics in FastAPI; otelkit's metrics handle has the handler, mounted here on node:http (with
// Express: `app.use('/metrics', metrics.handler)`). The resource monitor publishes on its meter.
import { createServer, type Server } from 'node:http';
import { loadConfig } from '@otelkit/config';
import { createMetrics, type MetricsHandle } from '@otelkit/metrics';
import { ManagedResourceMonitor, PgPoolMonitor } from '@otelkit/resource-manager';
import { Pool } from 'pg';
import { POSTGRES, runIfMain } from '../services';

export async function main(
  port = 0,
): Promise<{ app: Server; exporter: MetricsHandle; resourceMonitor: ManagedResourceMonitor; pool: Pool }> {
  // Setup the exporter
  const config = loadConfig({
    config: { metrics: { exporters: [{ type: 'prometheus', mode: 'handler' }] } },
  });
  const exporter = createMetrics(config.metrics);
  const resourceMonitor = new ManagedResourceMonitor({ meter: exporter.meter });
  resourceMonitor.registerTypeMonitor(new PgPoolMonitor(resourceMonitor.resources));
  const pool = new Pool({ ...POSTGRES, max: 3 });
  resourceMonitor.resources.register({ id: 'main-db', type: 'pg', resource: pool });
  await resourceMonitor.start();

  // In node:http (FastAPI's include_router(exporter.router, prefix="/metrics"))
  const app = createServer((req, res) => {
    if (req.url === '/metrics' || req.url?.startsWith('/metrics?')) return exporter.handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => app.listen(port, '127.0.0.1', r));
  return { app, exporter, resourceMonitor, pool };
}

runIfMain(module, async () => {
  const { app } = await main(9464);
  console.log('scrape http://127.0.0.1:9464/metrics');
  await new Promise((r) => app.on('close', r));
});
