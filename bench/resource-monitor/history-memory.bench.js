// Memory of a full history (3 600 samples) vs an empty monitor, measured with forced GC.
// Run: npx tsc -b packages/resource-monitor/tsconfig.json && node --expose-gc bench/resource-monitor/history-memory.bench.js
const { ResourceMonitor } = require('../../packages/resource-monitor/dist');

if (typeof global.gc !== 'function') {
  console.error('run with --expose-gc');
  process.exit(1);
}
const SIZE = 3600;
const used = () => {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function main() {
  const before = used();
  const empty = new ResourceMonitor({ interval: 1, historySize: SIZE });
  const afterEmpty = used();
  const full = new ResourceMonitor({ interval: 1, historySize: SIZE });
  for (let i = 0; i < SIZE + 100; i++) {
    await full.sampleNow();
    full.recordMetrics({ error_rate: Math.random(), response_time: Math.random() });
  }
  const afterFull = used();
  const history = full.getHistory();
  const asObjects = used() - afterFull; // what the same history costs as plain SystemStats objects
  console.log(
    `history size: ${history.length} samples (historySize ${SIZE}), plus 2 application series of ${full.getHistory({ metric: 'error_rate' }).length} points`,
  );
  console.log(`monitor with empty history:   ${((afterEmpty - before) / 1024).toFixed(0)} KiB`);
  console.log(
    `monitor with full history:    ${((afterFull - afterEmpty) / 1024).toFixed(0)} KiB (historyByteLength() = ${(full.historyByteLength() / 1024).toFixed(0)} KiB)`,
  );
  console.log(
    `same samples as JS objects:   ${(asObjects / 1024).toFixed(0)} KiB  -> columnar store is ${(asObjects / full.historyByteLength()).toFixed(1)}x smaller`,
  );
  if (empty.isRunning || history.length === 0) console.log('');
}
main();
