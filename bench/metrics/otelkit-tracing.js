/**
 * otelkit tracing as a user gets it, shared by the HTTP benches: createTracing with a parent-based
 * 10 % sampler and an OTLP http/protobuf exporter to the sink process (otlp-sink.js) on `sinkPort`,
 * registered as the global provider (AsyncLocalStorage context manager, W3C propagators).
 * `ratio` and `exporter: 'none'` (no exporter: spans are sampled, ended and sanitised, never
 * queued) make the variants the callgrind bench decomposes the cost with.
 */
const path = require('node:path');

function otelkitTracing(sinkPort, { ratio = 0.1, exporter = 'otlp' } = {}) {
  const { createTracing } = require(path.resolve(__dirname, '../../packages/tracing/dist'));
  const handle = createTracing({
    enabled: true,
    sampler: { type: 'parentbased_traceidratio', ratio },
    exporters:
      exporter === 'none'
        ? []
        : [
            {
              type: 'otlp',
              endpoint: `http://127.0.0.1:${sinkPort}/v1/traces`,
              protocol: 'http/protobuf',
              headers: {},
              compression: 'none',
              timeoutMillis: 10000,
            },
          ],
    propagators: ['tracecontext', 'baggage'],
    batch: {
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      // BENCH_BATCH_DELAY_MS: the callgrind bench runs the server ~50× slower than real time, where a
      // 5 s timer would flush batches of ~40 spans instead of the full 512 a loaded server sends.
      scheduledDelayMillis: Number(process.env.BENCH_BATCH_DELAY_MS || 5000),
      exportTimeoutMillis: 30000,
    },
    shutdownTimeoutMillis: 5000,
  });
  handle.register();
  return handle;
}

module.exports = { otelkitTracing };
