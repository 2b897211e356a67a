import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import type { SystemStats } from '../types';
import { CgroupReader } from './cgroup-reader';
import {
  type HostCpuTimes,
  readHostCpuTimes,
  readMemInfo,
  readOpenFds,
  readProcessIo,
  readThreadCount,
} from './proc-readers';
import { RuntimeCollector } from './runtime-collector';

interface Baseline {
  readonly timeMicros: number;
  readonly hostCpu: HostCpuTimes;
  readonly processCpu: NodeJS.CpuUsage;
  readonly cgroupCpuMicros: number | null;
}

export interface SystemCollectorOptions {
  readonly containerAware: boolean;
  readonly cgroupRoot: string;
  readonly procRoot?: string;
  /** @default 50 */
  readonly eventLoopResolutionMillis?: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const clampPercent = (n: number) => (Number.isFinite(n) ? Math.min(100, Math.max(0, n)) : 0);

function nowMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Reads one {@link SystemStats}; percentages are deltas against the last committed sample. */
export class SystemCollector {
  readonly runtime: RuntimeCollector;
  readonly cgroup: CgroupReader | null;
  private readonly _procRoot: string;
  private _baseline: Baseline;
  private _latest: SystemStats | undefined;

  constructor(options: SystemCollectorOptions) {
    this._procRoot = options.procRoot ?? '/proc';
    this.runtime = new RuntimeCollector(options.eventLoopResolutionMillis ?? 50);
    let cgroup: CgroupReader | null = null;
    if (options.containerAware) {
      let self: string | null = null;
      try {
        self = readFileSync(`${this._procRoot}/self/cgroup`, 'utf8');
      } catch {
        self = null;
      }
      cgroup = new CgroupReader(options.cgroupRoot, self);
      if (cgroup.version === null) cgroup = null;
    }
    this.cgroup = cgroup;
    this._baseline = this._readBaseline(readMemInfo(this._procRoot).total);
  }

  /** Starts a new measuring window now (used by `start()`), without producing a sample. */
  resetBaseline(): void {
    this._baseline = this._readBaseline(readMemInfo(this._procRoot).total);
    this.runtime.reset();
  }

  /** Milliseconds since the current measuring window began. */
  get windowMillis(): number {
    return (nowMicros() - this._baseline.timeMicros) / 1000;
  }

  get latest(): SystemStats | undefined {
    return this._latest;
  }

  private _readBaseline(hostMemTotal: number): Baseline {
    return {
      timeMicros: nowMicros(),
      hostCpu: readHostCpuTimes(this._procRoot),
      processCpu: process.cpuUsage(),
      cgroupCpuMicros: this.cgroup?.read(hostMemTotal)?.cpuUsageMicros ?? null,
    };
  }

  /**
   * Takes a sample. `commit` makes it the new baseline for CPU deltas and starts a new event-loop
   * interval (the sampling tick does this); an on-demand read leaves the tick's baseline alone.
   */
  sample(commit: boolean): SystemStats {
    const timestamp = Date.now();
    const timeMicros = nowMicros();
    const procRoot = this._procRoot;
    const hostCpu = readHostCpuTimes(procRoot);
    const processCpu = process.cpuUsage();
    const mem = readMemInfo(procRoot);
    const cg = this.cgroup?.read(mem.total) ?? null;
    const base = this._baseline;

    const elapsedMicros = Math.max(1, timeMicros - base.timeMicros);
    const dTotal = hostCpu.total - base.hostCpu.total;
    const hostUsagePercent =
      dTotal > 0 ? clampPercent(((hostCpu.busy - base.hostCpu.busy) / dTotal) * 100) : 0;
    const procMicros = processCpu.user - base.processCpu.user + (processCpu.system - base.processCpu.system);
    const cpuPercent = Math.max(0, (procMicros / elapsedMicros) * 100);

    const limitCores = cg?.cpuLimitCores ?? null;
    let usagePercent = hostUsagePercent;
    if (limitCores !== null && cg?.cpuUsageMicros != null && base.cgroupCpuMicros !== null) {
      usagePercent = clampPercent(
        ((cg.cpuUsageMicros - base.cgroupCpuMicros) / (elapsedMicros * limitCores)) * 100,
      );
    }

    const hostUsed = mem.total - mem.available;
    const host = {
      total: mem.total,
      available: mem.available,
      used: hostUsed,
      percent: round2((hostUsed / mem.total) * 100),
    };
    const memLimit = cg?.memoryLimit ?? null;
    let memory: SystemStats['memory'] = { ...host, host, limit: memLimit };
    if (memLimit !== null && cg?.memoryWorkingSet != null) {
      const used = Math.min(cg.memoryWorkingSet, memLimit);
      memory = {
        total: memLimit,
        available: memLimit - used,
        used,
        percent: round2((used / memLimit) * 100),
        host,
        limit: memLimit,
      };
    }

    const mu = process.memoryUsage();
    const la = os.loadavg();
    const stats: SystemStats = {
      timestampMillis: timestamp,
      cpu: {
        usagePercent: round2(usagePercent),
        hostUsagePercent: round2(hostUsagePercent),
        loadAverage: [la[0] ?? 0, la[1] ?? 0, la[2] ?? 0],
        threadCount: readThreadCount(procRoot),
        limitCores,
      },
      memory,
      io: readProcessIo(procRoot),
      process: {
        cpuPercent: round2(cpuPercent),
        rss: mu.rss,
        heapUsed: mu.heapUsed,
        heapTotal: mu.heapTotal,
        external: mu.external,
        eventLoopDelay: this.runtime.eventLoopDelay(),
        eventLoopUtilization: Math.round(this.runtime.eventLoopUtilization() * 1e4) / 1e4,
        gc: { count: this.runtime.gcCount, pauseSeconds: this.runtime.gcPauseSeconds },
        openFds: readOpenFds(procRoot),
        activeHandles: process.getActiveResourcesInfo().length,
      },
      container: { cgroup: cg?.version ?? null },
    };

    if (commit) {
      this._baseline = { timeMicros, hostCpu, processCpu, cgroupCpuMicros: cg?.cpuUsageMicros ?? null };
      this.runtime.reset();
      this._latest = stats;
    }
    return stats;
  }
}
