/**
 * HTTP throughput: bare node:http vs @otelkit/metrics (alone, and with otelkit tracing at 10 %
 * sampling exporting OTLP to a sink process), and for reference the context-propagation floor,
 * @opentelemetry/instrumentation-http and a prom-client middleware. Each server runs in its own
 * process; autocannon (programmatic) loads them in turn, alternating, on 127.0.0.1.
 * Prints median req/s and the median of per-round ratios against bare.
 *
 * Run after building the package: node bench/metrics/http.bench.js   (ROUNDS, DURATION, CONNECTIONS env)
 */
const path = require('node:path');
const { spawn } = require('node:child_process');
const PKG = path.resolve(__dirname, '../../packages/metrics');
const autocannon = require(require.resolve('autocannon', { paths: [PKG] }));

const VARIANTS = (
  process.env.VARIANTS ||
  'bare,bare-again,context-floor,metrics,metrics-tracing,instrumentation-http,prom-client'
).split(',');
const ROUNDS = Number(process.env.ROUNDS || 5);
const DURATION = Number(process.env.DURATION || 5);
const CONNECTIONS = Number(process.env.CONNECTIONS || 20);
const PIPELINING = Number(process.env.PIPELINING || 1);

function startServer(variant, script = 'server.js', env = process.env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, script), variant], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env,
    });
    child.stdout.once('data', (d) => resolve({ child, port: Number(String(d).trim()) }));
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`${variant} exited ${code}`)));
  });
}

function load(port, duration) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}/users/42`,
        connections: CONNECTIONS,
        duration,
        pipelining: PIPELINING,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

function getJson(port, path) {
  return new Promise((resolve, reject) => {
    require('node:http')
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(JSON.parse(body)));
      })
      .on('error', reject);
  });
}

const cpu = async (port) => {
  const u = await getJson(port, '/__cpu');
  return u.user + u.system;
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  // The OTLP sink the tracing variants export to, in its own process.
  const sink = await startServer('sink', 'otlp-sink.js');
  const env = { ...process.env, OTLP_SINK_PORT: String(sink.port) };
  const servers = {};
  for (const v of VARIANTS) servers[v] = await startServer(v, 'server.js', env);
  const rps = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  const cpuPerReq = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  const errors = Object.fromEntries(VARIANTS.map((v) => [v, 0]));
  try {
    for (const v of VARIANTS) await load(servers[v].port, 1); // warm-up (JIT)
    for (let round = 0; round < ROUNDS; round++) {
      const order = [...VARIANTS];
      for (let k = 0; k < round % order.length; k++) order.push(order.shift());
      for (const v of order) {
        const before = await cpu(servers[v].port);
        const r = await load(servers[v].port, DURATION);
        const after = await cpu(servers[v].port);
        rps[v].push(r.requests.average);
        cpuPerReq[v].push((after - before) / r.requests.total);
        errors[v] += r.errors + r.non2xx;
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
    }
  } finally {
    for (const v of VARIANTS) servers[v].child.kill('SIGTERM');
  }
  const exported = await getJson(sink.port, '/__stats');
  sink.child.kill('SIGTERM');
  console.log(
    `HTTP, ${ROUNDS} alternating rounds x ${DURATION}s, ${CONNECTIONS} connections, pipelining ${PIPELINING}. Medians; ratios are medians of per-round ratios vs bare.`,
  );
  console.log(
    '  variant                  req/s  throughput ratio   server CPU/req  CPU-implied throughput ratio (bare CPU / variant CPU)',
  );
  for (const v of VARIANTS) {
    const ratio = median(rps[v].map((x, i) => x / rps.bare[i]));
    const implied = median(cpuPerReq[v].map((c, i) => cpuPerReq.bare[i] / c));
    console.log(
      `  ${v.padEnd(21)} ${median(rps[v]).toFixed(0).padStart(7)}   ${ratio.toFixed(3).padStart(14)}   ${median(cpuPerReq[v]).toFixed(1).padStart(11)} us   ${implied.toFixed(3).padStart(10)}   errors ${errors[v]}`,
    );
  }
  console.log(
    `  OTLP sink received ${exported.requests} export requests, ${(exported.bytes / 1e6).toFixed(1)} MB`,
  );
  if (rps['context-floor'] && rps['metrics-tracing']) {
    // What otelkit adds on top of the context propagation any tracing needs on this Node version.
    const over = median(rps['metrics-tracing'].map((x, i) => x / rps['context-floor'][i]));
    const overCpu = median(cpuPerReq['metrics-tracing'].map((c, i) => cpuPerReq['context-floor'][i] / c));
    console.log(
      `  metrics-tracing vs context-floor: throughput ${over.toFixed(3)}, CPU-implied ${overCpu.toFixed(3)}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
