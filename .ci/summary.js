// Prints jest's result files as the closing line CI reads: "N passed, N failed", summed over
// every run given (one per Node line: `node summary.js node20=a.json node24=b.json`; a bare
// path is a run without a label), after a line per run. Exits non-zero when a file is missing
// (jest crashed), a run failed, or a run ran no test.
const fs = require('node:fs');

let passed = 0;
let failed = 0;
let skipped = 0;
let bad = false;
for (const arg of process.argv.slice(2)) {
  const eq = arg.indexOf('=');
  const label = eq > 0 ? arg.slice(0, eq) : '';
  const file = eq > 0 ? arg.slice(eq + 1) : arg;
  let results;
  try {
    results = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`no jest results at ${file}${label ? ` (${label})` : ''}: ${err.message}`);
    failed += 1;
    bad = true;
    continue;
  }
  const failedSuites = results.numFailedTestSuites ?? 0;
  const runPassed = results.numPassedTests ?? 0;
  // A suite that fails to load has no failed *test*; count it so it cannot pass unnoticed.
  const runFailed =
    (results.numFailedTests ?? 0) +
    (results.testResults ?? []).filter((s) => s.status === 'failed' && s.assertionResults.length === 0)
      .length;
  for (const suite of results.testResults ?? []) {
    if (suite.status === 'failed') console.error(`FAILED${label ? ` [${label}]` : ''} ${suite.name}`);
  }
  const runSkipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  if (label) console.log(`${label}: ${runPassed} tests passed, ${runFailed} failed`);
  passed += runPassed;
  failed += runFailed;
  skipped += runSkipped;
  if (runFailed > 0 || failedSuites > 0 || runPassed === 0) bad = true;
}
if (process.argv.length <= 2) {
  console.error('usage: node summary.js [label=]results.json …');
  bad = true;
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(bad ? 1 : 0);
