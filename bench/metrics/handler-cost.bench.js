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
const { Duplex } = require('node:stream');
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

function tracer() {
  const api = req('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = req('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = req('@opentelemetry/core');
  const sdk = req('@opentelemetry/sdk-trace-base');
  const provider = new sdk.BasicTracerProvider({
    sampler: new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(0.1) }),
    spanProcessors: [
      new sdk.BatchSpanProcessor({ export: (_s, done) => done({ code: 0 }), shutdown: async () => {} }),
    ],
  });
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return provider.getTracer('bench');
}

const client = req('prom-client');
const hist = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'Duration of HTTP requests',
  labelNames: ['method', 'route', 'status_code'],
  registers: [],
});

const variants = {
  bare: (_rq, res) => res.end(BODY),
  metrics: withHttpMetrics(handle(), (_rq, res) => res.end(BODY), { route, tracer: false }),
  'metrics-tracing': withHttpMetrics(handle(), (_rq, res) => res.end(BODY), { route, tracer: tracer() }),
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
}

main();
