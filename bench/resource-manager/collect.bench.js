/**
 * Cost of one collection of 100 pools and its export read: ResourceManager.collectNow() + a
 * MetricReader.collect(), against the hand-written baseline a user would write with raw OTel —
 * five observable gauges whose callbacks read the same pools. Alternating rounds, medians.
 * Run: npx tsc -b packages/resource-manager/tsconfig.json && node bench/resource-manager/collect.bench.js
 */
const { req, rm, alternate } = require('./common');
const { createPool } = req('generic-pool');
const { MeterProvider, MetricReader } = req('@opentelemetry/sdk-metrics');
const { ResourceManager, GenericPoolMonitor } = rm();

class PullReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

const POOLS = Number(process.env.POOLS || 100);
const REPS = Number(process.env.REPS || 50);
const ROUNDS = Number(process.env.ROUNDS || 15);

(async () => {
  const pools = Array.from({ length: POOLS }, () =>
    createPool({ create: async () => ({}), destroy: async () => undefined }, { max: 10, min: 0 }),
  );

  // Baseline: raw OTel observable gauges reading the pools in their callbacks.
  const rawReader = new PullReader();
  const rawProvider = new MeterProvider({ readers: [rawReader] });
  const meter = rawProvider.getMeter('raw');
  const read = {
    size: (p) => p.size,
    in_use: (p) => p.borrowed,
    idle: (p) => p.available,
    waiting: (p) => p.pending,
    usage: (p) => p.borrowed / p.max,
  };
  for (const [name, f] of Object.entries(read)) {
    meter.createObservableGauge(`raw.${name}`).addCallback((res) => {
      for (let i = 0; i < pools.length; i++)
        res.observe(f(pools[i]), { 'resource.id': `pool-${i}`, 'resource.type': 'generic-pool' });
    });
  }

  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  const manager = new ResourceManager({ meter: provider.getMeter('bench'), intervalMillis: 60_000 });
  manager.registerTypeMonitor(new GenericPoolMonitor(manager));
  for (let i = 0; i < pools.length; i++)
    manager.register({ id: `pool-${i}`, type: 'generic-pool', resource: pools[i] });

  const baseline = async () => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < REPS; i++) await rawReader.collect();
    return Number(process.hrtime.bigint() - t) / REPS;
  };
  const subject = async () => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < REPS; i++) {
      await manager.collectNow();
      await reader.collect();
    }
    return Number(process.hrtime.bigint() - t) / REPS;
  };
  await baseline();
  await subject();
  const r = await alternate(ROUNDS, baseline, subject);
  console.log(`## one collection of ${POOLS} generic-pool pools + a metric read`);
  console.log(`raw OTel gauges (5 per pool):      ${(r.baseline / 1e6).toFixed(3)} ms (context only)`);
  console.log(
    `ResourceManager (9 series per pool, history, monitor feed): ${(r.subject / 1e6).toFixed(3)} ms (context only)`,
  );
  console.log(`ratio manager / raw: ${(r.subject / r.baseline).toFixed(2)}`);
  console.log(
    `CPU share at the default 5 s interval: ${((r.subject / 5e9) * 100).toFixed(4)} % of one core (${POOLS} pools)`,
  );
  await manager.shutdown();
  await provider.shutdown();
  await rawProvider.shutdown();
  for (const p of pools) {
    await p.drain();
    await p.clear();
  }
})();
