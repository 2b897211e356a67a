import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOtlpReceiver } from '../../../test/support/otlp-receiver';

// Runs over the built package: `pnpm test` builds first.
describe('SIGTERM during load (child process)', () => {
  it('flushes spans, metrics and logs, then exits with 143', async () => {
    const receiver = await startOtlpReceiver();
    const dir = mkdtempSync(join(tmpdir(), 'otelkit-sigterm-'));
    const logPath = join(dir, 'app.log');
    try {
      const child = spawn(
        process.execPath,
        [join(__dirname, 'fixtures', 'sigterm-app.js'), logPath, receiver.urls.traces, receiver.urls.metrics],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      // wait until the app has done at least 3 000 steps
      const before = await new Promise<number>((resolve, reject) => {
        let seen = 0;
        child.stdout.on('data', (d: Buffer) => {
          for (const line of String(d).split('\n')) if (line) seen = Number(line);
          if (seen >= 3000) resolve(seen);
        });
        child.once('exit', (code) => reject(new Error(`app exited early with ${code}: ${stderr}`)));
      });
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      expect(stderr).toBe('');
      expect(code).toBe(143);

      // logs: every line written is there, in order, none lost
      const seqs = readFileSync(logPath, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((l) => l.msg === 'step')
        .map((l) => l.seq as number);
      expect(seqs.length).toBeGreaterThanOrEqual(before);
      expect(seqs).toEqual(seqs.map((_, idx) => idx));

      // traces: every step done before the signal was exported at shutdown
      const spanSeqs = new Set(
        receiver
          .spans()
          .filter((s) => s.name === 'Worker.step')
          .map((s) => Number(s.attributes['app.seq'])),
      );
      for (let s = 0; s < before; s++)
        if (!spanSeqs.has(s)) throw new Error(`span for step ${s} was not exported`);

      // metrics: the final export counted at least those calls
      const calls = receiver
        .metricList()
        .filter((mt) => mt.name === 'otelkit.method.calls')
        .flatMap((mt) => (mt.sum?.dataPoints ?? []) as Array<{ asInt?: string; asDouble?: number }>)
        .map((p) => Number(p.asInt ?? p.asDouble ?? 0));
      expect(Math.max(0, ...calls)).toBeGreaterThanOrEqual(before);
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
