/**
 * One measured process for ring-cost.bench.js: `node ring-work.js <span|line> <ring|plain> <n>`.
 * Builds a tracer (exporter none, as on a dashboard-only service) or a logger (one file output
 * under the OS temp dir), with the dashboard's ring (`SpanRing` / `LineRing`, default sizes
 * 2000 / 1000; for spans also `ring-all` / `ring-young`, see SELECTION) or without, runs WARMUP iterations (the ring goes round more than once), then `n`:
 * a SERVER span with the attributes of an HTTP request span, or an `info` line with one field.
 * Every iteration also allocates FILLER short-lived bytes (default ~4 KB, the same with and
 * without the ring), so scavenges come about as often per span as in a small HTTP request;
 * what the ring keeps alive is then scanned, copied and promoted as it would be there.
 * Prints ns per iteration of the `n` loop on stdout (wall clock; ring-cost.bench.js also runs
 * this under callgrind, where it differences two `n` and ignores the figure).
 */
const path = require('node:path');
const { tmpdir } = require('node:os');
const { rmSync } = require('node:fs');
const ROOT = path.resolve(__dirname, '../..');
const { createTracing, SpanRing } = require(path.join(ROOT, 'packages/tracing/dist'));
const { createLogger, LineRing } = require(path.join(ROOT, 'packages/logging/dist'));
const { loadConfig } = require(path.join(ROOT, 'packages/config/dist'));

const [what, ring, nArg] = process.argv.slice(2);
const n = Number(nArg);
const WARMUP = Number(process.env.WARMUP || 5000);
const FILLER = Number(process.env.FILLER || 4096);
if (
  !['span', 'line'].includes(what) ||
  !['ring', 'ring-all', 'ring-young', 'plain'].includes(ring) ||
  !(n > 0)
)
  throw new Error('usage: node ring-work.js <span|line> <ring|ring-all|ring-young|plain> <n>');
// The span ring's trace selection: `ring` as configured by default (10 ordinary traces a second,
// bursts of 100, failed and slow ones always); `ring-all` copies every trace (what low traffic
// gets, and what the ring did before the young tier); `ring-young` copies no ordinary trace (the
// limit the default approaches as the span rate grows).
const SELECTION = {
  ring: {},
  'ring-all': { tracesPerSecond: 1_000_000, traceBurst: 1_000_000 },
  'ring-young': { tracesPerSecond: 0 },
};
const file = path.join(tmpdir(), `otelkit-ring-work-${process.pid}.log`);
const config = loadConfig({
  config: {
    tracing: { sampler: 'always_on', exporter: 'none' },
    logging: { level: 'info', outputs: [{ type: 'file', path: file }] },
  },
  env: {},
  file: false,
});

let sink = 0;
/** ~FILLER bytes of short-lived objects (32-byte records). */
function filler() {
  const a = new Array(FILLER >> 5);
  for (let i = 0; i < a.length; i++) a[i] = { i, j: i + 1 };
  sink += a.length;
}

let step;
let spanRing;
if (what === 'span') {
  spanRing = ring !== 'plain' ? new SpanRing(2000, SELECTION[ring]) : undefined;
  const tracer = createTracing(config.tracing, undefined, spanRing ? { recentSpans: spanRing } : {}).tracer;
  step = (i) => {
    const span = tracer.startSpan('GET /users/:id', {
      kind: 1,
      attributes: {
        'http.request.method': 'GET',
        'url.scheme': 'http',
        'url.path': `/users/${i}`,
        'http.route': '/users/:id',
        'server.address': '127.0.0.1',
        'server.port': 8080,
        'user_agent.original': 'bench/1.0',
      },
    });
    span.setAttribute('http.response.status_code', 200);
    span.end();
  };
} else {
  const logger = createLogger(config.logging, undefined, {
    handleSignals: false,
    logUncaught: false,
    ...(ring !== 'plain' ? { recentLines: new LineRing(1000) } : {}),
  });
  step = (i) => logger.info({ url: `/users/${i}` }, 'request');
}

for (let i = 0; i < WARMUP; i++) {
  step(i);
  filler();
}
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
  step(i);
  filler();
}
const ns = Number(process.hrtime.bigint() - t0) / n;
rmSync(file, { force: true });
process.stdout.write(`${ns}\n`);
if (process.env.RING_STATS && ring !== 'plain' && what === 'span')
  process.stderr.write(`${JSON.stringify(spanRing.stats())}\n`);
if (sink < 0) process.stdout.write('');
