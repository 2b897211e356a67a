/**
 * 1 000 000 distinct attribute values on one counter, collected every 50 000 records (as a scraping
 * Prometheus would): exported series and heap growth, @otelkit/metrics vs raw sdk-metrics with the
 * same cardinality limit, plus the time of one Prometheus scrape at the end.
 * Run: node --expose-gc bench/metrics/cardinality.bench.js (after building the package)
 */
const path = require('node:path');
const http = require('node:http');
const PKG = path.resolve(__dirname, '../../packages/metrics');
const { MeterProvider, MetricReader } = require(
  require.resolve('@opentelemetry/sdk-metrics', { paths: [PKG] }),
);
const { createMetrics } = require(path.join(PKG, 'dist'));

const DISTINCT = 1_000_000;
const LIMIT = 2000;
const EVERY = 50_000;
const MiB = 1024 * 1024;

if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
const heap = () => {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
};

class PullReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

async function run(name, inc, collect) {
  for (let i = 0; i < LIMIT; i++) inc(i);
  await collect();
  const before = heap();
  for (let i = LIMIT; i < DISTINCT; i++) {
    inc(i);
    if (i % EVERY === 0) await collect();
  }
  const points = await collect();
  const growth = (heap() - before) / MiB;
  return { name, series: points, growthMiB: growth };
}

function scrape(handler) {
  return new Promise((resolve) => {
    const server = http.createServer(handler).listen(0, '127.0.0.1', () => {
      const t0 = process.hrtime.bigint();
      http.get({ host: '127.0.0.1', port: server.address().port, path: '/', agent: false }, (res) => {
        let bytes = 0;
        res.on('data', (d) => (bytes += d.length));
        res.on('end', () => {
          server.close();
          resolve({ millis: Number(process.hrtime.bigint() - t0) / 1e6, bytes });
        });
      });
    });
  });
}

async function main() {
  const reader = new PullReader({ cardinalitySelector: () => LIMIT });
  const raw = new MeterProvider({ readers: [reader] }).getMeter('bench').createCounter('user.logins');
  const rawResult = await run(
    'raw sdk-metrics 2.12',
    (i) => raw.add(1, { 'user.id': `u-${i}` }),
    async () =>
      (await reader.collect()).resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === 'user.logins').dataPoints.length,
  );

  const metrics = createMetrics({
    enabled: true,
    exportIntervalMillis: 60000,
    exportTimeoutMillis: 30000,
    exporters: [{ type: 'prometheus', mode: 'handler', host: '127.0.0.1', port: 0, path: '/metrics' }],
    cardinalityLimit: LIMIT,
    durationBuckets: [],
    views: [],
    http: { ignorePaths: [] },
    shutdownTimeoutMillis: 1000,
  });
  const counter = metrics.counter('user.logins');
  const oursResult = await run(
    '@otelkit/metrics',
    (i) => counter.inc({ 'user.id': `u-${i}` }),
    async () =>
      (await metrics.collect()).resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === 'user.logins').dataPoints.length,
  );
  const s = await scrape(metrics.handler);

  console.log(
    `${DISTINCT} distinct values, limit ${LIMIT}, a collection every ${EVERY} records (${DISTINCT / EVERY} in all)`,
  );
  for (const r of [rawResult, oursResult]) {
    console.log(
      `  ${r.name.padEnd(22)} series ${String(r.series).padStart(6)}   heap growth ${r.growthMiB.toFixed(2)} MiB`,
    );
  }
  console.log(`  series ratio ours/raw ${(oursResult.series / rawResult.series).toFixed(3)}`);
  console.log(`  one Prometheus scrape of the capped counter: ${s.millis.toFixed(1)} ms, ${s.bytes} bytes`);
  await metrics.shutdown();
}

main();
