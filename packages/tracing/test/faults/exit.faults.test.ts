import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createFakeServer } from '@otelkit/testing';

// Issue 14 item 11: a finished script with a dead collector exited 9.5 s late (the OTLP
// exporter's retry timers were ref'ed: 1 s, 1.5 s, 2.25 s … 5 attempts).

function runToExit(
  script: string,
  input: unknown,
  killAfterMillis: number,
): Promise<{ code: number | null; afterEndMillis: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, JSON.stringify(input)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let endedAt = 0;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (d.includes('END') && !endedAt) endedAt = Date.now();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMillis);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, afterEndMillis: endedAt ? Date.now() - endedAt : -1 });
    });
  });
}

describe('a process with a dead collector', () => {
  it('exits promptly once the script is done (no ref-ed retry timer)', async () => {
    const dead = await createFakeServer();
    await dead.refuse();
    const r = await runToExit(
      path.join(__dirname, '..', 'fixtures', 'dead-collector.js'),
      { endpoint: `${dead.url}/v1/traces` },
      30_000,
    );
    await dead.close();
    expect(r.code).toBe(0);
    // Generous for a loaded machine; the retry chain alone took ~9.5 s.
    expect(r.afterEndMillis).toBeGreaterThanOrEqual(0);
    expect(r.afterEndMillis).toBeLessThan(4000);
  }, 40_000);
});
