import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import * as os from 'node:os';

/** Cumulative host CPU jiffies: busy and total, from the aggregate `cpu` line of `/proc/stat`. */
export interface HostCpuTimes {
  readonly busy: number;
  readonly total: number;
}

export interface MemInfo {
  readonly total: number;
  readonly available: number;
}

export interface ProcessIo {
  readonly readBytes: number;
  readonly writeBytes: number;
  readonly readCount: number;
  readonly writeCount: number;
}

// One buffer for all reads: procfs files are generated on read, and we only need their head
// (readFileSync would fstat, allocate 64 KiB chunks and read /proc/stat's long `intr` line too).
const BUFFER = Buffer.allocUnsafe(8192);

/** The first `maxBytes` (≤ 8 KiB) of a file as latin1, or null when unreadable. */
export function readText(path: string, maxBytes = 4096): string | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const limit = Math.min(maxBytes, BUFFER.length);
    let length = 0;
    while (length < limit) {
      const n = readSync(fd, BUFFER, length, limit - length, null);
      if (n === 0) break;
      length += n;
    }
    return BUFFER.toString('latin1', 0, length);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `/proc/stat` (Linux) or `os.cpus()` elsewhere. idle + iowait count as not busy. */
export function readHostCpuTimes(procRoot = '/proc'): HostCpuTimes {
  const text = readText(`${procRoot}/stat`, 512);
  if (text !== null && text.startsWith('cpu ')) {
    const end = text.indexOf('\n');
    const f = text
      .slice(4, end < 0 ? undefined : end)
      .trim()
      .split(/\s+/)
      .map(Number);
    // user nice system idle iowait irq softirq steal (guest times are already inside user/nice)
    const total =
      (f[0] ?? 0) +
      (f[1] ?? 0) +
      (f[2] ?? 0) +
      (f[3] ?? 0) +
      (f[4] ?? 0) +
      (f[5] ?? 0) +
      (f[6] ?? 0) +
      (f[7] ?? 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: total - idle, total };
  }
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    total += all;
    busy += all - t.idle;
  }
  return { busy, total };
}

/** `/proc/meminfo` `MemTotal`/`MemAvailable` (bytes), or `os.totalmem()`/`os.freemem()`. */
export function readMemInfo(procRoot = '/proc'): MemInfo {
  const text = readText(`${procRoot}/meminfo`, 512);
  if (text !== null) {
    const total = meminfoField(text, 'MemTotal:');
    const available = meminfoField(text, 'MemAvailable:');
    if (total > 0 && available >= 0) return { total, available };
  }
  return { total: os.totalmem(), available: os.freemem() };
}

function meminfoField(text: string, name: string): number {
  const at = text.indexOf(name);
  if (at < 0) return -1;
  const end = text.indexOf('\n', at);
  const kb = Number.parseInt(text.slice(at + name.length, end < 0 ? undefined : end), 10);
  return Number.isFinite(kb) ? kb * 1024 : -1;
}

/** `Threads:` of `/proc/self/status`; 0 when unavailable. */
export function readThreadCount(procRoot = '/proc'): number {
  const text = readText(`${procRoot}/self/status`, 8192);
  if (text === null) return 0;
  const at = text.indexOf('Threads:');
  if (at < 0) return 0;
  const n = Number.parseInt(text.slice(at + 8, text.indexOf('\n', at)), 10);
  return Number.isFinite(n) ? n : 0;
}

/** `/proc/self/io`; elsewhere `process.resourceUsage()` operation counts and 0 bytes. */
export function readProcessIo(procRoot = '/proc'): ProcessIo {
  const text = readText(`${procRoot}/self/io`, 512);
  if (text !== null) {
    const field = (name: string): number => {
      const at = text.indexOf(`\n${name}:`);
      const start = at < 0 ? (text.startsWith(`${name}:`) ? 0 : -1) : at + 1;
      if (start < 0) return 0;
      const n = Number.parseInt(text.slice(start + name.length + 1, text.indexOf('\n', start + 1)), 10);
      return Number.isFinite(n) ? n : 0;
    };
    return {
      readBytes: field('read_bytes'),
      writeBytes: field('write_bytes'),
      readCount: field('syscr'),
      writeCount: field('syscw'),
    };
  }
  const usage = process.resourceUsage();
  return { readBytes: 0, writeBytes: 0, readCount: usage.fsRead, writeCount: usage.fsWrite };
}

/** Entries of `/proc/self/fd`, not counting the descriptor used to list it; 0 when unavailable. */
export function readOpenFds(procRoot = '/proc'): number {
  try {
    return Math.max(0, readdirSync(`${procRoot}/self/fd`).length - 1);
  } catch {
    return 0;
  }
}
