/**
 * ns per histogram.record: raw sdk-metrics vs @otelkit/metrics (helper and guarded meter instrument).
 * Same run, alternating rounds, medians. Run: node bench/metrics/record.bench.js (after building the package).
 */
const path = require('node:path');
const PKG = path.resolve(__dirname, '../../packages/metrics');
const req = (name) => require(require.resolve(name, { paths: [PKG] }));
const { MeterProvider, MetricReader } = req('@opentelemetry/sdk-metrics');
const { createMetrics } = require(path.join(PKG, 'dist'));

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const ATTRS = [
  { 'http.request.method': 'GET', 'http.route': '/users/:id', 'http.response.status_code': 200 },
  { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 201 },
  { 'http.request.method': 'GET', 'http.route': '/users/:id', 'http.response.status_code': 404 },
];
const N = Number(process.env.N || 50_000);
const ROUNDS = Number(process.env.ROUNDS || 41);

class PullReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

function raw() {
  const reader = new PullReader({ cardinalitySelector: () => 2000 });
  const provider = new MeterProvider({ readers: [reader] });
  const h = provider.getMeter('bench').createHistogram('bench.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: BUCKETS },
  });
  return (v, a) => h.record(v, a);
}

function ours(kind) {
  const m = createMetrics({
    enabled: true,
    exportIntervalMillis: 60000,
    exportTimeoutMillis: 30000,
    exporters: [{ type: 'prometheus', mode: 'handler', host: '127.0.0.1', port: 0, path: '/metrics' }],
    cardinalityLimit: 2000,
    durationBuckets: BUCKETS,
    views: [],
    http: { ignorePaths: [] },
    shutdownTimeoutMillis: 1000,
  });
  if (kind === 'helper') {
    const h = m.histogram('bench.duration', { unit: 's' });
    return (v, a) => h.record(v, a);
  }
  const h = m.meter.createHistogram('bench.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: BUCKETS },
  });
  return (v, a) => h.record(v, a);
}

function time(record, withAttrs) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) record((i % 1000) / 400, withAttrs ? ATTRS[i % 3] : undefined);
  return Number(process.hrtime.bigint() - t0) / N;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const subjects = { raw: raw(), helper: ours('helper'), meter: ours('meter') };
for (const withAttrs of [true, false]) {
  const samples = { raw: [], helper: [], meter: [] };
  for (const r of Object.values(subjects)) time(r, withAttrs); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no subject always runs first.
    const order = Object.keys(subjects);
    for (let k = 0; k < round % order.length; k++) order.push(order.shift());
    for (const name of order) samples[name].push(time(subjects[name], withAttrs));
  }
  const label = withAttrs ? '3 attributes' : 'no attributes';
  console.log(`histogram.record, ${label}: median of ${ROUNDS} rounds x ${N} records`);
  for (const name of Object.keys(samples)) {
    const m = median(samples[name]);
    // Ratio per round (same moment, same machine load), then the median of those ratios.
    const ratio = median(samples[name].map((v, i) => v / samples.raw[i]));
    console.log(
      `  ${name.padEnd(7)} ${m.toFixed(1).padStart(7)} ns/op   ratio vs raw sdk-metrics ${ratio.toFixed(3)}`,
    );
  }
}
