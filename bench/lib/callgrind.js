/**
 * Instruction counts under valgrind's callgrind, for benches that must not lie on a shared machine:
 * instructions executed do not depend on load, frequency scaling or neighbours. Startup and warm-up
 * are subtracted by running the same program for two work counts and differencing the totals:
 * per unit = (I(n2) − I(n1)) / (n2 − n1).
 */
const { spawn, execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Whether valgrind is on the PATH. */
function haveValgrind() {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Total instructions (`summary:` / `totals:` line, first event = Ir) of a callgrind out file. */
function totalInstructions(file) {
  const text = readFileSync(file, 'utf8');
  const m = /^(?:summary|totals):\s+(\d+)/m.exec(text);
  if (!m) throw new Error(`no instruction total in ${file}`);
  return Number(m[1]);
}

/**
 * Starts `node <args>` under callgrind. `onStdout(line)` sees its stdout lines; resolves with
 * { child, outFile, exited } where `exited` resolves with the instruction total once it exits.
 */
function startUnderCallgrind(args, { env = process.env, node = process.execPath, extra = [] } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'otelkit-callgrind-'));
  const outFile = path.join(dir, 'callgrind.out');
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${outFile}`,
      // V8 generates and patches code at run time: check every non-file mapping for changes.
      '--smc-check=all-non-file',
      ...extra,
      node,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 1e5) stderr = stderr.slice(-5e4);
  });
  const exited = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      try {
        if (code !== 0) throw new Error(`exit ${code ?? signal}\n${stderr.slice(-3000)}`);
        resolve(totalInstructions(outFile));
      } catch (err) {
        reject(err);
      } finally {
        if (!process.env.KEEP_CALLGRIND) rmSync(dir, { recursive: true, force: true });
        else process.stderr.write(`kept ${outFile}\n`);
      }
    });
  });
  exited.catch(() => {});
  return { child, outFile, exited };
}

/** Runs `node <args>` to completion under callgrind; resolves with its instruction total. */
function runUnderCallgrind(args, options) {
  return startUnderCallgrind(args, options).exited;
}

/** Per-unit instructions from two totals. */
function perUnit(i1, n1, i2, n2) {
  return (i2 - i1) / (n2 - n1);
}

/** Runs `jobs` (functions returning promises) at most `parallel` at a time, in order. */
async function pool(jobs, parallel) {
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return results;
}

module.exports = { haveValgrind, startUnderCallgrind, runUnderCallgrind, perUnit, pool, totalInstructions };
