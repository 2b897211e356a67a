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
const ROUNDS = Number(process.env.ROUNDS || 8);
const DURATION = Number(process.env.DURATION || 4);
const CONNECTIONS = Number(process.env.CONNECTIONS || 20);
const PIPELINING = Number(process.env.PIPELINING || 1);
const WARMUP = Number(process.env.WARMUP || 2);

/**
 * Placement. Each server process gets one CPU to itself (`taskset -c 1`) and the load generator
 * (this process) and the OTLP sink share the other, so a server's throughput is what its own CPU
 * allows — not a share of a core contended by the client. And every round starts fresh server
 * processes: one process per variant for the whole run keeps its JIT/heap/placement luck in every
 * round (two identical bare servers measured 0.92–1.08 of each other that way).
 */
function canPin() {
  if (process.env.PIN === '0' || require('node:os').cpus().length < 2) return false;
  try {
    require('node:child_process').execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}
const PIN = canPin();

function startServer(variant, script = 'server.js', env = process.env, cpu = '1') {
  return new Promise((resolve, reject) => {
    const args = [path.join(__dirname, script), variant];
    const child = PIN
      ? spawn('taskset', ['-c', cpu, process.execPath, ...args], {
          stdio: ['ignore', 'pipe', 'inherit'],
          env,
        })
      : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
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
  const sink = await startServer('sink', 'otlp-sink.js', process.env, '0');
  const env = { ...process.env, OTLP_SINK_PORT: String(sink.port) };
  const rps = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  const cpuPerReq = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  const errors = Object.fromEntries(VARIANTS.map((v) => [v, 0]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...VARIANTS];
    for (let k = 0; k < round % order.length; k++) order.push(order.shift());
    for (const v of order) {
      const server = await startServer(v, 'server.js', env);
      try {
        await load(server.port, WARMUP); // JIT warm-up, not measured
        const before = await cpu(server.port);
        const r = await load(server.port, DURATION);
        const after = await cpu(server.port);
        rps[v].push(r.requests.average);
        cpuPerReq[v].push((after - before) / r.requests.total);
        errors[v] += r.errors + r.non2xx;
      } finally {
        server.child.kill('SIGTERM');
        await new Promise((resolve) => server.child.once('exit', resolve));
      }
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  const exported = await getJson(sink.port, '/__stats');
  sink.child.kill('SIGTERM');
  console.log(
    `HTTP, ${ROUNDS} alternating rounds x ${DURATION}s (fresh server processes each round, ${WARMUP}s warm-up), ${CONNECTIONS} connections, pipelining ${PIPELINING}, ${PIN ? 'server pinned to CPU 1, load generator and sink to CPU 0' : 'no CPU pinning'}. Medians; ratios are medians of per-round ratios vs bare.`,
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
