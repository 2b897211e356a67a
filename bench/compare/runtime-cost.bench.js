// Cost of the runtime metrics: @opentelemetry/instrumentation-runtime-node (0.37, the catalog's)
// against @otelkit/resource-monitor (its RuntimeCollector + the exported gauges).
//  1. idle CPU: one child process per variant (alternating rounds, medians), each idle for
//     `seconds` with only its sampler running; CPU time from process.cpuUsage() over that time,
//     minus nothing: the baseline child (no sampler) is the ratio's reference;
//  2. one collection: reader.collect() on a MeterProvider holding only that variant's
//     instruments (library: all its collectors; ours: the monitor's gauges, host metrics off,
//     one sample taken), against a provider with no instruments.
// Build first: npx -y pnpm@10.34.8 run build
//   node bench/compare/runtime-cost.bench.js [seconds=3] [rounds=5] [collections=2000]
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { alternate, median, print } = require('./alternate');

const root = path.join(__dirname, '../..');
const monitorPkg = path.join(root, 'packages/resource-monitor');
const reqFrom = (pkg, m) => require(require.resolve(m, { paths: [pkg] }));

const SECONDS = Number(process.argv[2] ?? 3);
const ROUNDS = Number(process.argv[3] ?? 5);
const COLLECTIONS = Number(process.argv[4] ?? 2000);

// Each child: start the variant, stay idle (a ref'ed timer keeps it alive), print CPU µs.
const CHILD = `
const v = process.argv[1], ms = Number(process.argv[2]) * 1000, root = process.argv[3];
const path = require('node:path');
const mon = path.join(root, 'packages/resource-monitor');
let stop = () => {};
if (v.startsWith('library')) {
  const { RuntimeNodeInstrumentation } = require(require.resolve('@opentelemetry/instrumentation-runtime-node', { paths: [root] }));
  const { MeterProvider } = require(require.resolve('@opentelemetry/sdk-metrics', { paths: [root] }));
  const i = new RuntimeNodeInstrumentation({ monitoringPrecision: Number(v.split(':')[1]) });
  i.setMeterProvider(new MeterProvider());
  stop = () => i.disable();
} else if (v.startsWith('ours')) {
  const { RuntimeCollector } = require(path.join(mon, 'dist/collectors/runtime-collector.js'));
  const c = new RuntimeCollector(Number(v.split(':')[1]));
  c.start();
  stop = () => c.stop();
}
const t0 = process.cpuUsage();
setTimeout(() => {
  const d = process.cpuUsage(t0);
  stop();
  console.log(d.user + d.system);
}, ms);
`;

function idleCpuMicros(variant) {
  const r = spawnSync(process.execPath, ['-e', CHILD, variant, String(SECONDS), root], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${variant}: ${r.stderr}`);
  return Number(r.stdout.trim());
}

async function main() {
  const variants = ['none', 'library:10', 'ours:100', 'ours:10'];
  const cpu = new Map(variants.map((v) => [v, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + r) % variants.length];
      cpu.get(v).push(idleCpuMicros(v));
    }
  }
  console.log(
    `Idle CPU of the sampler (${SECONDS} s × ${ROUNDS} rounds per variant, Node ${process.version}):`,
  );
  console.log('  variant                                   % of a core   over the bare process');
  const base = median(cpu.get('none'));
  const names = {
    none: 'bare process (baseline)',
    'library:10': 'library, monitoringPrecision 10 (default)',
    'ours:100': 'ours, resolution 100 ms (monitor default)',
    'ours:10': 'ours, resolution 10 ms',
  };
  for (const v of variants) {
    const us = median(cpu.get(v));
    console.log(
      `  ${names[v].padEnd(42)} ${((us / (SECONDS * 1e6)) * 100).toFixed(3).padStart(9)} %   ${(((us - base) / (SECONDS * 1e6)) * 100).toFixed(3).padStart(8)} %`,
    );
  }

  const { MeterProvider, MetricReader, AggregationTemporality } = reqFrom(root, '@opentelemetry/sdk-metrics');
  const { RuntimeNodeInstrumentation } = reqFrom(root, '@opentelemetry/instrumentation-runtime-node');
  const { ResourceMonitor } = require(path.join(monitorPkg, 'dist'));
  class Reader extends MetricReader {
    constructor() {
      super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
    }
    async onForceFlush() {}
    async onShutdown() {}
  }
  const setup = () => {
    const reader = new Reader();
    return { reader, provider: new MeterProvider({ readers: [reader] }) };
  };
  const empty = setup();
  const lib = setup();
  const instrumentation = new RuntimeNodeInstrumentation();
  instrumentation.setMeterProvider(lib.provider);
  const ours = setup();
  const monitor = new ResourceMonitor({
    intervalMillis: 3_600_000,
    hostMetricGroups: false,
    meterProvider: ours.provider,
  });
  await monitor.start();
  await new Promise((r) => setTimeout(r, 200));
  await monitor.sampleNow();
  const collect = (h) => async (n) => {
    for (let i = 0; i < n; i++) await h.reader.collect();
  };
  print(
    `One collection (${COLLECTIONS} per round × 15 rounds; ratio = empty provider time / variant time):`,
    await alternate(
      [
        { name: 'empty MeterProvider (baseline)', run: collect(empty) },
        { name: 'instrumentation-runtime-node', run: collect(lib) },
        { name: 'otelkit monitor gauges', run: collect(ours) },
      ],
      { ops: COLLECTIONS, rounds: 15 },
    ),
  );
  instrumentation.disable();
  await monitor.shutdown();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
