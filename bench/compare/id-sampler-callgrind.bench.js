// Instructions per op under valgrind callgrind (noise-free companion of id-sampler.bench.js):
// each variant of id-sampler-work.js runs for N1 and N2 ops, per op = (I(N2) − I(N1)) / (N2 − N1).
// Ratio = SDK / otelkit (> 1: ours executes fewer instructions).
//   node bench/compare/id-sampler-callgrind.bench.js     (N1, N2, PARALLEL env)
const os = require('node:os');
const path = require('node:path');
const { haveValgrind, runUnderCallgrind, perUnit, pool } = require('../lib/callgrind');

const N1 = Number(process.env.N1 || 20_000);
const N2 = Number(process.env.N2 || 120_000);
const PARALLEL = Number(process.env.PARALLEL || Math.max(1, Math.min(2, os.cpus().length)));
const WHAT = ['ids', 'sampler', 'root'];
const LABEL = {
  ids: 'trace id + span id',
  sampler: 'ratio 0.1 decision',
  root: 'root span (parentbased 0.1), start + end',
};

async function main() {
  if (!haveValgrind()) {
    console.log('valgrind not found: instruction counts skipped');
    return;
  }
  const started = Date.now();
  const variants = WHAT.flatMap((w) => [`${w}-sdk`, `${w}-otelkit`]);
  const jobs = variants.flatMap((v) =>
    [N1, N2].map((n) => () => runUnderCallgrind([path.join(__dirname, 'id-sampler-work.js'), v, String(n)])),
  );
  const totals = await pool(jobs, PARALLEL);
  console.log(
    `Instructions per op under callgrind: node ${process.version}, (I(${N2}) − I(${N1})) / ${N2 - N1} ops, ${((Date.now() - started) / 1000).toFixed(0)} s. Ratio = SDK / otelkit.`,
  );
  console.log('  op                                                        SDK    otelkit    ratio');
  for (const w of WHAT) {
    const i = variants.indexOf(`${w}-sdk`);
    const sdk = perUnit(totals[2 * i], N1, totals[2 * i + 1], N2);
    const ours = perUnit(totals[2 * i + 2], N1, totals[2 * i + 3], N2);
    console.log(
      `  ${LABEL[w].padEnd(54)} ${Math.round(sdk).toLocaleString('en-US').padStart(8)} ${Math.round(ours).toLocaleString('en-US').padStart(10)} ${(sdk / ours).toFixed(2).padStart(8)}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
