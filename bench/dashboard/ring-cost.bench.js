/**
 * What the dashboard's rings add per span and per log line, GC included: ring-work.js runs a
 * tracer's span (or a logger's `info` line) with the ring and without, in fresh processes.
 * (1) Instructions under valgrind's callgrind (load-independent): each variant runs for N1 and N2
 * iterations and per iteration = (I(N2) − I(N1)) / (N2 − N1), so startup, warm-up and exit cancel;
 * the ring's cost is ring − plain. (2) Wall clock, ns per iteration: ROUNDS rounds, variants
 * alternating, median per variant (on a loaded machine this is the noisy one; the targets
 * are in ns: ≤ 100 ns per span, ≤ 200 ns per log line). The isolated push of ratio.bench.js
 * ("ring push alone") leaves out what keeping an entry costs the garbage collector; this does not.
 *
 *   node bench/dashboard/ring-cost.bench.js   (env: N1, N2, ROUNDS, N, PARTS=callgrind,wall, WHAT=span,line, PARALLEL, NODE,
 *                                              SPAN_RINGS=ring,ring-all,ring-young (the span ring's selection variants),
 *                                              NODE_FLAGS (default --single-threaded, for the callgrind runs),
 *                                              WARMUP and FILLER passed to ring-work.js)
 */
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { haveValgrind, runUnderCallgrind, perUnit, pool } = require('../lib/callgrind');

const N1 = Number(process.env.N1 || 10000);
const N2 = Number(process.env.N2 || 40000);
const N = Number(process.env.N || 100000);
const ROUNDS = Number(process.env.ROUNDS || 7);
const PARTS = (process.env.PARTS || 'callgrind,wall').split(',');
const PARALLEL = Number(process.env.PARALLEL || Math.max(1, Math.min(2, os.cpus().length)));
const NODE = process.env.NODE || process.execPath;
const WORK = path.join(__dirname, 'ring-work.js');
const WHAT = (process.env.WHAT || 'span,line').split(',');
// Node/V8 flags for the callgrind runs. `--single-threaded`: no background compiler or GC threads,
// whose work callgrind counts too, in amounts that vary from run to run (without it, two runs of
// the same variant differed by thousands of instructions per iteration).
const NODE_FLAGS = (process.env.NODE_FLAGS ?? '--single-threaded').split(' ').filter(Boolean);
// SPAN_RINGS: the span ring's selection variants besides `ring` (the defaults): `ring-all` copies
// every trace (low traffic), `ring-young` none of the ordinary ones (the high-rate limit).
const SPAN_RINGS = (process.env.SPAN_RINGS || 'ring,ring-all,ring-young').split(',');
const VARIANTS = WHAT.flatMap((what) =>
  what === 'span'
    ? [[what, 'plain'], ...SPAN_RINGS.map((r) => [what, r])]
    : [
        [what, 'plain'],
        [what, 'ring'],
      ],
);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => Math.round(x).toLocaleString('en-US');

async function callgrind() {
  if (!haveValgrind()) {
    console.log('valgrind not found: instruction counts skipped');
    return;
  }
  const started = Date.now();
  const jobs = [];
  for (const [what, ring] of VARIANTS)
    for (const n of [N1, N2])
      jobs.push(() =>
        runUnderCallgrind([...NODE_FLAGS, WORK, what, ring, String(n)], { node: NODE }).then((total) => ({
          what,
          ring,
          n,
          total,
        })),
      );
  const results = await pool(jobs, PARALLEL);
  const per = {};
  for (const [what, ring] of VARIANTS) {
    const of = (n) => results.find((r) => r.what === what && r.ring === ring && r.n === n).total;
    per[`${what}-${ring}`] = perUnit(of(N1), N1, of(N2), N2);
  }
  console.log(
    `instructions per iteration under callgrind (I(${N2}) − I(${N1})) / ${N2 - N1}, ${((Date.now() - started) / 1000).toFixed(0)} s:`,
  );
  for (const [what, variant] of VARIANTS) {
    if (variant === 'plain') continue;
    const plain = per[`${what}-plain`];
    const ring = per[`${what}-${variant}`];
    console.log(
      `  ${what} ${variant}: ${fmt(plain)} without a ring, ${fmt(ring)} with → ring adds ${fmt(ring - plain)} instructions (ratio ${(plain / ring).toFixed(3)})`,
    );
  }
}

function wall() {
  const times = Object.fromEntries(VARIANTS.map(([w, r]) => [`${w}-${r}`, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...VARIANTS].reverse() : VARIANTS;
    for (const [what, ring] of order) {
      const out = execFileSync(NODE, [WORK, what, ring, String(N)], { encoding: 'utf8' });
      times[`${what}-${ring}`].push(Number(out.trim()));
    }
  }
  console.log(`wall clock, ns per iteration, median of ${ROUNDS} alternating rounds of ${N}:`);
  for (const [what, variant] of VARIANTS) {
    if (variant === 'plain') continue;
    const plain = median(times[`${what}-plain`]);
    const ring = median(times[`${what}-${variant}`]);
    const diffs = times[`${what}-${variant}`].map((x, i) => x - times[`${what}-plain`][i]);
    console.log(
      `  ${what} ${variant}: ${plain.toFixed(0)} ns without a ring, ${ring.toFixed(0)} ns with → ring adds ${median(diffs).toFixed(0)} ns (median of per-round differences ${diffs.map((d) => d.toFixed(0)).join(' ')})`,
    );
  }
}

async function main() {
  const version = execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim();
  console.log(
    `dashboard ring cost per span / per log line, node ${version} ${NODE_FLAGS.join(' ')}, warm-up ${process.env.WARMUP || 5000}, filler ${process.env.FILLER || 4096} B per iteration`,
  );
  if (PARTS.includes('callgrind')) await callgrind();
  if (PARTS.includes('wall')) wall();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
