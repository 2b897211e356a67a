import { spawn } from 'node:child_process';
import { join } from 'node:path';

// A worker thread burns a core in a process of its own (test/fixtures/process-burn.js, over the
// built package): process.cpuUsage() counts every thread of the process, so the burn shows up in
// `process_cpu_usage` (percent of one core) — and nothing else runs in that process.
describe('CPU burn in a worker thread', () => {
  it('crosses the CPU threshold: the handler fires exactly once, then resolves once after the burn stops', async () => {
    const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'process-burn.js')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const { idleCalls, firingWhileBurning, calls, events, peak } = JSON.parse(stdout.trim()) as {
      idleCalls: number;
      firingWhileBurning: number;
      calls: Array<{ metric: string; value: number; threshold: number; state: string }>;
      events: Array<{ state: string; since: number; timestamp: number }>;
      peak: number;
    };
    expect(idleCalls).toBe(0);
    expect(firingWhileBurning).toBe(1);
    expect(calls.map((c) => [c.metric, c.threshold, c.state])).toEqual([
      ['process_cpu_usage', 25, 'firing'],
      ['process_cpu_usage', 25, 'resolved'],
    ]);
    expect(calls[0]!.value).toBeGreaterThan(25);
    expect(calls[1]!.value).toBeLessThanOrEqual(10);
    // the history shows the burn
    expect(peak).toBeGreaterThan(25);
    expect(events[1]!.since).toBe(events[0]!.timestamp);
  }, 90_000);
});
