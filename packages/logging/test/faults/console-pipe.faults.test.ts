import { spawn } from 'node:child_process';
import * as path from 'node:path';

// A real child process logs to stdout, a pipe the parent never reads. Before the fix the console
// output wrote synchronously and spun on EAGAIN: the first full pipe froze the child's loop for
// as long as nobody read (a 6 s reader stall froze the app 5.5 s). Now writes are asynchronous
// behind a bounded buffer and what does not fit is dropped and counted.

interface Report {
  elapsedMillis: number;
  maxDelayMillis: number;
  ticks: number;
  produced: number;
  stats: { lines: number; dropped: number; errors: number; buffered?: number };
}

function runUnreadChild(
  input: Record<string, unknown>,
  timeoutMillis: number,
): Promise<{ report?: Report; code: number | null; exitMillis: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        path.join(__dirname, '..', '..', '..', '..', 'test', 'support', 'register-ts.js'),
        path.join(__dirname, '..', 'fixtures', 'console-pipe-child.js'),
        JSON.stringify(input),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // stdout is deliberately never read (and never resumed): the pipe fills at ~64 KiB.
    let stderr = '';
    let report: Report | undefined;
    let reportedAt = 0;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /CTRL (.*)\n/.exec(stderr);
      if (m && !report) {
        report = JSON.parse(m[1] as string) as Report;
        reportedAt = Date.now();
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMillis);
    child.on('exit', (code) => {
      clearTimeout(timer);
      child.stdout.destroy();
      resolve({ report, code, exitMillis: reportedAt ? Date.now() - reportedAt : -1, stderr });
    });
  });
}

describe('console output into a pipe nobody reads', () => {
  it.each(['json', 'pretty'])(
    'never blocks the event loop (%s); drops are counted and lines = written + dropped',
    async (format) => {
      const { report, code, exitMillis, stderr } = await runUnreadChild({ lines: 20_000, format }, 40_000);
      expect(stderr).not.toMatch(/Error/);
      expect(report).toBeDefined();
      const r = report as Report;
      // Generous for a loaded 2-core machine: the old code never got here at all.
      expect(r.maxDelayMillis).toBeLessThan(1000);
      expect(r.stats.dropped).toBeGreaterThan(0);
      expect(r.stats.lines + r.stats.dropped + (r.stats.buffered ?? 0)).toBe(r.produced);
      // process.exit's synchronous flush gives up on the full pipe instead of spinning.
      expect(code).toBe(0);
      expect(exitMillis).toBeLessThan(10_000);
    },
    60_000,
  );
});
