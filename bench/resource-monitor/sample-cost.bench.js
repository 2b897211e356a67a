// CPU time per sample vs a bare process.cpuUsage() + process.memoryUsage() baseline.
// Run: npx tsc -b packages/resource-monitor/tsconfig.json && node bench/resource-monitor/sample-cost.bench.js
const { ResourceMonitor } = require('../../packages/resource-monitor/dist');

const N = Number(process.env.N || 2000);
const ROUNDS = 5;

function cpuMicros() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

let sink = 0;
function baseline(n) {
  const c0 = cpuMicros();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const u = process.cpuUsage();
    const m = process.memoryUsage();
    sink += u.user + m.rss;
  }
  return { cpu: (cpuMicros() - c0) / n, wall: Number(process.hrtime.bigint() - t0) / 1000 / n };
}

async function subject(monitor, n) {
  const c0 = cpuMicros();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await monitor.sampleNow();
  return { cpu: (cpuMicros() - c0) / n, wall: Number(process.hrtime.bigint() - t0) / 1000 / n };
}

async function main() {
  // The realistic setup: a few thresholds, a full-size history. (Alert rules are measured
  // separately below: in this tight loop every sample would fall inside a rule's 1-minute window.)
  const monitor = new ResourceMonitor({ interval: 3600, historySize: 3600 });
  monitor.setThreshold('cpu_usage', 80);
  monitor.setThreshold('memory_usage', { warning: 80, critical: 95, hysteresis: 2 });
  await monitor.start(); // enables the event-loop histogram and GC observer (the timer itself is idle)
  await subject(monitor, 200); // warm-up
  baseline(2000);
  const b = [];
  const s = [];
  for (let r = 0; r < ROUNDS; r++) {
    b.push(baseline(N));
    s.push(await subject(monitor, N));
  }
  await monitor.shutdown();

  // One p95 rule over a 1-minute window at interval 1 s = 60 points.
  const rules = new ResourceMonitor({ interval: 3600, historySize: 3600 });
  rules.addAlertRule({ name: 'slow', condition: 'p95(response_time) > 1', window: '1m' });
  const now = Date.now();
  for (let i = 0; i < 3600; i++)
    rules.recordMetric('response_time', Math.random(), { timestamp: now - (3600 - i) * 1000 });
  const r0 = cpuMicros();
  for (let i = 0; i < N; i++) rules.evaluateRules(now);
  const ruleCpu = (cpuMicros() - r0) / N;
  await rules.shutdown();

  const med = (xs, k) => xs.map((x) => x[k]).sort((a, c) => a - c)[Math.floor(xs.length / 2)];
  const bc = med(b, 'cpu');
  const sc = med(s, 'cpu');
  console.log(`samples per round: ${N}, rounds: ${ROUNDS} (alternating baseline/subject), median shown`);
  console.log(
    `baseline  cpuUsage()+memoryUsage(): ${bc.toFixed(1)} us CPU / call, ${med(b, 'wall').toFixed(1)} us wall`,
  );
  console.log(
    `monitor   sampleNow():               ${sc.toFixed(1)} us CPU / sample, ${med(s, 'wall').toFixed(1)} us wall`,
  );
  console.log(`ratio     sample / baseline:         ${(sc / bc).toFixed(1)}x`);
  console.log(`rule      p95 over 60 of 3600 points: ${ruleCpu.toFixed(1)} us CPU / evaluation`);
  console.log(
    `=> at interval 1 s, sampling (+1 rule) costs ${((sc + ruleCpu) / 1e4).toFixed(4)} % of one core`,
  );
  if (sink === 42) console.log('');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
