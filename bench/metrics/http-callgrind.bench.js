/**
 * HTTP cost in instructions per request (valgrind callgrind), the noise-free companion of
 * http.bench.js: each server.js variant runs under callgrind twice, once serving N1 and once N2
 * keep-alive requests (CONNECTIONS in flight), and per request = (I(N2) − I(N1)) / (N2 − N1), so
 * process startup, JIT warm-up and shutdown cancel out. Tracing variants flush their queued spans
 * before exit (OTLP to the sink process, which is not measured), so export cost is counted; their batch
 * timer is pushed out (BENCH_BATCH_DELAY_MS) so batches fill to 512 spans as at full speed.
 * Ratios are bare / variant (1.000 = as cheap as bare `node:http`), like the throughput ratios.
 *
 * Making the difference mean something (issue 13):
 * - N1 = 6 000: at 10 % sampling the first 512-span batch leaves at ~5 120 requests, so both runs
 *   have exported once (and compiled the exporter) before the window starts. In the 2 000–7 000
 *   window of metrics-tracing, callgrind with --perf-basic-prof put ~42k instructions per request
 *   in V8's compilers and ~64k in IC misses and property-transition runtime calls: warm-up, not
 *   steady state. (Under the flags below bare itself measured 80k at 2 000–7 000 and 130k at
 *   6 000–11 000, with no major GC: compare variants of one window, never across windows.)
 * - NODE_FLAGS (default `--predictable-gc-schedule --single-threaded --trace-gc`, in every server,
 *   both windows): V8's GC heuristics are partly time-driven (memory reducer, heap growing and
 *   idle-time scavenges), and valgrind runs the server ~50× slower, so without these the same
 *   code got 4 or 32 scavenges in a window and a major GC (~175–650M instructions, 35–130k per
 *   request) in one run and not the next. `--predictable-gc-schedule` fixes heap growing and turns
 *   the memory reducer and idle scavenges off; `--single-threaded` runs GC and compiler tasks on
 *   the main thread, so their amount does not depend on thread scheduling. `--trace-gc` lets the
 *   bench count scavenges and major GCs in each window (printed per repeat): compare variants with
 *   the same major count, or read the difference as the GC it is.
 * - REPEATS (default 1): independent pairs per variant, interleaved; median and spread reported.
 *
 * The tracing cost decomposes by differencing variants (VARIANTS=…, see server.js): tracing-stub-tracer
 * (otelkit's HTTP code around a span, no SDK), tracing-unsampled (every request dropped),
 * tracing-sampled-noexport (every request a full SDK span, not exported), tracing-sampled (and
 * exported), tracing-noexport (10 %, not exported).
 *
 *   node bench/metrics/http-callgrind.bench.js        (N1, N2, CONNECTIONS, VARIANTS, REPEATS, NODE_FLAGS, PARALLEL env)
 *   NODE=/path/to/node ...                             the servers on another Node (default: this one)
 */
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { haveValgrind, perUnit, pool } = require('../lib/callgrind');
const { serverInstructions } = require('../lib/http-load');

const DEFAULT_NODE_FLAGS = '--predictable-gc-schedule --single-threaded --trace-gc';

const VARIANTS = (
  process.env.VARIANTS || 'bare,context-floor,metrics,metrics-tracing,instrumentation-http'
).split(',');
const N1 = Number(process.env.N1 || 6000);
const N2 = Number(process.env.N2 || 11000);
const CONNECTIONS = Number(process.env.CONNECTIONS || 10);
const REPEATS = Number(process.env.REPEATS || 1);
const PARALLEL = Number(process.env.PARALLEL || Math.max(1, Math.min(2, os.cpus().length)));
const NODE = process.env.NODE || process.execPath;
// V8 flags for every server (both windows, every variant): see the header.
const NODE_FLAGS = (process.env.NODE_FLAGS ?? DEFAULT_NODE_FLAGS).split(' ').filter(Boolean);

function startSink() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'otlp-sink.js')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.once('data', (d) => resolve({ child, port: Number(String(d).trim()) }));
    child.once('error', reject);
  });
}

function instructions(variant, n, env) {
  return serverInstructions([path.join(__dirname, 'server.js'), variant], n, {
    env,
    node: NODE,
    connections: CONNECTIONS,
    nodeArgs: NODE_FLAGS,
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => Math.round(x).toLocaleString('en-US');

async function main() {
  if (!haveValgrind()) {
    console.log('valgrind not found: instruction counts skipped');
    return;
  }
  const sink = await startSink();
  // Batches fill to maxExportBatchSize (512) as on a loaded server in real time, rather than being
  // flushed by the 5 s timer every ~40 spans at valgrind's speed; the rest is flushed at exit.
  const env = { BENCH_BATCH_DELAY_MS: '600000', ...process.env, OTLP_SINK_PORT: String(sink.port) };
  const started = Date.now();
  // Repeat r of every variant before repeat r + 1 (a slow drift of the machine spreads evenly).
  const jobs = [];
  for (let r = 0; r < REPEATS; r++)
    for (const v of VARIANTS) for (const n of [N1, N2]) jobs.push(() => instructions(v, n, env));
  const results = await pool(jobs, PARALLEL);
  sink.child.kill('SIGTERM');
  const version = require('node:child_process')
    .execFileSync(NODE, ['--version'], { encoding: 'utf8' })
    .trim();
  console.log(
    `HTTP instructions per request under valgrind callgrind: node ${version} ${NODE_FLAGS.join(' ')}, ${CONNECTIONS} keep-alive connections, (I(${N2}) − I(${N1})) / ${N2 - N1} requests, ${REPEATS} repeat(s), ${((Date.now() - started) / 1000).toFixed(0)} s. Ratio = bare / variant (medians).`,
  );
  console.log(
    '  variant                    median/request   ratio   spread (min–max)      per repeat                     GC in window (scavenges / major)   errors',
  );
  const per = {};
  VARIANTS.forEach((v, i) => {
    const runs = [];
    const gcs = [];
    let errors = 0;
    for (let r = 0; r < REPEATS; r++) {
      const a = results[2 * (r * VARIANTS.length + i)];
      const b = results[2 * (r * VARIANTS.length + i) + 1];
      runs.push(perUnit(a.total, N1, b.total, N2));
      gcs.push(`${b.gc.scavenges - a.gc.scavenges}/${b.gc.marks - a.gc.marks}`);
      errors += a.failed + b.failed;
    }
    per[v] = median(runs);
    const ratio = per.bare ? per.bare / per[v] : Number.NaN;
    const lo = Math.min(...runs);
    const hi = Math.max(...runs);
    const spread = `${fmt(lo)}–${fmt(hi)} (${((100 * (hi - lo)) / per[v]).toFixed(1)} %)`;
    console.log(
      `  ${v.padEnd(24)} ${fmt(per[v]).padStart(16)}   ${ratio.toFixed(3)}   ${spread.padEnd(20)}  ${runs.map(fmt).join(' ').padEnd(30)} ${gcs.join(' ').padEnd(34)} ${errors}`,
    );
  });
  if (per['context-floor'] && per['metrics-tracing']) {
    console.log(
      `  metrics-tracing over context-floor: ${fmt(per['metrics-tracing'] - per['context-floor'])} instructions/request; over metrics: ${fmt(per['metrics-tracing'] - (per.metrics ?? 0))}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
