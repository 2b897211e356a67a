// The monitor's CPU share at interval 1 s: an otherwise idle child process with the monitor
// running vs the same idle child without it, alternated, each for DURATION seconds.
// Run: npx tsc -b packages/resource-monitor/tsconfig.json && node bench/resource-monitor/cpu-share.bench.js
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const DURATION = Number(process.env.DURATION || 20);
const WARMUP = Number(process.env.WARMUP || 5);
const ROUNDS = Number(process.env.ROUNDS || 2);
const dist = path.join(__dirname, '../../packages/resource-monitor/dist');
const sdk = require.resolve('@opentelemetry/sdk-metrics', {
  paths: [path.join(__dirname, '../../packages/resource-monitor')],
});

const child = (mode) => `
const { ResourceMonitor } = require(${JSON.stringify(dist)});
const mode = ${JSON.stringify(mode)};
async function main() {
  let monitor, provider, reader;
  if (mode !== 'baseline') {
    const opts = { interval: 1, historySize: 3600 };
    if (mode === 'monitor-10') opts.eventLoopResolutionMillis = 10;
    if (mode === 'sampling-only') opts.eventLoopResolutionMillis = 10000; // histogram timer ~idle
    if (mode === 'otel') {
      const { MeterProvider, MetricReader } = require(${JSON.stringify(sdk)});
      class R extends MetricReader { async onForceFlush() {} async onShutdown() {} }
      reader = new R();
      provider = new MeterProvider({ readers: [reader] });
      opts.meterProvider = provider;
    }
    monitor = new ResourceMonitor(opts);
    monitor.setThreshold('cpu_usage', 80);
    monitor.setThreshold('memory_usage', { warning: 80, critical: 95 });
    await monitor.start();
  }
  // scrape every 15 s like a Prometheus server would
  const scrape = reader ? setInterval(() => reader.collect(), 15000) : undefined;
  const keepAlive = setInterval(() => {}, 60000);
  // warm-up: start-up garbage, lazy compilation and the first samples are not the steady state
  await new Promise((r) => setTimeout(r, ${WARMUP * 1000}));
  const s0 = monitor ? monitor.getCounters().samples : 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, ${DURATION * 1000}));
  const c = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1000;
  clearInterval(keepAlive);
  if (scrape) clearInterval(scrape);
  const samples = monitor ? monitor.getCounters().samples - s0 : 0;
  if (monitor) await monitor.shutdown();
  process.stdout.write(JSON.stringify({ cpu: c.user + c.system, wall, samples }));
}
main();
`;

function run(mode) {
  const out = execFileSync(process.execPath, ['-e', child(mode)], { encoding: 'utf8' });
  return JSON.parse(out);
}

const MODES = ['baseline', 'monitor', 'otel', 'monitor-10', 'sampling-only'];
const LABELS = {
  monitor: 'with monitor, interval 1 s (defaults):',
  otel: 'with monitor + OTel metrics (scrape 15 s):',
  'monitor-10': 'monitor, eventLoopResolutionMillis 10:',
  'sampling-only': 'monitor, event-loop histogram ~off:',
};
const results = Object.fromEntries(MODES.map((m) => [m, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of MODES) results[mode].push(run(mode));
}
const share = (xs) => xs.reduce((a, x) => a + x.cpu, 0) / xs.reduce((a, x) => a + x.wall, 0);
const base = share(results.baseline);
console.log(
  `${ROUNDS} rounds x ${DURATION} s per mode after ${WARMUP} s warm-up, modes alternated: ${MODES.join(' / ')}`,
);
console.log(`idle process CPU share (baseline):           ${(base * 100).toFixed(3)} % of one core`);
for (const mode of MODES.slice(1)) {
  const s = share(results[mode]);
  const samples = results[mode].reduce((a, x) => a + x.samples, 0);
  const label = LABELS[mode];
  console.log(
    `${label.padEnd(44)} ${(s * 100).toFixed(3)} %  -> monitor's own share ${((s - base) * 100).toFixed(3)} % of one core (${samples} samples), ratio ${(s / base).toFixed(2)}x baseline`,
  );
}
console.log('target: < 0.5 % of one core');
