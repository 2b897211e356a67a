import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createFakeServer } from '@otelkit/testing';

// Issue 14 item 11: with OTLP metrics at a 2 s interval and a dead collector the process never
// exited (alive at 120 s): each export's retry chain ran on ref'ed timers into the next export.

describe('metrics with a dead collector', () => {
  it('let a finished process exit promptly', async () => {
    const dead = await createFakeServer();
    await dead.refuse();
    const r = await new Promise<{ code: number | null; afterEndMillis: number }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          path.join(__dirname, '..', 'fixtures', 'dead-collector.js'),
          JSON.stringify({ endpoint: `${dead.url}/v1/metrics` }),
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let endedAt = 0;
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        if (d.includes('END') && !endedAt) endedAt = Date.now();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, afterEndMillis: endedAt ? Date.now() - endedAt : -1 });
      });
    });
    await dead.close();
    expect(r.code).toBe(0);
    expect(r.afterEndMillis).toBeGreaterThanOrEqual(0);
    // Generous for a loaded 2-core machine.
    expect(r.afterEndMillis).toBeLessThan(4000);
  }, 45_000);
});
