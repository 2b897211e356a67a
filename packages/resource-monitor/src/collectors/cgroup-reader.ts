import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readText } from './proc-readers';

/** Raw cgroup counters at one instant. */
export interface CgroupSnapshot {
  readonly version: 'v1' | 'v2';
  /** CPU quota in cores, `null` when unlimited. */
  readonly cpuLimitCores: number | null;
  /** Cumulative CPU time of the cgroup in microseconds, `null` when unreadable. */
  readonly cpuUsageMicros: number | null;
  /** Memory limit in bytes, `null` when unlimited. */
  readonly memoryLimit: number | null;
  /** Working set (usage minus inactive file cache, as `docker stats` and the kubelet count it). */
  readonly memoryWorkingSet: number | null;
}

interface Limits {
  readonly cpuLimitCores: number | null;
  readonly memoryLimit: number | null;
}

// cgroup v1 writes "no limit" as the largest page-aligned int64.
const V1_UNLIMITED = 2 ** 62;

function read(path: string): string | null {
  return readText(path, 8192);
}

/** Limits are re-read this often (they change rarely, e.g. a Kubernetes in-place resize). */
const LIMITS_TTL_MILLIS = 30_000;

function readNumber(path: string): number | null {
  const text = read(path);
  if (text === null) return null;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : null;
}

function statField(text: string | null, field: string): number | null {
  if (text === null) return null;
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0 && line.slice(0, space) === field) {
      const n = Number(line.slice(space + 1));
      return Number.isFinite(n) ? n : null;
    }
  }
  return null;
}

/**
 * Finds this process' cgroup (v2 unified, or v1 `cpu`/`cpuacct`/`memory` controllers) and reads
 * its limits and usage. Paths come from `/proc/self/cgroup`; when that directory is not visible
 * (a container without its own cgroup namespace mount) the controller root is used, which is what
 * the container sees as its own cgroup.
 */
export class CgroupReader {
  readonly version: 'v1' | 'v2' | null;
  private readonly _dirs: { cpu?: string; cpuacct?: string; memory?: string; unified?: string } = {};
  private _limits: Limits | undefined;
  private _limitsAt = 0;

  /**
   * @param root where cgroup file systems are mounted, usually `/sys/fs/cgroup`
   * @param selfCgroup content of `/proc/self/cgroup`
   */
  constructor(root: string, selfCgroup: string | null) {
    const lines = (selfCgroup ?? '').split('\n').filter(Boolean);
    const pathFor = (controller: string): string | undefined => {
      for (const line of lines) {
        const parts = splitLine(line);
        if (!parts) continue;
        const [, controllers, path] = parts;
        if (controller === '' ? controllers === '' : controllers.split(',').includes(controller)) return path;
      }
      return undefined;
    };
    const pick = (base: string, path: string | undefined): string | undefined => {
      if (!existsSync(base)) return undefined;
      if (path && path !== '/' && existsSync(join(base, path))) return join(base, path);
      return base;
    };

    if (existsSync(join(root, 'cgroup.controllers'))) {
      this.version = 'v2';
      this._dirs.unified = pick(root, pathFor(''));
      return;
    }
    const cpu = pick(join(root, 'cpu'), pathFor('cpu')) ?? pick(join(root, 'cpu,cpuacct'), pathFor('cpu'));
    const cpuacct =
      pick(join(root, 'cpuacct'), pathFor('cpuacct')) ?? pick(join(root, 'cpu,cpuacct'), pathFor('cpuacct'));
    const memory = pick(join(root, 'memory'), pathFor('memory'));
    if (cpu || cpuacct || memory) {
      this.version = 'v1';
      this._dirs.cpu = cpu;
      this._dirs.cpuacct = cpuacct;
      this._dirs.memory = memory;
    } else {
      this.version = null;
    }
  }

  /**
   * Reads the current counters; `null` when no cgroup was found. Never throws. Limits are cached
   * for 30 s; usage is only read for a resource that has a limit (it feeds the limit view only).
   */
  read(hostMemoryTotal: number, now = Date.now()): CgroupSnapshot | null {
    if (this.version === null) return null;
    if (!this._limits || now - this._limitsAt >= LIMITS_TTL_MILLIS) {
      this._limits =
        this.version === 'v2' ? this._limitsV2(hostMemoryTotal) : this._limitsV1(hostMemoryTotal);
      this._limitsAt = now;
    }
    const { cpuLimitCores, memoryLimit } = this._limits;
    let cpuUsageMicros: number | null = null;
    let memoryWorkingSet: number | null = null;
    if (this.version === 'v2') {
      const dir = this._dirs.unified as string;
      if (cpuLimitCores !== null) cpuUsageMicros = statField(read(join(dir, 'cpu.stat')), 'usage_usec');
      if (memoryLimit !== null) {
        const current = readNumber(join(dir, 'memory.current'));
        const inactive = statField(read(join(dir, 'memory.stat')), 'inactive_file') ?? 0;
        memoryWorkingSet = current === null ? null : Math.max(0, current - inactive);
      }
    } else {
      const acct = this._dirs.cpuacct ?? this._dirs.cpu;
      if (cpuLimitCores !== null && acct) {
        const nanos = readNumber(join(acct, 'cpuacct.usage'));
        if (nanos !== null) cpuUsageMicros = nanos / 1000;
      }
      if (memoryLimit !== null && this._dirs.memory) {
        const usage = readNumber(join(this._dirs.memory, 'memory.usage_in_bytes'));
        const inactive = statField(read(join(this._dirs.memory, 'memory.stat')), 'total_inactive_file') ?? 0;
        if (usage !== null) memoryWorkingSet = Math.max(0, usage - inactive);
      }
    }
    return { version: this.version, cpuLimitCores, cpuUsageMicros, memoryLimit, memoryWorkingSet };
  }

  private _limitsV2(hostMemoryTotal: number): Limits {
    const dir = this._dirs.unified as string;
    let cpuLimitCores: number | null = null;
    const cpuMax = read(join(dir, 'cpu.max'));
    if (cpuMax) {
      const [quota, period] = cpuMax.trim().split(/\s+/);
      const q = Number(quota);
      const p = Number(period ?? 100000);
      if (quota !== 'max' && q > 0 && p > 0) cpuLimitCores = q / p;
    }
    const maxText = read(join(dir, 'memory.max'))?.trim();
    let memoryLimit: number | null = null;
    if (maxText && maxText !== 'max') {
      const n = Number(maxText);
      if (Number.isFinite(n) && n > 0 && n < hostMemoryTotal) memoryLimit = n;
    }
    return { cpuLimitCores, memoryLimit };
  }

  private _limitsV1(hostMemoryTotal: number): Limits {
    let cpuLimitCores: number | null = null;
    if (this._dirs.cpu) {
      const quota = readNumber(join(this._dirs.cpu, 'cpu.cfs_quota_us'));
      const period = readNumber(join(this._dirs.cpu, 'cpu.cfs_period_us'));
      if (quota !== null && period !== null && quota > 0 && period > 0) cpuLimitCores = quota / period;
    }
    let memoryLimit: number | null = null;
    if (this._dirs.memory) {
      const limit = readNumber(join(this._dirs.memory, 'memory.limit_in_bytes'));
      if (limit !== null && limit > 0 && limit < V1_UNLIMITED && limit < hostMemoryTotal) memoryLimit = limit;
    }
    return { cpuLimitCores, memoryLimit };
  }
}

function splitLine(line: string): [string, string, string] | null {
  const a = line.indexOf(':');
  const b = a < 0 ? -1 : line.indexOf(':', a + 1);
  if (b < 0) return null;
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1)];
}
