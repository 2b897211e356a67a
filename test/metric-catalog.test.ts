/**
 * The metric catalog against what otelkit really exports: a running metrics handler (HTTP server
 * metrics), the resource monitor's instruments on the same provider, and a registered pool, scraped
 * over HTTP. Every catalog entry's direct-path series must appear in the exposition; the OTLP
 * path's names are the direct ones plus the unit suffix the Collector's prometheus exporter adds.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import {
  catalogEntryForTitle,
  catalogPromQL,
  catalogSharePromQL,
  findCatalogEntry,
  loadConfig,
  METRIC_CATALOG,
  normalizePools,
} from '@otelkit/config';
import { createMetrics, withHttpMetrics } from '@otelkit/metrics';
import { createResourceManager } from '@otelkit/resource-manager';
import { ResourceMonitor } from '@otelkit/resource-monitor';

// generic-pool is a dev dependency of @otelkit/resource-manager, not of the workspace root
const { createPool } = require(
  require.resolve('generic-pool', { paths: [path.join(__dirname, '..', 'packages', 'resource-manager')] }),
) as GenericPoolModule;

/** The part of generic-pool's API used here (its types are not visible from this package). */
interface GenericPoolModule {
  createPool(
    factory: { create(): Promise<object>; destroy(o: object): Promise<void> },
    options: { max: number },
  ): { drain(): Promise<void>; clear(): Promise<void> };
}

jest.setTimeout(30_000);

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

async function listen(handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

const close = (s: http.Server) =>
  new Promise<void>((r) => {
    s.close(() => r());
    s.closeAllConnections();
  });

/** Family names in a 0.0.4 exposition (sample names, with _bucket/_count/_sum kept). */
function sampleNames(body: string): Set<string> {
  return new Set(
    body
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/[{ ]/)[0]!),
  );
}

const UNIT_SUFFIX: Record<string, string> = { s: '_seconds', By: '_bytes', '1': '_ratio' };

describe('the metric catalog', () => {
  let exposition = '';

  beforeAll(async () => {
    const config = loadConfig({
      env: {},
      file: false,
      config: { metrics: { exporters: [{ type: 'prometheus', mode: 'handler' }] } },
    });
    const metrics = createMetrics(config.metrics);
    const monitor = new ResourceMonitor({ intervalMillis: 200, meterProvider: metrics.provider });
    const manager = createResourceManager(normalizePools({ interval: 60, kinds: ['generic-pool'] }), {
      monitor,
      meter: metrics.meter,
    });
    const pool = createPool({ create: async () => ({}), destroy: async () => {} }, { max: 2 });
    manager.register({ id: 'gp', type: 'generic-pool', resource: pool });
    const app = await listen(
      withHttpMetrics(metrics, (req, res) => {
        res.statusCode = req.url === '/fail' ? 500 : 200;
        res.end('ok');
      }),
    );
    const scrape = await listen(metrics.handler);
    try {
      await monitor.start(); // the first sample is taken on start
      await manager.start();
      await manager.forceFlush();
      // CPU and event-loop figures are differences between samples: wait for a few
      await new Promise((r) => setTimeout(r, 800));
      const appPort = (app.address() as AddressInfo).port;
      await get(appPort, '/ok');
      await get(appPort, '/fail');
      exposition = (await get((scrape.address() as AddressInfo).port, '/metrics')).body;
    } finally {
      await close(app);
      await close(scrape);
      await manager.shutdown();
      await monitor.shutdown();
      await pool.drain();
      await pool.clear();
      await metrics.shutdown();
    }
  });

  it('every entry names series the direct scrape really has', () => {
    const names = sampleNames(exposition);
    const missing = METRIC_CATALOG.flatMap((e) =>
      e.exposition.filter((s) => !names.has(s)).map((s) => `${e.name}: ${s}`),
    );
    expect(missing).toEqual([]);
    for (const e of METRIC_CATALOG) {
      expect(e.exposition.every((s) => s.startsWith(e.series.direct))).toBe(true);
    }
  });

  it('the OTLP path is the direct name plus the Collector unit suffix', () => {
    for (const e of METRIC_CATALOG) {
      const suffix = e.instrumentType === 'updowncounter' ? '' : (UNIT_SUFFIX[e.instrumentUnit] ?? '');
      expect([e.name, e.series.otlp]).toEqual([e.name, `${e.series.direct}${suffix}`]);
    }
  });

  it('resolves names, aliases and the seed panel titles', () => {
    expect(findCatalogEntry('request_duration_seconds')?.instrument).toBe('http.server.request.duration');
    expect(findCatalogEntry('response_time_seconds')?.name).toBe('request_duration_seconds');
    expect(catalogEntryForTitle('Request Latency')?.name).toBe('request_duration_seconds');
    expect(catalogEntryForTitle('Throughput')?.name).toBe('request_rate');
    expect(catalogEntryForTitle('CPU Usage')?.name).toBe('cpu_usage');
    expect(catalogEntryForTitle('Memory Usage')?.name).toBe('memory_usage_bytes');
    expect(findCatalogEntry('memory_usage_bytes')?.monitor).toEqual({ metric: 'process_rss', factor: 1 });
  });

  it('writes PromQL per path in the logical unit', () => {
    const latency = findCatalogEntry('request_duration_seconds')!;
    expect(catalogPromQL(latency, 'direct')).toBe(
      'histogram_quantile(0.95, sum by (job, http_route, le) (rate(http_server_request_duration_bucket[5m])))',
    );
    expect(catalogPromQL(latency, 'otlp', { matchers: ['job=~"$service"'] })).toBe(
      'histogram_quantile(0.95, sum by (job, http_route, le) (rate(http_server_request_duration_seconds_bucket{job=~"$service"}[5m])))',
    );
    expect(catalogSharePromQL(latency, 'direct', '>', 1, 60_000)).toBe(
      '(1 - sum by (job, http_route) (rate(http_server_request_duration_bucket{le="1"}[1m])) / sum by (job, http_route) (rate(http_server_request_duration_count[1m])))',
    );
    expect(catalogPromQL(findCatalogEntry('cpu_usage')!, 'otlp')).toBe(
      '100 * max by (job, instance) (otelkit_cpu_utilization_ratio)',
    );
  });
});
