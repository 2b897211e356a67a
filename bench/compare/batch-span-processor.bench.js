// Span end → export: the SDK's BatchSpanProcessor (@opentelemetry/sdk-trace, the catalog's 3.x)
// against @otelkit/tracing's BoundedBatchSpanProcessor, same provider settings, an exporter that
// accepts each batch on the next turn of the loop. A round = N sampled spans started and ended,
// then forceFlush(). Same process, alternating rounds, medians.
// Behaviour under a hanging collector: test/library-comparison/batch-span-processor.test.ts.
// Build first: npx tsc -b packages/tracing/tsconfig.json
//   node bench/compare/batch-span-processor.bench.js [spans=100000] [rounds=15]
const path = require('node:path');
const { alternate, print } = require('./alternate');

const pkg = path.join(__dirname, '../../packages/tracing');
const req = (m) => require(require.resolve(m, { paths: [pkg] }));
const { BoundedBatchSpanProcessor } = require(path.join(pkg, 'dist'));
const sdk = req('@opentelemetry/sdk-trace');

const SPANS = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 15);
const OPTIONS = { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000 };

function exporter() {
  let exported = 0;
  return {
    count: () => exported,
    export(spans, done) {
      exported += spans.length;
      setImmediate(() => done({ code: 0 }));
    },
    shutdown: async () => {},
  };
}

function variant(name, makeProcessor) {
  const e = exporter();
  const processor = makeProcessor(e);
  const tracer = new sdk.TracerProvider({ spanProcessors: [processor] }).getTracer('bench');
  return {
    name,
    exporter: e,
    async run(n) {
      // ended 256 at a time, yielding so the exports can run (as on a server): nothing is dropped
      for (let i = 0; i < n; i += 256) {
        const m = Math.min(256, n - i);
        for (let k = 0; k < m; k++) tracer.startSpan('op').end();
        await new Promise(setImmediate);
      }
      await processor.forceFlush();
    },
  };
}

async function main() {
  const variants = [
    variant(
      'SDK BatchSpanProcessor (baseline)',
      (exp) => new sdk.BatchSpanProcessor({ exporter: exp, ...OPTIONS }),
    ),
    variant(
      'otelkit BoundedBatchSpanProcessor',
      (exp) => new BoundedBatchSpanProcessor({ exporters: [{ type: 'bench', exporter: exp }], ...OPTIONS }),
    ),
  ];
  const results = await alternate(variants, { ops: SPANS, rounds: ROUNDS });
  print(
    `Sampled span start + end + export, per span (${SPANS} spans × ${ROUNDS} rounds, Node ${process.version}):`,
    results,
  );
  const total = (2 + ROUNDS) * SPANS;
  console.log(
    `  spans exported: ${variants.map((v) => `${v.name.split(' ')[0]} ${v.exporter.count()} of ${total}`).join(', ')}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
