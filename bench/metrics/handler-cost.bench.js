/**
 * CPU cost per request of the HTTP wrappers, without the network: real node:http IncomingMessage /
 * ServerResponse objects over an in-memory socket, driven through each listener in a tight loop
 * (the response is fully written and 'finish'/'close' fire as they do under a server). This isolates
 * what the middleware adds to a request, which loopback throughput on a busy shared machine cannot
 * resolve to a few percent. Alternating rounds, medians; ratio = bare ns / variant ns (the throughput a
 * CPU-bound server would keep).
 * Run: node bench/metrics/handler-cost.bench.js (after building the package)
 */
const path = require('node:path');
const { spawn } = require('node:child_process');
const { Duplex } = require('node:stream');
const { otelkitTracing } = require('./otelkit-tracing');
const { IncomingMessage, ServerResponse } = require('node:http');
const PKG = path.resolve(__dirname, '../../packages/metrics');
const req = (name) => require(require.resolve(name, { paths: [PKG] }));
const { createMetrics, withHttpMetrics } = require(path.join(PKG, 'dist'));

const N = Number(process.env.N || 20_000);
const ROUNDS = Number(process.env.ROUNDS || 15);
const BODY = 'ok';
const route = (r) => (r.url?.startsWith('/users/') ? '/users/:id' : undefined);

function handle() {
  return createMetrics({
    enabled: true,
    exportIntervalMillis: 60000,
    exportTimeoutMillis: 30000,
    exporters: [{ type: 'prometheus', mode: 'handler', host: '127.0.0.1', port: 0, path: '/metrics' }],
    cardinalityLimit: 2000,
    durationBuckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    views: [],
    http: { ignorePaths: ['/metrics'] },
    shutdownTimeoutMillis: 1000,
  });
}

function startSink() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'otlp-sink.js')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.once('data', (d) => resolve({ child, port: Number(String(d).trim()) }));
    child.once('error', reject);
  });
}

const client = req('prom-client');
const hist = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'Duration of HTTP requests',
  labelNames: ['method', 'route', 'status_code'],
  registers: [],
});

const api = req('@opentelemetry/api');
const floorKey = api.createContextKey('bench');
let floorN = 0;
const variants = {
  bare: (_rq, res) => res.end(BODY),
  // What any tracing costs before a span exists: a new context entered per request.
  'context-floor': (_rq, res) =>
    api.context.with(api.ROOT_CONTEXT.setValue(floorKey, floorN++), () => res.end(BODY)),
  metrics: withHttpMetrics(handle(), (_rq, res) => res.end(BODY), { route, tracer: false }),
  // Set up in main(), once the sink runs.
  'metrics-tracing': undefined,
  'prom-client': (rq, res) => {
    const end = hist.startTimer();
    res.on('finish', () => end({ method: rq.method, route: route(rq) || '', status_code: res.statusCode }));
    res.end(BODY);
  },
};

/** One request through `listener`; resolves when the response is finished and closed. */
function once(listener) {
  return new Promise((resolve) => {
    const socket = new Duplex({
      read() {},
      write(_chunk, _enc, cb) {
        cb();
      },
    });
    const rq = new IncomingMessage(socket);
    rq.method = 'GET';
    rq.url = '/users/42';
    rq.headers = { host: '127.0.0.1', 'user-agent': 'bench' };
    rq.complete = true;
    const res = new ServerResponse(rq);
    res.assignSocket(socket);
    res.on('finish', () => {
      // What the http server does after a response: detach and emit 'close'.
      res.detachSocket(socket);
      process.nextTick(() => {
        res.emit('close');
        resolve();
      });
    });
    listener(rq, res);
  });
}

async function time(listener) {
  const t0 = process.hrtime.bigint();
  // Keep 20 requests in flight, like 20 connections.
  let started = 0;
  const lane = async () => {
    while (started < N) {
      started++;
      await once(listener);
    }
  };
  await Promise.all(Array.from({ length: 20 }, lane));
  return Number(process.hrtime.bigint() - t0) / N;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const sink = await startSink();
  const tracing = otelkitTracing(sink.port);
  variants['metrics-tracing'] = withHttpMetrics(handle(), (_rq, res) => res.end(BODY), {
    route,
    tracer: tracing.tracer,
  });
  const names = Object.keys(variants);
  const ns = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) await time(variants[n]); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...names];
    for (let k = 0; k < round % order.length; k++) order.push(order.shift());
    for (const n of order) ns[n].push(await time(variants[n]));
  }
  console.log(`Per-request CPU without network: ${ROUNDS} alternating rounds x ${N} requests, 20 in flight`);
  for (const n of names) {
    const ratio = median(ns[n].map((v, i) => ns.bare[i] / v));
    console.log(
      `  ${n.padEnd(16)} ${(median(ns[n]) / 1000).toFixed(2).padStart(6)} us/request   ratio (bare / variant) ${ratio.toFixed(3)}`,
    );
  }
  const over = median(ns['metrics-tracing'].map((v, i) => ns['context-floor'][i] / v));
  console.log(`  metrics-tracing vs context-floor: ratio ${over.toFixed(3)}`);
  await tracing.shutdown();
  sink.child.kill('SIGTERM');
}

main();
