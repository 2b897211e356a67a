import { spawn } from 'node:child_process';
import { mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// A real cgroup (v1 cpu + cpuacct, as this machine mounts them) with a quota of half a core: the
// monitor in it measures `cpu_usage` against the quota, so a one-core burn crosses the threshold
// whatever else the machine is doing. Needs root, as CI runs; over the built package.
const CGROUP_ROOT = '/sys/fs/cgroup';

describe('cpu_usage against a real cgroup CPU quota', () => {
  it('fires once when a burn saturates the quota, then resolves once', async () => {
    const name = `otelkit-test-${process.pid}-${Date.now()}`;
    const dirs = ['cpu', 'cpuacct'].map((c) => join(CGROUP_ROOT, c, name));
    for (const d of dirs) mkdirSync(d);
    try {
      writeFileSync(join(dirs[0]!, 'cpu.cfs_period_us'), '100000');
      writeFileSync(join(dirs[0]!, 'cpu.cfs_quota_us'), '50000');
      const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'quota-burn.js')], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      for (const d of dirs) writeFileSync(join(d, 'cgroup.procs'), String(child.pid));
      child.stdin.end('go\n');
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const { calls, idle, burning } = JSON.parse(stdout.trim()) as {
        calls: Array<{ metric: string; value: number; threshold: number; state: string }>;
        idle: { usagePercent: number; limitCores?: number };
        burning: { usagePercent: number };
      };
      expect(calls.map((c) => [c.metric, c.threshold, c.state])).toEqual([
        ['cpu_usage', 80, 'firing'],
        ['cpu_usage', 80, 'resolved'],
      ]);
      expect(calls[0]!.value).toBeGreaterThan(80);
      expect(calls[1]!.value).toBeLessThanOrEqual(40);
      expect(idle.usagePercent).toBeLessThan(40);
      expect(burning.usagePercent).toBeGreaterThan(80);
    } finally {
      for (const d of dirs) {
        try {
          rmdirSync(d);
        } catch {
          // the child is gone; a busy cgroup dir is removed by the next boot
        }
      }
    }
  }, 90_000);
});
