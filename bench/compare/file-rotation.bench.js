// Rotating log files: pino + pino-roll 4 against @otelkit/logging's file output with size rotation
// (both JSON, no correlation, 1 MiB files). A round = N lines logged in one go, then the stream
// ended / the logger shut down (everything on disk). Same process, alternating rounds, medians.
// Then the size bound each keeps (16 KiB limit): a burst (N lines in one go) and a trickle (a 1 ms
// pause every 10 lines). Behaviour (symlinks, the bound): test/library-comparison/file-rotation.test.ts.
// Build first: npx tsc -b packages/logging/tsconfig.json
//   node bench/compare/file-rotation.bench.js [lines=50000] [rounds=11]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { alternate, print } = require('./alternate');

const pkg = path.join(__dirname, '../../packages/logging');
const { createLogger } = require(path.join(pkg, 'dist'));
const pino = require(require.resolve('pino', { paths: [pkg] }));
const pinoRoll = require('pino-roll');

const LINES = Number(process.argv[2] ?? 50_000);
const ROUNDS = Number(process.argv[3] ?? 11);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-rotation-bench-'));
let n = 0;
const freshDir = () => {
  const d = path.join(root, String(n++));
  fs.mkdirSync(d);
  return d;
};
const noHooks = { handleSignals: false, logUncaught: false };
const line = (i) => [{ i, route: '/users/:id', status: 200, pad: 'x'.repeat(100) }, 'request handled'];

function ourLogger(dir, maxSizeBytes) {
  return createLogger(
    {
      enabled: true,
      level: 'info',
      format: 'json',
      correlation: false,
      redact: { enabled: false, paths: [], censor: '[REDACTED]' },
      outputs: [
        {
          type: 'file',
          path: path.join(dir, 'app.log'),
          mkdir: true,
          rotation: { maxSizeBytes, maxFiles: 100_000 },
        },
      ],
    },
    undefined,
    noHooks,
  );
}

const closed = (stream) =>
  new Promise((resolve) => {
    stream.once('close', resolve);
    stream.end();
  });

async function pinoRollRun(lines, size, pauseEvery = 0) {
  const dir = freshDir();
  // pino-roll reads a bare number as MB: pass KiB as '<n>k'
  const stream = await pinoRoll({ file: path.join(dir, 'app'), extension: '.log', size: `${size / 1024}k` });
  const log = pino(stream);
  for (let i = 0; i < lines; i++) {
    log.info(...line(i));
    if (pauseEvery && i % pauseEvery === 0) await new Promise((r) => setTimeout(r, 1));
  }
  await closed(stream);
  return dir;
}

async function otelkitRun(lines, size, pauseEvery = 0) {
  const dir = freshDir();
  const log = ourLogger(dir, size);
  for (let i = 0; i < lines; i++) {
    log.info(...line(i));
    if (pauseEvery && i % pauseEvery === 0) await new Promise((r) => setTimeout(r, 1));
  }
  await log.shutdown();
  return dir;
}

function survey(dir) {
  let maxBytes = 0;
  let lines = 0;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.log'));
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    maxBytes = Math.max(maxBytes, Buffer.byteLength(text));
    lines += text.split('\n').filter((l) => l !== '').length;
  }
  return { files: files.length, maxBytes, lines };
}

async function main() {
  const results = await alternate(
    [
      { name: 'pino + pino-roll 4 (baseline)', run: (k) => pinoRollRun(k, 1024 * 1024) },
      { name: 'otelkit file output, size rotation', run: (k) => otelkitRun(k, 1024 * 1024) },
    ],
    { ops: LINES, rounds: ROUNDS },
  );
  print(
    `Lines to rotating 1 MiB files, per line (${LINES} lines × ${ROUNDS} rounds, Node ${process.version}):`,
    results,
  );

  console.log(`\nLargest file with a 16 KiB limit (${LINES} lines of ~190 bytes):`);
  console.log(
    '  variant                            burst: max bytes  files  lines   trickle: max bytes  files  lines',
  );
  for (const [name, run] of [
    ['pino-roll 4', pinoRollRun],
    ['otelkit', otelkitRun],
  ]) {
    const burst = survey(await run(LINES, 16 * 1024));
    const trickle = survey(await run(LINES, 16 * 1024, 10));
    console.log(
      `  ${name.padEnd(32)} ${String(burst.maxBytes).padStart(18)} ${String(burst.files).padStart(6)} ${String(burst.lines).padStart(6)}   ${String(trickle.maxBytes).padStart(18)} ${String(trickle.files).padStart(6)} ${String(trickle.lines).padStart(6)}`,
    );
  }
  fs.rmSync(root, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
