// Child of id-sampler-callgrind.bench.js: `node id-sampler-work.js <variant> <n>` does n ops of one variant.
const path = require('node:path');

const pkg = path.join(__dirname, '../../packages/tracing');
const req = (m) => require(require.resolve(m, { paths: [pkg] }));
const { PooledIdGenerator, TraceIdRatioSampler } = require(path.join(pkg, 'dist'));
const sdk = req('@opentelemetry/sdk-trace');
const { ROOT_CONTEXT } = req('@opentelemetry/api');

const [variant, nText] = process.argv.slice(2);
const n = Number(nText);
const [what, side] = variant.split('-');
const ids = side === 'sdk' ? new sdk.RandomIdGenerator() : new PooledIdGenerator();
const sampler = side === 'sdk' ? new sdk.TraceIdRatioBasedSampler(0.1) : new TraceIdRatioSampler(0.1);
let sink = 0;
if (what === 'ids') {
  for (let i = 0; i < n; i++) sink += ids.generateTraceId().length + ids.generateSpanId().length;
} else if (what === 'sampler') {
  const pool = Array.from({ length: 4096 }, () => ids.generateTraceId());
  for (let i = 0; i < n; i++) sink += sampler.shouldSample(ROOT_CONTEXT, pool[i & 4095]).decision;
} else if (what === 'root') {
  const provider = new sdk.TracerProvider({
    idGenerator: ids,
    sampler: new sdk.ParentBasedSampler({ root: sampler }),
  });
  const tracer = provider.getTracer('bench');
  for (let i = 0; i < n; i++) tracer.startSpan('op').end();
  sink = 1;
} else {
  throw new Error(`unknown variant ${variant}`);
}
if (sink === 0.5) console.log(sink);
