// Ids and ratio sampling: @otelkit/tracing's PooledIdGenerator and TraceIdRatioSampler against the
// SDK's RandomIdGenerator and TraceIdRatioBasedSampler (@opentelemetry/sdk-trace, the catalog's
// version), same process, alternating rounds, medians. Decisions are identical
// (packages/tracing/test/samplers/trace-id-ratio-sampler.test.ts), so only the cost differs.
// Build first: npx tsc -b packages/tracing/tsconfig.json
//   node bench/compare/id-sampler.bench.js [ops=200000] [rounds=15]
const path = require('node:path');
const { alternate, print } = require('./alternate');

const pkg = path.join(__dirname, '../../packages/tracing');
const req = (m) => require(require.resolve(m, { paths: [pkg] }));
const { PooledIdGenerator, TraceIdRatioSampler } = require(path.join(pkg, 'dist'));
const sdk = req('@opentelemetry/sdk-trace');
const { ROOT_CONTEXT } = req('@opentelemetry/api');

const OPS = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 15);
let sink = 0;

async function main() {
  const sdkIds = new sdk.RandomIdGenerator();
  const ours = new PooledIdGenerator();
  const idPair = (g) => (n) => {
    for (let i = 0; i < n; i++) sink += g.generateTraceId().length + g.generateSpanId().length;
  };
  print(
    `Trace id + span id per op (${OPS} ops × ${ROUNDS} rounds, Node ${process.version}):`,
    await alternate(
      [
        { name: 'SDK RandomIdGenerator (baseline)', run: idPair(sdkIds) },
        { name: 'otelkit PooledIdGenerator', run: idPair(ours) },
      ],
      { ops: OPS, rounds: ROUNDS },
    ),
  );

  const ids = Array.from({ length: 4096 }, () => ours.generateTraceId());
  const decide = (s) => (n) => {
    for (let i = 0; i < n; i++) sink += s.shouldSample(ROOT_CONTEXT, ids[i & 4095]).decision;
  };
  print(
    `\nRatio 0.1 decision per op (${OPS} ops × ${ROUNDS} rounds):`,
    await alternate(
      [
        {
          name: 'SDK TraceIdRatioBasedSampler (baseline)',
          run: decide(new sdk.TraceIdRatioBasedSampler(0.1)),
        },
        { name: 'otelkit TraceIdRatioSampler', run: decide(new TraceIdRatioSampler(0.1)) },
      ],
      { ops: OPS, rounds: ROUNDS },
    ),
  );

  // The whole unsampled root span: what a request pays at ratio 0.1 (90 % of roots).
  const spanCost = (idGenerator, root) => {
    const provider = new sdk.TracerProvider({ idGenerator, sampler: new sdk.ParentBasedSampler({ root }) });
    const tracer = provider.getTracer('bench');
    return (n) => {
      for (let i = 0; i < n; i++) tracer.startSpan('op').end();
    };
  };
  print(
    `\nRoot span start + end at parentbased ratio 0.1, no processor (${OPS} ops × ${ROUNDS} rounds):`,
    await alternate(
      [
        {
          name: 'SDK ids + SDK sampler (baseline)',
          run: spanCost(sdkIds, new sdk.TraceIdRatioBasedSampler(0.1)),
        },
        { name: 'otelkit ids + otelkit sampler', run: spanCost(ours, new TraceIdRatioSampler(0.1)) },
      ],
      { ops: OPS, rounds: ROUNDS },
    ),
  );
  if (sink === 0.5) console.log(sink);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
