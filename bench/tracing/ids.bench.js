/**
 * Span and trace id generation: otelkit's PooledIdGenerator (used by createTracing) against the
 * SDK's RandomIdGenerator, same run, alternating rounds; the ratio sampler against the SDK's; and
 * what both mean per root span: tracer.startSpan + end at 10 % sampling (parent-based).
 *
 * Run: npx tsc -b packages/tracing/tsconfig.json && node bench/tracing/ids.bench.js
 */
const path = require('node:path');
const { PooledIdGenerator, TraceIdRatioSampler } = require('../../packages/tracing/dist');
const { measure, report } = require('./harness');

const PKG = path.resolve(__dirname, '../../packages/tracing');
const sdk = require(require.resolve('@opentelemetry/sdk-trace', { paths: [PKG] }));
const api = require(require.resolve('@opentelemetry/api', { paths: [PKG] }));

function tracer(idGenerator, root = new sdk.TraceIdRatioBasedSampler(0.1)) {
  const provider = new sdk.TracerProvider({
    idGenerator,
    sampler: new sdk.ParentBasedSampler({ root }),
    spanProcessors: [
      new sdk.BatchSpanProcessor({ export: (_s, done) => done({ code: 0 }), shutdown: async () => {} }),
    ],
  });
  return provider.getTracer('bench');
}

async function main() {
  const sdkIds = new sdk.RandomIdGenerator();
  const pooled = new PooledIdGenerator();
  const ids = await measure(
    {
      'sdk RandomIdGenerator (trace + span id)': () => {
        sdkIds.generateTraceId();
        sdkIds.generateSpanId();
      },
      'PooledIdGenerator (trace + span id)': () => {
        pooled.generateTraceId();
        pooled.generateSpanId();
      },
    },
    { rounds: 15, iterations: 100_000 },
  );
  report('id pair per root span', ids, 'sdk RandomIdGenerator (trace + span id)');

  const traceIds = Array.from({ length: 1024 }, () => pooled.generateTraceId());
  let k = 0;
  const sdkSampler = new sdk.TraceIdRatioBasedSampler(0.1);
  const ourSampler = new TraceIdRatioSampler(0.1);
  const samplers = await measure(
    {
      'sdk TraceIdRatioBasedSampler': () => sdkSampler.shouldSample(api.ROOT_CONTEXT, traceIds[k++ & 1023]),
      'otelkit TraceIdRatioSampler': () => ourSampler.shouldSample(api.ROOT_CONTEXT, traceIds[k++ & 1023]),
    },
    { rounds: 15, iterations: 100_000 },
  );
  report('ratio decision for a root span (same decisions)', samplers, 'sdk TraceIdRatioBasedSampler');

  const withSdk = tracer(sdkIds);
  const withPooled = tracer(pooled);
  const withBoth = tracer(pooled, ourSampler);
  const attributes = { 'http.request.method': 'GET', 'url.scheme': 'http', 'url.path': '/users/42' };
  const spans = await measure(
    {
      'startSpan + end, sdk ids': () =>
        withSdk.startSpan('GET', { kind: 1, attributes }, api.ROOT_CONTEXT).end(),
      'startSpan + end, pooled ids': () =>
        withPooled.startSpan('GET', { kind: 1, attributes }, api.ROOT_CONTEXT).end(),
      'startSpan + end, pooled ids + otelkit sampler': () =>
        withBoth.startSpan('GET', { kind: 1, attributes }, api.ROOT_CONTEXT).end(),
    },
    { rounds: 15, iterations: 50_000 },
  );
  report('root server span at 10 % sampling', spans, 'startSpan + end, sdk ids');
}

main();
