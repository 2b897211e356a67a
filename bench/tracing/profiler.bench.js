/**
 * The Profiler's cost per traced call: profiler.trace(fn) against a bare call of the same
 * function, same run; sync and async; with tracing off (no span) and on (each call is a span).
 *
 * Run: npx tsc -b packages/tracing/tsconfig.json && node bench/tracing/profiler.bench.js
 */
const { createTracing, Profiler } = require('../../packages/tracing/dist');
const { measure, report } = require('./harness');

const work = (x) => x + 1;
const workAsync = async (x) => x + 1;

async function main() {
  // Keep the ring buffer small so the bench measures the per-call path, not memory growth.
  const off = new Profiler({ tracer: null, maxTraces: 1000 });
  const tracing = createTracing({
    enabled: true,
    sampler: { type: 'always_on', ratio: 1 },
    exporters: [{ type: 'memory', maxSpans: 1000 }],
    propagators: ['tracecontext'],
    batch: {
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduledDelayMillis: 5000,
      exportTimeoutMillis: 30000,
    },
    shutdownTimeoutMillis: 5000,
  });
  const on = new Profiler({ tracer: tracing.tracer, maxTraces: 1000 });
  const stack = new Profiler({ tracer: null, maxTraces: 1000, collectStackTrace: true });

  const tracedOff = off.trace(work, { name: 'work' });
  const tracedOn = on.trace(work, { name: 'work' });
  const tracedStack = stack.trace(work, { name: 'work' });
  const tracedAsyncOff = off.trace(workAsync, { name: 'workAsync' });

  const sync = await measure(
    {
      'bare sync call': () => work(1),
      'profiler.trace, tracing off': () => tracedOff(1),
      'profiler.trace, tracing on (span per call)': () => tracedOn(1),
      'profiler.trace, collectStackTrace': () => tracedStack(1),
    },
    { rounds: 11, iterations: 20_000 },
  );
  const s = report('sync function: ratio against a bare call', sync, 'bare sync call');

  const asyncResults = await measure(
    {
      'bare async call': () => workAsync(1),
      'profiler.trace async, tracing off': () => tracedAsyncOff(1),
    },
    { rounds: 11, iterations: 20_000 },
  );
  const a = report('async function: ratio against a bare call', asyncResults, 'bare async call');

  console.log('\nadded cost per traced call (median, machine under contention):');
  for (const [name, ns] of Object.entries({ ...sync, ...asyncResults })) {
    if (name.startsWith('bare')) continue;
    const base = name.includes('async') ? asyncResults['bare async call'] : sync['bare sync call'];
    console.log(`  ${name.padEnd(48)} +${((ns - base) / 1000).toFixed(2)} µs`);
  }
  void s;
  void a;
  await tracing.shutdown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
