/**
 * What the dashboard costs: (1) HTTP req/s of an otelkit service with the dashboard mounted and
 * its rings filling, nobody watching, against the same service without it (fresh server
 * processes every round, alternating, each pinned to its own CPU when `taskset` works); (2) the
 * rings' cost per span and per log line, in process, against the same tracer / logger without a
 * ring; (3) one and 50 stream clients: the process CPU the 1 Hz frames take, and the frame size.
 *
 * Run after building: node bench/dashboard/ratio.bench.js
 *   (env: ROUNDS, DURATION, CONNECTIONS, STREAM_SECONDS; PARTS=http,rings,stream to run some only)
 */
const path = require('node:path');
const http = require('node:http');
const { spawn, execFileSync } = require('node:child_process');
const { tmpdir } = require('node:os');
const ROOT = path.resolve(__dirname, '../..');
const autocannon = require(require.resolve('autocannon', { paths: [path.join(ROOT, 'packages/metrics')] }));

const ROUNDS = Number(process.env.ROUNDS || 8);
const PARTS = (process.env.PARTS || 'http,rings,stream').split(',');
const DURATION = Number(process.env.DURATION || 4);
const CONNECTIONS = Number(process.env.CONNECTIONS || 20);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function canPin() {
  if (process.env.PIN === '0' || require('node:os').cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const PIN = canPin();

function startServer(variant) {
  return new Promise((resolve, reject) => {
    const args = [path.join(__dirname, 'server.js'), variant];
    const child = PIN
      ? spawn('taskset', ['-c', '1', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
      : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', (d) => resolve({ child, port: Number(String(d).trim()) }));
    child.once('error', reject);
  });
}

const load = (port, duration) =>
  new Promise((resolve, reject) =>
    autocannon({ url: `http://127.0.0.1:${port}/users/42`, connections: CONNECTIONS, duration }, (err, r) =>
      err ? reject(err) : resolve(r.requests.average),
    ),
  );

const cpuOf = (port) =>
  new Promise((resolve, reject) =>
    http
      .get({ host: '127.0.0.1', port, path: '/__cpu', agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          const c = JSON.parse(body);
          resolve(c.user + c.system);
        });
      })
      .on('error', reject),
  );

async function httpRatio() {
  const ratios = [];
  const cpuRatios = [];
  const rps = { monitoring: [], dashboard: [] };
  const cpu = { monitoring: [], dashboard: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? ['dashboard', 'monitoring'] : ['monitoring', 'dashboard'];
    const got = {};
    for (const variant of order) {
      const { child, port } = await startServer(variant);
      await load(port, 1);
      const c0 = await cpuOf(port);
      const before = Date.now();
      got[variant] = await load(port, DURATION);
      const seconds = (Date.now() - before) / 1000;
      got[`${variant}Cpu`] = (await cpuOf(port)) - c0;
      got[`${variant}Requests`] = got[variant] * seconds;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rps.monitoring.push(got.monitoring);
    rps.dashboard.push(got.dashboard);
    ratios.push(got.dashboard / got.monitoring);
    const perReq = (v) => got[`${v}Cpu`] / got[`${v}Requests`];
    cpu.monitoring.push(perReq('monitoring'));
    cpu.dashboard.push(perReq('dashboard'));
    cpuRatios.push(perReq('monitoring') / perReq('dashboard'));
  }
  return { ratios, rps, cpu, cpuRatios };
}

/** ns per call of `fn`, alternating `a` and `b` over rounds; returns the medians. */
function alternate(a, b, n, rounds = 15) {
  const ta = [];
  const tb = [];
  for (let r = 0; r < rounds; r++) {
    for (const [fn, out] of r % 2
      ? [
          [b, tb],
          [a, ta],
        ]
      : [
          [a, ta],
          [b, tb],
        ]) {
      const t0 = process.hrtime.bigint();
      fn(n);
      out.push(Number(process.hrtime.bigint() - t0) / n);
    }
  }
  return [median(ta), median(tb)];
}

function ringCosts() {
  const { createTracing, SpanRing } = require(path.join(ROOT, 'packages/tracing/dist'));
  const { createLogger, LineRing } = require(path.join(ROOT, 'packages/logging/dist'));
  const { loadConfig } = require(path.join(ROOT, 'packages/config/dist'));
  const config = loadConfig({
    config: {
      tracing: { sampler: 'always_on', exporter: 'none' },
      logging: {
        level: 'info',
        outputs: [{ type: 'file', path: path.join(tmpdir(), `otelkit-ring-${process.pid}.log`) }],
      },
    },
    env: {},
    file: false,
  });
  const plain = createTracing(config.tracing).tracer;
  const ringed = createTracing(config.tracing, undefined, { recentSpans: new SpanRing(2000) }).tracer;
  const spans = (tracer) => (n) => {
    for (let i = 0; i < n; i++) tracer.startSpan('op').end();
  };
  const [spanPlain, spanRing] = alternate(spans(plain), spans(ringed), 20_000);
  const opts = { handleSignals: false, logUncaught: false };
  const logPlain = createLogger(config.logging, undefined, opts);
  const logRing = createLogger(config.logging, undefined, { ...opts, recentLines: new LineRing(2000) });
  const lines = (logger) => (n) => {
    for (let i = 0; i < n; i++) logger.info({ order: i }, 'order placed');
  };
  const [linePlain, lineRing] = alternate(lines(logPlain), lines(logRing), 20_000);
  // The ring alone: what its push adds to the processor's onEnd / the destination's write.
  const spanRingAlone = new SpanRing(2000);
  const lineRingAlone = new LineRing(2000);
  // Distinct ended spans, pushed round robin (one object pushed again and again would be a trace
  // whose spans all end inside its root, which no real stream is).
  const pool = Array.from({ length: 4096 }, () => {
    const s = plain.startSpan('x');
    s.end();
    return s;
  });
  const line = '{"level":30,"time":1,"msg":"order placed"}\n';
  let sink = 0;
  const [loop, pushSpan] = alternate(
    (n) => {
      for (let i = 0; i < n; i++) sink += i & 1;
    },
    (n) => {
      for (let i = 0; i < n; i++) {
        sink += i & 1;
        spanRingAlone.push(pool[i & 4095]);
      }
    },
    1_000_000,
  );
  const [, pushLine] = alternate(
    (n) => {
      for (let i = 0; i < n; i++) sink += i & 1;
    },
    (n) => {
      for (let i = 0; i < n; i++) {
        sink += i & 1;
        lineRingAlone.push(line);
      }
    },
    1_000_000,
  );
  if (sink < 0) console.log(sink);
  return { spanPlain, spanRing, linePlain, lineRing, pushSpan: pushSpan - loop, pushLine: pushLine - loop };
}

async function streamCost() {
  const { startMonitoring } = require(path.join(ROOT, 'packages/service/dist'));
  const { createDashboard } = require(path.join(ROOT, 'packages/dashboard/dist'));
  const { withHttpMetrics } = require(path.join(ROOT, 'packages/metrics/dist'));
  const monitoring = startMonitoring(
    {
      service: { name: 'bench-stream' },
      logging: {
        level: 'info',
        outputs: [{ type: 'file', path: path.join(tmpdir(), `otelkit-stream-${process.pid}.log`) }],
      },
      metrics: { collectors: ['prometheus'], exporters: ['handler'] },
      tracing: { sampler: 'always_on', exporter: 'none' },
      resources: { interval: '1s' },
      instrumentations: false,
      shutdown: { handleSignals: false },
      dashboard: true,
    },
    { env: {}, file: false },
  );
  const dashboard = createDashboard(monitoring);
  const app = withHttpMetrics(monitoring.metrics, (_req, res) => res.end('ok'), {
    route: (r) => `/r${(r.url ?? '').length % 20}`,
  });
  const server = http.createServer((req, res) => dashboard(req, res, () => app(req, res)));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  // 20 routes with some traffic, so frames carry a full table.
  for (let i = 0; i < 400; i++) {
    await new Promise((r) =>
      http.get({ port, host: '127.0.0.1', path: `/${'x'.repeat(i % 20)}` }, (res) =>
        res.resume().on('end', r),
      ),
    );
  }
  const clients = [];
  const connect = (n) =>
    Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise((resolve) => {
            const req = http.get(
              {
                port,
                host: '127.0.0.1',
                path: '/monitoring/dashboard/',
                headers: { accept: 'text/event-stream' },
              },
              (res) => {
                res.on('data', () => {});
                resolve();
              },
            );
            clients.push(req);
          }),
      ),
    );
  const cpuOver = async (seconds) => {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const c = process.cpuUsage(c0);
    return ((c.user + c.system) / 1000 / (Number(process.hrtime.bigint() - t0) / 1e6)) * 100;
  };
  const SECONDS = Number(process.env.STREAM_SECONDS || 10);
  const idle = await cpuOver(SECONDS);
  const idleStats = dashboard.stats();
  await connect(1);
  await new Promise((r) => setTimeout(r, 1500));
  const one = await cpuOver(SECONDS);
  const oneFrame = dashboard.stats().lastFrameBytes;
  await connect(49);
  await new Promise((r) => setTimeout(r, 1500));
  const fifty = await cpuOver(SECONDS);
  const stats = dashboard.stats();
  for (const c of clients) c.destroy();
  await dashboard.shutdown();
  server.close();
  await monitoring.shutdown();
  return { idle, one, fifty, oneFrame, idleStats, stats };
}

async function main() {
  console.log(`dashboard cost — Node ${process.version}, ${PIN ? 'server pinned to CPU 1' : 'not pinned'}`);
  if (PARTS.includes('http')) {
    const { ratios, rps, cpu, cpuRatios } = await httpRatio();
    console.log(
      `HTTP req/s, dashboard mounted (rings filling, nobody watching) / without: median ${median(ratios).toFixed(3)} over ${ROUNDS} rounds ` +
        `(per round ${ratios.map((r) => r.toFixed(3)).join(' ')}; median req/s ${median(rps.monitoring).toFixed(0)} without, ${median(rps.dashboard).toFixed(0)} with)`,
    );
    console.log(
      `server CPU per request, without / with (CPU-implied throughput ratio): median ${median(cpuRatios).toFixed(3)} ` +
        `(per round ${cpuRatios.map((r) => r.toFixed(3)).join(' ')}; ${median(cpu.monitoring).toFixed(1)} µs without, ${median(cpu.dashboard).toFixed(1)} µs with)`,
    );
  }
  if (PARTS.includes('rings')) {
    const r = ringCosts();
    console.log(
      `span ring: start+end ${r.spanPlain.toFixed(0)} ns without, ${r.spanRing.toFixed(0)} ns with → ${(r.spanRing - r.spanPlain).toFixed(0)} ns per span (ratio ${(r.spanRing / r.spanPlain).toFixed(3)})`,
    );
    console.log(
      `ring push alone: ${r.pushSpan.toFixed(1)} ns per span, ${r.pushLine.toFixed(1)} ns per log line (over an empty loop)`,
    );
    console.log(
      `log ring: info line ${r.linePlain.toFixed(0)} ns without, ${r.lineRing.toFixed(0)} ns with → ${(r.lineRing - r.linePlain).toFixed(0)} ns per line (ratio ${(r.lineRing / r.linePlain).toFixed(3)})`,
    );
  }
  if (PARTS.includes('stream')) {
    const s = await streamCost();
    console.log(
      `nobody watching: ${s.idleStats.collections} collections, ticking ${s.idleStats.ticking}; process CPU ${s.idle.toFixed(2)} % of a core (the monitor's own 1 s sampler included)`,
    );
    console.log(
      `1 stream client: ${s.one.toFixed(2)} % of a core (+${(s.one - s.idle).toFixed(2)} over nobody), frame ${s.oneFrame} bytes`,
    );
    console.log(
      `50 stream clients: ${s.fifty.toFixed(2)} % of a core (+${(s.fifty - s.idle).toFixed(2)} over nobody, ${((s.fifty - s.idle) / Math.max(0.01, s.one - s.idle)).toFixed(1)} × one client); ${s.stats.frames} frames written, ${s.stats.collections} collections`,
    );
  }
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
