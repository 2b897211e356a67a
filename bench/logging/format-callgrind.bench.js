// Instructions per log line under valgrind's callgrind (independent of machine load): raw pino vs
// @otelkit/logging JSON and ECS, each with correlation inside an active span and its default
// redaction, all writing 4 KiB at a time through sonic-boom in sync mode to a file. Startup and
// warm-up are subtracted by running each subject for two line counts and differencing.
// Build first (npx tsc -b packages/logging/tsconfig.json), then:
//   node bench/logging/format-callgrind.bench.js [n1=3000] [n2=12000]
const path = require('node:path');
const { haveValgrind, runUnderCallgrind, perUnit } = require('../lib/callgrind');

const N1 = Number(process.argv[2] ?? 3000);
const N2 = Number(process.argv[3] ?? 12000);
const WORK = path.join(__dirname, 'format-work.js');
const SUBJECTS = ['raw-pino', 'otelkit-json', 'otelkit-ecs'];

async function main() {
  if (!haveValgrind()) {
    console.log('valgrind not found: skipped');
    return;
  }
  const per = {};
  for (const s of SUBJECTS) {
    const i1 = await runUnderCallgrind([WORK, s, String(N1)]);
    const i2 = await runUnderCallgrind([WORK, s, String(N2)]);
    per[s] = perUnit(i1, N1, i2, N2);
  }
  console.log(`instructions per line (callgrind, ${N1} vs ${N2} lines), node ${process.version}`);
  console.log('| subject | instructions per line | raw pino / subject |');
  console.log('|---|---:|---:|');
  for (const s of SUBJECTS)
    console.log(
      `| ${s} | ${Math.round(per[s]).toLocaleString('en-US')} | ${(per['raw-pino'] / per[s]).toFixed(3)} |`,
    );
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
