import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CgroupReader } from '../../src/collectors/cgroup-reader';
import { SystemCollector } from '../../src/collectors/system-collector';

const GiB = 1024 ** 3;
const HOST = 64 * GiB;

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cgroup-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('CgroupReader', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });
  const make = (files: Record<string, string>) => {
    const r = tree(files);
    roots.push(r);
    return r;
  };

  it('reads cgroup v2 limits from the process cgroup directory', () => {
    const root = make({
      'cgroup.controllers': 'cpu memory io',
      'kubepods/pod1/cpu.max': '150000 100000\n',
      'kubepods/pod1/cpu.stat': 'usage_usec 5000000\nuser_usec 4000000\n',
      'kubepods/pod1/memory.max': `${2 * GiB}\n`,
      'kubepods/pod1/memory.current': `${GiB}\n`,
      'kubepods/pod1/memory.stat': `anon 100\ninactive_file ${256 * 1024 * 1024}\n`,
    });
    const r = new CgroupReader(root, '0::/kubepods/pod1\n');
    expect(r.version).toBe('v2');
    expect(r.read(HOST)).toEqual({
      version: 'v2',
      cpuLimitCores: 1.5,
      cpuUsageMicros: 5_000_000,
      memoryLimit: 2 * GiB,
      memoryWorkingSet: GiB - 256 * 1024 * 1024,
    });
  });

  it("treats cgroup v2 'max' as unlimited and falls back to the root when the path is not visible", () => {
    const root = make({
      'cgroup.controllers': 'cpu memory',
      'cpu.max': 'max 100000\n',
      'cpu.stat': 'usage_usec 42\n',
      'memory.max': `${GiB}\n`,
      'memory.current': '1000\n',
    });
    // /docker/abc does not exist under root (no cgroup namespace mount): the root is the container's cgroup
    const r = new CgroupReader(root, '0::/docker/abc\n');
    // usage only feeds the limit view, so CPU usage is not read without a CPU limit
    expect(r.read(HOST)).toEqual({
      version: 'v2',
      cpuLimitCores: null,
      cpuUsageMicros: null,
      memoryLimit: GiB,
      memoryWorkingSet: 1000,
    });
  });

  it('reads cgroup v1 cpu, cpuacct and memory controllers', () => {
    const root = make({
      'cpu/app/cpu.cfs_quota_us': '50000\n',
      'cpu/app/cpu.cfs_period_us': '100000\n',
      'cpuacct/app/cpuacct.usage': '3000000000\n',
      'memory/app/memory.limit_in_bytes': `${512 * 1024 * 1024}\n`,
      'memory/app/memory.usage_in_bytes': `${300 * 1024 * 1024}\n`,
      'memory/app/memory.stat': `cache 1\ntotal_inactive_file ${100 * 1024 * 1024}\n`,
    });
    const r = new CgroupReader(root, '4:memory:/app\n2:cpuacct:/app\n1:cpu:/app\n');
    expect(r.version).toBe('v1');
    expect(r.read(HOST)).toEqual({
      version: 'v1',
      cpuLimitCores: 0.5,
      cpuUsageMicros: 3_000_000,
      memoryLimit: 512 * 1024 * 1024,
      memoryWorkingSet: 200 * 1024 * 1024,
    });
  });

  it('treats the v1 "unlimited" value and a quota of -1 as no limit', () => {
    const root = make({
      'cpu/cpu.cfs_quota_us': '-1\n',
      'cpu/cpu.cfs_period_us': '100000\n',
      'memory/memory.limit_in_bytes': '9223372036854771712\n',
      'memory/memory.usage_in_bytes': '1000\n',
    });
    const r = new CgroupReader(root, '4:memory:/\n1:cpu:/\n');
    expect(r.read(HOST)).toMatchObject({ cpuLimitCores: null, memoryLimit: null });
  });

  it('caches limits for 30 s but reads usage on every call', () => {
    const root = make({
      'cgroup.controllers': 'cpu memory',
      'cpu.max': '100000 100000\n',
      'cpu.stat': 'usage_usec 10\n',
      'memory.max': `${GiB}\n`,
      'memory.current': '100\n',
    });
    const r = new CgroupReader(root, '0::/\n');
    expect(r.read(HOST, 0)).toMatchObject({ cpuLimitCores: 1, cpuUsageMicros: 10 });
    writeFileSync(join(root, 'cpu.max'), '200000 100000\n');
    writeFileSync(join(root, 'cpu.stat'), 'usage_usec 20\n');
    expect(r.read(HOST, 10_000)).toMatchObject({ cpuLimitCores: 1, cpuUsageMicros: 20 });
    expect(r.read(HOST, 30_000)).toMatchObject({ cpuLimitCores: 2, cpuUsageMicros: 20 });
  });

  it('finds no cgroup when nothing is mounted', () => {
    const root = make({ 'unrelated.txt': '' });
    expect(new CgroupReader(root, null).version).toBeNull();
  });

  it('detects the cgroup version this machine actually mounts', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const self = fs.existsSync('/proc/self/cgroup') ? fs.readFileSync('/proc/self/cgroup', 'utf8') : null;
    const r = new CgroupReader('/sys/fs/cgroup', self);
    const expected = fs.existsSync('/sys/fs/cgroup/cgroup.controllers')
      ? 'v2'
      : fs.existsSync('/sys/fs/cgroup/memory') || fs.existsSync('/sys/fs/cgroup/cpu')
        ? 'v1'
        : null;
    expect(r.version).toBe(expected);
    if (expected) expect(r.read(HOST)?.version).toBe(expected);
  });

  it('the collector reports CPU against the quota and memory against the limit, keeping the host view', () => {
    const root = make({
      'cgroup.controllers': 'cpu memory',
      'cpu.max': '50000 100000\n', // half a core
      'cpu.stat': 'usage_usec 0\n',
      'memory.max': `${GiB}\n`,
      'memory.current': `${768 * 1024 * 1024}\n`,
      'memory.stat': 'inactive_file 0\n',
    });
    const collector = new SystemCollector({ containerAware: true, cgroupRoot: root });
    const tA = process.hrtime.bigint();
    collector.resetBaseline(); // the collector's window starts after tA...
    const end = Date.now() + 200;
    while (Date.now() < end);
    const windowSoFar = collector.windowMillis;
    // ...the cgroup used a quarter core over the window so far
    const usageMicros = Math.round(windowSoFar * 1000 * 0.25);
    writeFileSync(join(root, 'cpu.stat'), `usage_usec ${usageMicros}\n`);
    const s = collector.sample(true); // ...and ends before tB
    const tB = process.hrtime.bigint();
    expect(s.container.cgroup).toBe('v2');
    expect(s.cpu.limitCores).toBe(0.5);
    // 0.25 core of a 0.5 core quota = 50 % over `windowSoFar`; the real window is a little longer
    const lowest = (usageMicros / (Number((tB - tA) / 1000n) * 0.5)) * 100;
    expect(s.cpu.usagePercent).toBeLessThanOrEqual(50.01);
    expect(s.cpu.usagePercent).toBeGreaterThanOrEqual(lowest - 0.01);
    expect(s.memory.limit).toBe(GiB);
    expect(s.memory.total).toBe(GiB);
    expect(s.memory.percent).toBe(75);
    expect(s.memory.host.total).toBeGreaterThan(GiB);
    expect(s.cpu.hostUsagePercent).toBeGreaterThanOrEqual(0);
  });

  it('containerAware: false ignores cgroups', () => {
    const collector = new SystemCollector({ containerAware: false, cgroupRoot: '/sys/fs/cgroup' });
    const s = collector.sample(true);
    expect(s.container.cgroup).toBeNull();
    expect(s.memory.limit).toBeNull();
  });
});
