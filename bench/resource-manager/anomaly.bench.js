/**
 * Cost per point of AnomalyDetector.observe (rolling median/MAD over 120 points, drift check over a
 * 240-point history) against a baseline EWMA mean/variance z-score update — the cheapest common
 * detector. Alternating rounds, medians.
 * Run: npx tsc -b packages/resource-manager/tsconfig.json && node bench/resource-manager/anomaly.bench.js
 */
const { rm, alternate } = require('./common');
const { AnomalyDetector } = rm();

const N = Number(process.env.N || 20_000);
const ROUNDS = Number(process.env.ROUNDS || 9);
const values = Array.from({ length: N }, (_, i) => 50 + Math.sin(i / 7) + (i % 13) / 13);

function ewma() {
  let mean = values[0];
  let v = 1;
  let flagged = 0;
  const t = process.hrtime.bigint();
  for (const x of values) {
    const z = Math.abs(x - mean) / Math.sqrt(v);
    if (z > 4) flagged++;
    const d = x - mean;
    mean += 0.05 * d;
    v = 0.95 * (v + 0.05 * d * d);
  }
  if (flagged < 0) console.log(flagged);
  return Number(process.hrtime.bigint() - t) / N;
}

function robust() {
  const d = new AnomalyDetector();
  d.configure({ resourceId: 'r', metric: 'm', sensitivity: 0.8 });
  const t0 = Date.now();
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) d.observe('r', 'm', values[i], t0 + i);
  return Number(process.hrtime.bigint() - t) / N;
}

(async () => {
  ewma();
  robust();
  const r = await alternate(ROUNDS, ewma, robust);
  console.log('## AnomalyDetector.observe, per point');
  console.log(`EWMA z-score baseline: ${r.baseline.toFixed(0)} ns (context only)`);
  console.log(`AnomalyDetector:       ${(r.subject / 1000).toFixed(2)} µs (context only)`);
  console.log(`ratio detector / EWMA: ${(r.subject / r.baseline).toFixed(0)}`);
  console.log(
    `1000 watched series at a 5 s interval: ${(((r.subject * 1000) / 5e9) * 100).toFixed(3)} % of one core`,
  );
})();
