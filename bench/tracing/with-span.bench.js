/**
 * withSpan vs the same code hand-written with raw tracer.startActiveSpan + span.end(), same run,
 * same provider and processor (the package's bounded batch processor feeding the bounded memory
 * exporter). Also the unsampled path (parent-based ratio 0.1).
 *
 * Run: npx tsc -b packages/tracing/tsconfig.json && node bench/tracing/with-span.bench.js
 */
const { SpanStatusCode } = require('@opentelemetry/api');
const { createTracing, withSpan } = require('../../packages/tracing/dist');
const { measure, report } = require('./harness');

const config = (sampler) => ({
  enabled: true,
  sampler,
  exporters: [{ type: 'memory', maxSpans: 1000 }],
  propagators: ['tracecontext', 'baggage'],
  batch: {
    maxQueueSize: 2048,
    maxExportBatchSize: 512,
    scheduledDelayMillis: 5000,
    exportTimeoutMillis: 30000,
  },
  shutdownTimeoutMillis: 5000,
});

const emptyAsync = async () => undefined;

function variantsFor(tracer) {
  return {
    'raw startActiveSpan + span.end()': () =>
      tracer.startActiveSpan('op', async (span) => {
        try {
          return await emptyAsync();
        } catch (err) {
          span.recordException(err);
          span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
          throw err;
        } finally {
          span.end();
        }
      }),
    'withSpan(name, fn, { tracer })': () => withSpan('op', emptyAsync, { tracer }),
    'withSpan(name, fn) (global tracer)': () => withSpan('op', emptyAsync),
    'bare call (no span)': () => emptyAsync(),
  };
}

async function run(label, sampler) {
  const tracing = createTracing(config(sampler));
  tracing.register();
  const results = await measure(variantsFor(tracing.tracer), { rounds: 15, iterations: 20_000 });
  const ratios = report(
    `${label}: ratio against raw startActiveSpan`,
    results,
    'raw startActiveSpan + span.end()',
  );
  await tracing.shutdown();
  return { results, ratios };
}

async function main() {
  const sampled = await run('sampled (always_on)', { type: 'always_on', ratio: 1 });
  const unsampled = await run('unsampled path (parentbased_traceidratio 0.1)', {
    type: 'parentbased_traceidratio',
    ratio: 0.1,
  });
  const bare = sampled.results['bare call (no span)'];
  console.log('\nagainst a bare call of the empty async function (same run):');
  console.log(
    `  withSpan sampled      ratio ${(sampled.results['withSpan(name, fn, { tracer })'] / bare).toFixed(3)}`,
  );
  console.log(
    `  withSpan ratio 0.1    ratio ${(unsampled.results['withSpan(name, fn, { tracer })'] / unsampled.results['bare call (no span)']).toFixed(3)}`,
  );
  const target = sampled.ratios['withSpan(name, fn, { tracer })'];
  console.log(
    `\nwithSpan / raw (sampled) = ${target.toFixed(3)}  target ≤ 1.10  ${target <= 1.1 ? 'OK' : 'ABOVE TARGET'}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
