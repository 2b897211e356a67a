import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Issue 14 item 12: a host with its own graceful drain lost its logs — otelkit closed the logger at
// SIGTERM although the app handled the signal; 5 501 lines of a 3 s drain were lost, the last one
// with them. Runs over the built package (`pnpm build`).

async function drain(ending: 'shutdown' | 'exit' | 'idle') {
  const dir = mkdtempSync(join(tmpdir(), 'otelkit-drain-'));
  const logPath = join(dir, 'app.log');
  const child = spawn(
    process.execPath,
    [join(__dirname, '..', 'fixtures', 'drain-app.js'), logPath, ending, '3000'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (String(d).includes('ready')) resolve();
    });
    void exited.then((code) => reject(new Error(`app exited early with ${code}: ${stderr}`)));
  });
  child.kill('SIGTERM');
  const code = await exited;
  const lines = readFileSync(logPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { msg: string; seq?: number; total?: number });
  return { code, stderr, lines };
}

function expectEveryLine(lines: Array<{ msg: string; seq?: number; total?: number }>) {
  const last = lines.find((l) => l.msg === 'drained');
  expect(last).toBeDefined();
  const seqs = lines.filter((l) => l.msg === 'draining' || l.msg === 'drained').map((l) => l.seq);
  // thousands of lines over the 3 s drain, none missing, in order, the last one included
  expect(seqs.length).toBe(last?.total);
  expect(seqs.length).toBeGreaterThan(1000);
  expect(seqs).toEqual(seqs.map((_, i) => i));
}

describe('SIGTERM handled by the app (child process)', () => {
  it('keeps logging open through the drain until the app calls shutdown()', async () => {
    const { code, stderr, lines } = await drain('shutdown');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expectEveryLine(lines);
  }, 60_000);

  it('keeps logging open until the app exits with process.exit()', async () => {
    const { code, stderr, lines } = await drain('exit');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expectEveryLine(lines);
  }, 60_000);

  it('keeps logging open until the drained process runs out of work', async () => {
    const { code, stderr, lines } = await drain('idle');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expectEveryLine(lines);
  }, 60_000);
});
