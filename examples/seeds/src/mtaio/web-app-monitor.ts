// mtaio.monitoring — "Web Application Monitoring": WebAppMonitor.
import { ResourceMonitor } from '@otelkit/resource-monitor';
import { Profiler } from '@otelkit/tracing';
import { runIfMain, sleep } from '../services';

export interface Request {
  readonly path: string;
  readonly fail?: boolean;
}

async function processRequest(request: Request): Promise<{ status: number }> {
  await sleep(5);
  if (request.fail) throw new Error(`cannot serve ${request.path}`);
  return { status: 200 };
}

export class WebAppMonitor {
  readonly monitor = new ResourceMonitor();
  readonly profiler = new Profiler();

  async monitorRequest(request: Request): Promise<{ status: number }> {
    return this.profiler.traceContext('http_request', async () => {
      const startTime = performance.now();

      try {
        const response = await processRequest(request);
        const duration = (performance.now() - startTime) / 1000; // seconds, as time.time() deltas

        this.monitor.recordMetric('request_duration', duration);

        return response;
      } catch (e) {
        this.monitor.recordMetric('request_error', 1.0);
        throw e;
      }
    });
  }
}

export async function main(): Promise<WebAppMonitor> {
  const app = new WebAppMonitor();
  await app.monitorRequest({ path: '/orders' });
  await app.monitorRequest({ path: '/broken', fail: true }).catch(() => undefined);
  return app;
}

runIfMain(module, async () => {
  const app = await main();
  console.log(app.monitor.stats('request_duration', '1m'));
  await app.monitor.shutdown();
});
