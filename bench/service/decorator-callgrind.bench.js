/**
 * @monitored in instructions per call (valgrind callgrind), the noise-free companion of
 * decorator.bench.js: each variant runs in its own process under callgrind for N1 and for N2
 * awaited calls, and per call = (I(N2) − I(N1)) / (N2 − N1) (startup and JIT warm-up cancel out).
 * Variants: the bare async method; @monitored and the hand-written raw OpenTelemetry equivalent,
 * each with an always-on sampler (every span recorded) and a parent-based 10 % ratio sampler
 * (mostly unsampled). Spans go to a discarding exporter through the SDK's SimpleSpanProcessor.
 *
 *   node bench/service/decorator-callgrind.bench.js     (N1, N2, PARALLEL, NODE env)
 */
const os = require('node:os');
const { haveValgrind, runUnderCallgrind, perUnit, pool } = require('../lib/callgrind');

const VARIANTS = {
  bare: ['sampled', 'bare method'],
  'raw OTel, sampled': ['sampled', 'raw OpenTelemetry API'],
  '@monitored, sampled': ['sampled', '@monitored'],
  'raw OTel, 10 % ratio': ['unsampled', 'raw OpenTelemetry API'],
  '@monitored, 10 % ratio': ['unsampled', '@monitored'],
};

async function child(samplerName, variant, n) {
  const { scenario, providerWith, samplers } = require('./decorator-scenario');
  const fn = scenario(providerWith(samplers[samplerName]()).getTracer('bench')).ok[variant];
  for (let i = 0; i < n; i++) await fn();
}

async function main() {
  if (!haveValgrind()) {
    console.log('valgrind not found: instruction counts skipped');
    return;
  }
  const N1 = Number(process.env.N1 || 20_000);
  const N2 = Number(process.env.N2 || 70_000);
  const PARALLEL = Number(process.env.PARALLEL || Math.max(1, Math.min(2, os.cpus().length)));
  const NODE = process.env.NODE || process.execPath;
  const names = Object.keys(VARIANTS);
  const started = Date.now();
  const jobs = [];
  for (const name of names) {
    for (const n of [N1, N2]) {
      jobs.push(() =>
        runUnderCallgrind([__filename, '--child', ...VARIANTS[name], String(n)], { node: NODE }),
      );
    }
  }
  const totals = await pool(jobs, PARALLEL);
  const version = require('node:child_process')
    .execFileSync(NODE, ['--version'], { encoding: 'utf8' })
    .trim();
  console.log(
    `@monitored instructions per awaited call under valgrind callgrind: node ${version}, (I(${N2}) − I(${N1})) / ${N2 - N1} calls, ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  );
  console.log(
    '  variant                    instructions/call   over bare   ratio vs raw OTel (same sampler)',
  );
  const per = {};
  names.forEach((name, i) => {
    per[name] = perUnit(totals[2 * i], N1, totals[2 * i + 1], N2);
  });
  for (const name of names) {
    const raw = name.includes('sampled') ? per['raw OTel, sampled'] : per['raw OTel, 10 % ratio'];
    const over = per[name] - per.bare;
    const vsRaw = name === 'bare' ? '' : ((per[name] - per.bare) / (raw - per.bare)).toFixed(3);
    console.log(
      `  ${name.padEnd(24)} ${Math.round(per[name]).toLocaleString('en-US').padStart(19)}   ${Math.round(over).toLocaleString('en-US').padStart(9)}   ${(per[name] / raw).toFixed(3)} total${vsRaw ? `, ${vsRaw} of the added cost` : ''}`,
    );
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4], Number(process.argv[5])).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
