/**
 * One HTTP server for ratio.bench.js, in its own process; prints its port on stdout.
 * Usage: node server.js <monitoring|dashboard|dashboard-nobuffer>
 * Both start otelkit from the same config (metrics middleware with route templates, a SERVER span
 * per request, one log line per request into a file under the OS temp dir). `dashboard` also
 * turns the config's dashboard section on (so the span and log rings fill) and mounts the
 * dashboard's handler in front of the app; nobody opens it. `dashboard-nobuffer` is `dashboard` with
 * `dashboard.buffer: false` (the handler mounted, no rings): what the rings alone cost is the
 * difference between the two.
 */
const { createServer } = require('node:http');
const { tmpdir } = require('node:os');
const path = require('node:path');
const ROOT = path.resolve(__dirname, '../..');
const { startMonitoring } = require(path.join(ROOT, 'packages/service/dist'));
const { withHttpMetrics } = require(path.join(ROOT, 'packages/metrics/dist'));
const { createDashboard } = require(path.join(ROOT, 'packages/dashboard/dist'));

const variant = process.argv[2];
const monitoring = startMonitoring(
  {
    service: { name: `bench-${variant}` },
    logging: {
      level: 'info',
      outputs: [{ type: 'file', path: path.join(tmpdir(), `otelkit-bench-${process.pid}.log`) }],
    },
    metrics: { collectors: ['prometheus'], exporters: ['handler'] },
    tracing: { sampler: 'always_on', exporter: 'none' },
    resources: { enabled: false },
    instrumentations: false,
    shutdown: { handleSignals: false },
    dashboard: variant === 'dashboard' ? true : variant === 'dashboard-nobuffer' ? { buffer: false } : false,
  },
  { env: {}, file: false },
);
const log = monitoring.logger;
const route = (r) => (r.url?.startsWith('/users/') ? '/users/:id' : undefined);
const app = withHttpMetrics(
  monitoring.metrics,
  (req, res) => {
    log.info({ url: req.url }, 'request');
    res.end('ok');
  },
  { route },
);
let listener = app;
let dashboard;
if (variant === 'dashboard' || variant === 'dashboard-nobuffer') {
  dashboard = createDashboard(monitoring);
  listener = (req, res) => dashboard(req, res, () => app(req, res));
} else if (variant !== 'monitoring') throw new Error(`unknown variant ${variant}`);
// The bench reads this process' CPU time around each load (CPU per request resists a busy machine).
const server = createServer((req, res) => {
  if (req.url === '/__cpu') return res.end(JSON.stringify(process.cpuUsage()));
  // http-callgrind.bench.js: the handler's counters after the load (nobody watched).
  if (req.url === '/__dashboard-stats') return res.end(JSON.stringify(dashboard?.stats() ?? null));
  listener(req, res);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => {
  server.close();
  void monitoring.shutdown().then(() => process.exit(0));
});
