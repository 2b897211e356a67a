/**
 * How long one Prometheus scrape of 10 000 series blocks the event loop, and what 20 concurrent
 * scrapers cost: otelkit's endpoint (concurrent scrapes coalesced into one collection, the
 * exposition serialised in slices that yield to the loop) against the baseline of the same
 * collection serialised in one piece by the upstream PrometheusSerializer (what the endpoint did
 * before, and what the upstream exporter does). The loop block is the largest delay seen by
 * perf_hooks.monitorEventLoopDelay (1 ms resolution) while the scrapes run. Rounds alternate.
 * Run: node bench/metrics/scrape-10k.bench.js (after building the package)
 */
const http = require('node:http');
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const PKG = path.resolve(__dirname, '../../packages/metrics');
const req = (name) => require(require.resolve(name, { paths: [PKG] }));
const { createMetrics } = require(path.join(PKG, 'dist'));
const { PrometheusSerializer } = req('@opentelemetry/exporter-prometheus');

const SERIES = Number(process.env.SERIES || 10_000);
const ROUNDS = Number(process.env.ROUNDS || 7);
const SCRAPERS = Number(process.env.SCRAPERS || 20);

const metrics = createMetrics({
  enabled: true,
  exportIntervalMillis: 60000,
  exportTimeoutMillis: 30000,
  exporters: [{ type: 'prometheus', mode: 'handler', host: '127.0.0.1', port: 0, path: '/metrics' }],
  cardinalityLimit: SERIES * 2,
  durationBuckets: [0.1, 1],
  views: [],
  http: { ignorePaths: ['/metrics'] },
  shutdownTimeoutMillis: 1000,
});
const c = metrics.counter('bench.requests', { description: 'requests' });
for (let i = 0; i < SERIES; i++) c.inc({ route: `/r/${i % 100}`, id: `id-${i}` });

const serializer = new PrometheusSerializer('', false, undefined, false, false);
// The baseline handler: one collection per scrape, serialised in one piece.
const baseline = (_req, res) => {
  metrics.collect().then(({ resourceMetrics }) => {
    const body = serializer.serialize(resourceMetrics);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(body);
  });
};

function listen(handler) {
  const server = http.createServer(handler);
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

function get(port) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    http
      .get({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
        let bytes = 0;
        res.on('data', (d) => {
          bytes += d.length;
        });
        res.on('end', () => resolve({ millis: Date.now() - started, bytes }));
      })
      .on('error', reject);
  });
}

async function measure(port, scrapers) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: scrapers }, () => get(port)));
  const wall = Date.now() - started;
  h.disable();
  const latencies = results.map((r) => r.millis).sort((a, b) => a - b);
  return {
    block: h.max / 1e6,
    wall,
    p50: latencies[Math.floor(latencies.length / 2)],
    bytes: results[0].bytes,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const ours = await listen(metrics.handler);
  const base = await listen(baseline);
  const variants = [
    ['upstream serializer, one collection per scrape (baseline)', base.address().port],
    ['@otelkit/metrics endpoint', ours.address().port],
  ];
  const out = new Map(variants.map(([name]) => [name, { one: [], many: [] }]));
  for (const [, port] of variants) await measure(port, 1); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const [name, port] of order) {
      await new Promise((r) => setTimeout(r, 300)); // past the endpoint's reuse window
      out.get(name).one.push(await measure(port, 1));
      await new Promise((r) => setTimeout(r, 300));
      out.get(name).many.push(await measure(port, SCRAPERS));
    }
  }
  const collectionsBefore = metrics.stats().scrapes.collections;
  await new Promise((r) => setTimeout(r, 300));
  await measure(ours.address().port, SCRAPERS);
  const collectionsForMany = metrics.stats().scrapes.collections - collectionsBefore;

  const b = out.get(variants[0][0]);
  console.log(
    `${SERIES} series (${b.one[0].bytes} bytes of exposition), ${ROUNDS} rounds alternating, medians; node ${process.version}`,
  );
  console.log(
    '| subject | loop block, 1 scrape (ms) | vs baseline | loop block, 20 concurrent (ms) | vs baseline | p50 latency, 20 concurrent (ms) | vs baseline |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const b1 = median(b.one.map((r) => r.block));
  const bm = median(b.many.map((r) => r.block));
  const bp = median(b.many.map((r) => r.p50));
  for (const [name] of variants) {
    const v = out.get(name);
    const one = median(v.one.map((r) => r.block));
    const many = median(v.many.map((r) => r.block));
    const p50 = median(v.many.map((r) => r.p50));
    console.log(
      `| ${name} | ${one.toFixed(1)} | ${((one / b1) * 100).toFixed(1)} % | ${many.toFixed(1)} | ${((many / bm) * 100).toFixed(1)} % | ${p50} | ${((p50 / bp) * 100).toFixed(1)} % |`,
    );
  }
  console.log(`collections for ${SCRAPERS} concurrent scrapes of the endpoint: ${collectionsForMany}`);
  ours.close();
  base.close();
  await metrics.shutdown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
