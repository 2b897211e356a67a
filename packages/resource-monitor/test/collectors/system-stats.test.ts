import { readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { ResourceMonitor } from '../../src/resource-monitor';
import { sleep } from '../helpers';

// Independent readings straight from /proc, parsed here, not through the package.
function procField(file: string, name: string): number {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`${name} not in ${file}`);
  return Number(line.split(/\s+/)[1]);
}

function busyLoop(ms: number) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}

// Linux only: these compare against /proc, which is what the package reads on Linux.
describe('SystemStats agree with independent readings', () => {
  let monitor: ResourceMonitor;
  beforeAll(async () => {
    monitor = new ResourceMonitor({ intervalMillis: 60_000 });
    await monitor.start();
  });
  afterAll(() => monitor.shutdown());

  it('memory matches /proc/meminfo (host view, no cgroup limit on this machine)', async () => {
    const s = await monitor.getCurrentStats();
    const total = procField('/proc/meminfo', 'MemTotal') * 1024;
    const available = procField('/proc/meminfo', 'MemAvailable') * 1024;
    expect(s.memory.host.total).toBe(total);
    expect(Math.abs(s.memory.host.available - available) / total).toBeLessThan(0.02);
    if (s.memory.limit === null) {
      expect(s.memory.total).toBe(total);
      expect(s.memory.percent).toBeCloseTo(s.memory.host.percent, 5);
    }
  });

  it('process memory matches process.memoryUsage() and /proc/self/status VmRSS', async () => {
    const s = await monitor.getCurrentStats();
    const mu = process.memoryUsage();
    const vmRss = procField('/proc/self/status', 'VmRSS') * 1024;
    expect(Math.abs(s.process.rss - mu.rss) / mu.rss).toBeLessThan(0.1);
    expect(Math.abs(s.process.rss - vmRss) / vmRss).toBeLessThan(0.1);
    expect(Math.abs(s.process.heapTotal - mu.heapTotal) / mu.heapTotal).toBeLessThan(0.2);
    expect(s.process.heapUsed).toBeGreaterThan(0);
    expect(s.process.heapUsed).toBeLessThanOrEqual(s.process.heapTotal);
  });

  it('threads, descriptors and I/O match /proc/self', async () => {
    const s = await monitor.getCurrentStats();
    expect(Math.abs(s.cpu.threadCount - procField('/proc/self/status', 'Threads'))).toBeLessThanOrEqual(2);
    expect(Math.abs(s.process.openFds - (readdirSync('/proc/self/fd').length - 1))).toBeLessThanOrEqual(3);
    const syscr = procField('/proc/self/io', 'syscr');
    expect(s.io.readCount).toBeLessThanOrEqual(syscr);
    expect(syscr - s.io.readCount).toBeLessThan(200);
    expect(s.io.writeBytes).toBeLessThanOrEqual(procField('/proc/self/io', 'write_bytes'));
    const la = os.loadavg();
    expect(Math.abs(s.cpu.loadAverage[0] - la[0]!)).toBeLessThan(1);
  });

  it('process CPU percent reflects a busy main thread (cross-checked with process.cpuUsage())', async () => {
    await monitor.stop();
    await monitor.start(); // the monitor's window starts here...
    const before = process.cpuUsage(); // ...and the independent one here
    const t0 = process.hrtime.bigint();
    await sleep(100);
    // burn 300 ms of CPU time (not wall time: the machine is shared), at most 5 s
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const u = process.cpuUsage(before);
      if (u.user + u.system > 300_000) break;
      busyLoop(5);
    }
    const s = await monitor.getCurrentStats();
    const used = process.cpuUsage(before);
    const independent = ((used.user + used.system) / Number((process.hrtime.bigint() - t0) / 1000n)) * 100;
    expect(independent).toBeGreaterThan(1);
    expect(Math.abs(s.process.cpuPercent - independent)).toBeLessThan(Math.max(5, independent * 0.25));
  });

  it('host CPU percent is a delta of /proc/stat', async () => {
    const read = () => {
      const f = readFileSync('/proc/stat', 'utf8')
        .split('\n')[0]!
        .trim()
        .split(/\s+/)
        .slice(1, 9)
        .map(Number);
      const total = f.reduce((a, b) => a + b, 0);
      return { busy: total - f[3]! - f[4]!, total };
    };
    await monitor.stop();
    const a = read();
    await monitor.start();
    await sleep(1000);
    const s = await monitor.getCurrentStats();
    const b = read();
    const independent = ((b.busy - a.busy) / (b.total - a.total)) * 100;
    // the two windows differ by a few ms; other processes share the machine
    expect(Math.abs(s.cpu.hostUsagePercent - independent)).toBeLessThan(25);
  });

  it('event-loop delay, utilization and GC come from a blocked, busy, allocating loop', async () => {
    await monitor.stop();
    await monitor.start();
    await sleep(150); // the histogram's first tick after enable() only sets its reference time
    busyLoop(250); // blocks the loop: the delay histogram sees one ~250 ms late tick
    await sleep(50);
    let junk: unknown[] = [];
    for (let i = 0; i < 200; i++) junk.push(new Array(10_000).fill(i));
    junk = [];
    await sleep(100); // GC entries are delivered asynchronously
    const s = await monitor.getCurrentStats();
    expect(junk).toHaveLength(0);
    expect(s.process.eventLoopDelay.max).toBeGreaterThan(150);
    expect(s.process.eventLoopDelay.p99).toBeGreaterThan(100);
    expect(s.process.eventLoopUtilization).toBeGreaterThan(0.3);
    expect(s.process.activeHandles).toBe(process.getActiveResourcesInfo().length);
    // GC entries arrive asynchronously, and on a loaded machine V8 may not have collected yet:
    // keep allocating (bounded) until the monitor has seen a collection
    let gc = s.process.gc;
    for (let round = 0; round < 30 && gc.count === 0; round++) {
      let more: unknown[] = [];
      for (let i = 0; i < 200; i++) more.push(new Array(10_000).fill(i));
      more = [];
      expect(more).toHaveLength(0);
      await sleep(100);
      gc = (await monitor.getCurrentStats()).process.gc;
    }
    expect(gc.count).toBeGreaterThan(0);
    expect(gc.pauseSeconds).toBeGreaterThan(0);
  }, 30_000);
});
