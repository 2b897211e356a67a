/**
 * One minimal HTTP server variant for http.bench.js, in its own process. Prints its port on stdout.
 * Usage: node server.js <bare|bare-again|context-floor|metrics|metrics-tracing|instrumentation-http|prom-client>
 * (`bare-again` is a second, identical bare server: the noise floor of the machine. `context-floor` is
 * bare plus what any OpenTelemetry tracing costs before a span exists: the AsyncLocalStorage context
 * manager, entered with a new context per request, as every HTTP server instrumentation does.)
 */
const path = require('node:path');
const PKG = path.resolve(__dirname, '../../packages/metrics');
const req = (name) => require(require.resolve(name, { paths: [PKG] }));

const variant = process.argv[2];
const BODY = 'ok';
const route = (r) => (r.url?.startsWith('/users/') ? '/users/:id' : undefined);

function metricsHandle() {
  const { createMetrics } = require(path.join(PKG, 'dist'));
  return createMetrics({
    enabled: true,
    exportIntervalMillis: 60000,
    exportTimeoutMillis: 30000,
    exporters: [{ type: 'prometheus', mode: 'handler', host: '127.0.0.1', port: 0, path: '/metrics' }],
    cardinalityLimit: 2000,
    durationBuckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    views: [],
    http: { ignorePaths: ['/metrics', '/health'] },
    shutdownTimeoutMillis: 1000,
  });
}

/** Flushed before exit (SIGTERM): spans still queued are exported, so their cost is counted. */
let flushBeforeExit = async () => {};

/** otelkit tracing exporting to the sink process started by http.bench.js (OTLP_SINK_PORT). */
function tracing(options) {
  const port = process.env.OTLP_SINK_PORT;
  if (!port) throw new Error('OTLP_SINK_PORT is not set (http.bench.js starts the sink)');
  const handle = require('./otelkit-tracing').otelkitTracing(port, options);
  flushBeforeExit = () => handle.forceFlush();
  return handle;
}

let listener;
switch (variant) {
  case 'bare':
  case 'bare-again':
    listener = (_req, res) => res.end(BODY);
    break;
  case 'context-floor': {
    const api = req('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = req('@opentelemetry/context-async-hooks');
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const key = api.createContextKey('bench');
    let n = 0;
    listener = (_req, res) => api.context.with(api.ROOT_CONTEXT.setValue(key, n++), () => res.end(BODY));
    break;
  }
  case 'metrics': {
    const { withHttpMetrics } = require(path.join(PKG, 'dist'));
    listener = withHttpMetrics(metricsHandle(), (_req, res) => res.end(BODY), { route, tracer: false });
    break;
  }
  case 'metrics-tracing': {
    const { withHttpMetrics } = require(path.join(PKG, 'dist'));
    const { tracer } = tracing();
    listener = withHttpMetrics(metricsHandle(), (_req, res) => res.end(BODY), { route, tracer });
    break;
  }
  // The decomposition of metrics-tracing (http-callgrind.bench.js): every request unsampled; every
  // request sampled, with and without the OTLP export; 10 % sampled without export; and the tracing
  // globals registered (context manager, propagators) with a tracer that returns one non-recording
  // span without running the SDK: what otelkit's HTTP code costs around a span.
  case 'tracing-unsampled':
  case 'tracing-sampled':
  case 'tracing-sampled-noexport':
  case 'tracing-noexport':
  case 'tracing-stub-tracer': {
    const { withHttpMetrics } = require(path.join(PKG, 'dist'));
    const ratio =
      { 'tracing-unsampled': 0, 'tracing-sampled': 1, 'tracing-sampled-noexport': 1 }[variant] ?? 0.1;
    const exporter = variant.endsWith('noexport') ? 'none' : 'otlp';
    let { tracer } = tracing({ ratio, exporter });
    if (variant === 'tracing-stub-tracer') {
      const api = req('@opentelemetry/api');
      const span = api.trace.wrapSpanContext({
        traceId: '1'.repeat(32),
        spanId: '2'.repeat(16),
        traceFlags: 0,
      });
      tracer = { startSpan: () => span, startActiveSpan: () => undefined };
    }
    listener = withHttpMetrics(metricsHandle(), (_req, res) => res.end(BODY), { route, tracer });
    break;
  }
  case 'instrumentation-http': {
    // The upstream reference: HTTP spans (same otelkit tracing) and semconv-stable duration metrics.
    const { HttpInstrumentation } = req('@opentelemetry/instrumentation-http');
    const m = metricsHandle();
    const instrumentation = new HttpInstrumentation({ semconvStabilityOptIn: 'http' });
    instrumentation.setTracerProvider(tracing().provider);
    instrumentation.setMeterProvider(m.provider);
    instrumentation.enable();
    listener = (_req, res) => res.end(BODY);
    break;
  }
  case 'prom-client': {
    const client = req('prom-client');
    const registry = new client.Registry();
    const hist = new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
      registers: [registry],
    });
    listener = (rq, res) => {
      const end = hist.startTimer();
      res.on('finish', () => end({ method: rq.method, route: route(rq) || '', status_code: res.statusCode }));
      res.end(BODY);
    };
    break;
  }
  default:
    throw new Error(`unknown variant ${variant}`);
}

// require('http') after instrumentation-http enabled itself.
const http = require('node:http');
// /__cpu reports this process' CPU time, so http.bench.js can also compute CPU per request (a second view on a busy
// machine, where throughput alone swings by tens of percent between identical servers).
const server = http.createServer((rq, res) => {
  if (rq.url === '/__cpu') {
    res.end(JSON.stringify(process.cpuUsage()));
    return;
  }
  return listener(rq, res);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  flushBeforeExit().finally(() => process.exit(0));
});
