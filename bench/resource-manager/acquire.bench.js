/**
 * Cost of the acquire timing hook: generic-pool acquire + release round trips (in-memory factory,
 * so the hook's share is as large as it can be), bare pool vs the same pool registered with a
 * ResourceManager (acquire wrapped, histogram record per acquisition). Alternating rounds, medians.
 * Run: npx tsc -b packages/resource-manager/tsconfig.json && node bench/resource-manager/acquire.bench.js
 */
const { req, rm, alternate } = require('./common');
const { createPool } = req('generic-pool');
const { MeterProvider, MetricReader } = req('@opentelemetry/sdk-metrics');
const { ResourceManager, GenericPoolMonitor, PgPoolMonitor } = rm();
const { Pool } = req('pg');

class PullReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

const N = Number(process.env.N || 20_000);
const ROUNDS = Number(process.env.ROUNDS || 15);

function makePool() {
  return createPool({ create: async () => ({}), destroy: async () => undefined }, { max: 4, min: 4 });
}

async function loop(pool) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const r = await pool.acquire();
    await pool.release(r);
  }
  return Number(process.hrtime.bigint() - t) / N;
}

(async () => {
  const bare = makePool();
  const watched = makePool();
  const provider = new MeterProvider({ readers: [new PullReader()] });
  const manager = new ResourceManager({ meter: provider.getMeter('bench'), intervalMillis: 60_000 });
  manager.registerTypeMonitor(new GenericPoolMonitor(manager));
  manager.register({ id: 'watched', type: 'generic-pool', resource: watched });
  await loop(bare);
  await loop(watched);
  const r = await alternate(
    ROUNDS,
    () => loop(bare),
    () => loop(watched),
  );
  console.log('## acquire + release round trip (generic-pool, in-memory factory)');
  console.log(`bare pool:        ${(r.baseline / 1000).toFixed(2)} µs per round trip (context only)`);
  console.log(`registered pool:  ${(r.subject / 1000).toFixed(2)} µs per round trip (context only)`);
  console.log(`ratio registered / bare: ${(r.subject / r.baseline).toFixed(2)}`);
  console.log(`added per acquisition: ${((r.subject - r.baseline) / 1000).toFixed(2)} µs`);

  // The same hook on a real pg.Pool running `select 1` against the local PostgreSQL (skipped when none).
  const opts = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 4 };
  const pgBare = new Pool(opts);
  const pgWatched = new Pool(opts);
  try {
    await pgBare.query('select 1');
    manager.registerTypeMonitor(new PgPoolMonitor(manager));
    manager.register({ id: 'pg', type: 'pg', resource: pgWatched });
    await pgWatched.query('select 1');
    const Q = Number(process.env.Q || 2000);
    const queries = async (pool) => {
      const t = process.hrtime.bigint();
      for (let i = 0; i < Q; i++) await pool.query('select 1');
      return Number(process.hrtime.bigint() - t) / Q;
    };
    const q = await alternate(
      ROUNDS,
      () => queries(pgBare),
      () => queries(pgWatched),
    );
    console.log('## pool.query("select 1") on a real pg.Pool (local PostgreSQL)');
    console.log(`bare pool:        ${(q.baseline / 1000).toFixed(1)} µs per query (context only)`);
    console.log(`registered pool:  ${(q.subject / 1000).toFixed(1)} µs per query (context only)`);
    console.log(`ratio registered / bare: ${(q.subject / q.baseline).toFixed(3)}`);
  } catch (err) {
    console.log(`pg section skipped: ${err.message}`);
  } finally {
    await pgBare.end();
    await pgWatched.end();
  }
  await manager.shutdown();
  await provider.shutdown();
  for (const p of [bare, watched]) {
    await p.drain();
    await p.clear();
  }
})();
