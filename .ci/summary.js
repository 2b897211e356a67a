// Prints jest's result file as the closing line CI reads: "N passed, N failed".
// Exits non-zero when the file is missing (jest crashed) or no test ran.
const fs = require('node:fs');

const file = process.argv[2];
let results;
try {
  results = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`no jest results at ${file}: ${err.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const failedSuites = results.numFailedTestSuites ?? 0;
const passed = results.numPassedTests ?? 0;
// A suite that fails to load has no failed *test*; count it so it cannot pass unnoticed.
const failed =
  (results.numFailedTests ?? 0) +
  (results.testResults ?? []).filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
for (const suite of results.testResults ?? []) {
  if (suite.status === 'failed') console.error(`FAILED ${suite.name}`);
}
const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || failedSuites > 0 || passed === 0 ? 1 : 0);
