import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DataPoint, MeterProvider, type MetricData, MetricReader } from '@opentelemetry/sdk-metrics';
import type { HealthRegistry } from '@otelkit/resource-monitor';

export class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export function createTestMeter(): { provider: MeterProvider; reader: TestReader } {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  return { provider, reader };
}

/** Collects once and returns metrics by instrument name. */
export async function collectMetrics(reader: TestReader): Promise<Map<string, MetricData>> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const out = new Map<string, MetricData>();
  for (const scope of resourceMetrics.scopeMetrics)
    for (const m of scope.metrics) out.set(m.descriptor.name, m);
  return out;
}

/** The data point of `name` whose attributes include `attrs`. */
export function pointOf(
  metrics: Map<string, MetricData>,
  name: string,
  attrs: Record<string, unknown>,
): DataPoint<unknown> | undefined {
  const m = metrics.get(name);
  return (m?.dataPoints as DataPoint<unknown>[] | undefined)?.find((p) =>
    Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
  );
}

export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMillis = 15_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Serves a health registry on 127.0.0.1, port 0. */
export async function serveHealth(
  registry: HealthRegistry,
): Promise<{ server: Server; get(path: string): Promise<{ status: number; body: Record<string, any> }> }> {
  const server = createServer(registry.handler());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const get = (path: string) =>
    new Promise<{ status: number; body: Record<string, any> }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) }));
      });
      req.on('error', reject);
      req.end();
    });
  return { server, get };
}

export function closeServer(server: Server | undefined): Promise<void> {
  return new Promise((r) => (server ? server.close(() => r()) : r()));
}

/** A unique name for queues and keys, so parallel runs never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The count of a histogram data point (undefined when there is none). */
export function histCount(point: DataPoint<unknown> | undefined): number | undefined {
  return (point?.value as { count?: number } | undefined)?.count;
}
