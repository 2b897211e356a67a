/**
 * The dashboard's HTTP cost in instructions per request (valgrind callgrind), the noise-free
 * companion of ratio.bench.js's req/s ratio (which a shared 2-core machine cannot resolve to
 * 0.5 %): server.js runs as `monitoring` (no dashboard) and as `dashboard` (dashboard section on,
 * so the span and log rings fill, and the handler mounted in front of the app; nobody watching),
 * each under callgrind twice — serving N1 and N2 keep-alive requests to /users/42 — and
 * per request = (I(N2) − I(N1)) / (N2 − N1), so startup, JIT warm-up and shutdown cancel out.
 * REPEATS independent pairs per variant, alternating; the figure is the median of the per-repeat
 * ratios monitoring / dashboard (1.000 = the dashboard costs nothing; the issue asks ≥ 0.995).
 * At the end of each `dashboard` run the server prints the handler's stats: collections and
 * ticking must stay 0 / false (nobody watched).
 *
 *   node bench/dashboard/http-callgrind.bench.js      (env: N1, N2, REPEATS, CONNECTIONS, PARALLEL, NODE)
 *   VARIANTS=monitoring,dashboard,dashboard-nobuffer  adds the handler without rings (buffer: false)
 */
const os = require('node:os');
const path = require('node:path');
const { haveValgrind, perUnit, pool } = require('../lib/callgrind');
const { serverInstructions, getJson } = require('../lib/http-load');

const N1 = Number(process.env.N1 || 2000);
const N2 = Number(process.env.N2 || 6000);
const REPEATS = Number(process.env.REPEATS || 3);
const CONNECTIONS = Number(process.env.CONNECTIONS || 10);
const PARALLEL = Number(process.env.PARALLEL || Math.max(1, Math.min(2, os.cpus().length)));
const NODE = process.env.NODE || process.execPath;
const VARIANTS = (process.env.VARIANTS || 'monitoring,dashboard').split(',');
if (VARIANTS[0] !== 'monitoring') throw new Error('VARIANTS must start with monitoring (the baseline)');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function instructions(variant, n) {
  const { total, failed, extra } = await serverInstructions([path.join(__dirname, 'server.js'), variant], n, {
    node: NODE,
    connections: CONNECTIONS,
    ...(variant !== 'monitoring' ? { after: (port) => getJson(port, '/__dashboard-stats') } : {}),
  });
  return { total, failed, stats: extra };
}

async function main() {
  if (!haveValgrind()) {
    console.log('valgrind not found: instruction counts skipped');
    return;
  }
  const started = Date.now();
  const jobs = [];
  for (let r = 0; r < REPEATS; r++) {
    const order = r % 2 ? [...VARIANTS].reverse() : VARIANTS;
    for (const v of order)
      for (const n of [N1, N2]) jobs.push(() => instructions(v, n).then((x) => ({ v, n, r, ...x })));
  }
  const results = await pool(jobs, PARALLEL);
  const version = require('node:child_process')
    .execFileSync(NODE, ['--version'], { encoding: 'utf8' })
    .trim();
  const per = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  const failed = Object.fromEntries(VARIANTS.map((v) => [v, 0]));
  const stats = [];
  for (let r = 0; r < REPEATS; r++) {
    const of = (v, n) => results.find((x) => x.r === r && x.v === v && x.n === n);
    for (const v of VARIANTS) {
      per[v].push(perUnit(of(v, N1).total, N1, of(v, N2).total, N2));
      failed[v] += of(v, N1).failed + of(v, N2).failed;
      if (v !== 'monitoring') stats.push(of(v, N1).stats, of(v, N2).stats);
    }
  }
  console.log(
    `dashboard HTTP cost in instructions per request under valgrind callgrind: node ${version}, ${CONNECTIONS} keep-alive connections, (I(${N2}) − I(${N1})) / ${N2 - N1} requests, ${REPEATS} repeats, ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  const fmt = (x) => Math.round(x).toLocaleString('en-US');
  const LABEL = {
    monitoring: 'without the dashboard',
    dashboard: 'dashboard mounted, rings filling, nobody watching',
    'dashboard-nobuffer': 'dashboard mounted, buffer: false (no rings), nobody watching',
  };
  for (const v of VARIANTS) {
    const ratios = per[v].map((x, r) => per.monitoring[r] / x);
    console.log(
      `${LABEL[v] ?? v}: ${fmt(median(per[v]))} instructions/request (per repeat ${per[v].map(fmt).join(' ')})` +
        (v === 'monitoring'
          ? ''
          : `; without / with: median ${median(ratios).toFixed(4)} (per repeat ${ratios.map((x) => x.toFixed(4)).join(' ')}; target ≥ 0.995)`) +
        `; ${failed[v]} failed requests`,
    );
  }
  const worst = stats.reduce(
    (a, s) => ({
      collections: Math.max(a.collections, s.collections),
      frames: Math.max(a.frames, s.frames),
      ticking: a.ticking || s.ticking,
    }),
    { collections: 0, frames: 0, ticking: false },
  );
  console.log(
    `nobody watching, at the end of every dashboard run: ${worst.collections} collections, ${worst.frames} frames, ticking ${worst.ticking}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
