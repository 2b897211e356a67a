import type { SystemStats } from '../types';

/**
 * The flat names under which sampled stats are kept in history and matched by thresholds and
 * alert rules (`setThreshold('cpu_usage', 80)`). Order is the column order of the history store.
 */
export const BUILTIN_METRICS = [
  'cpu_usage',
  'cpu_usage_host',
  'load_average_1m',
  'load_average_5m',
  'load_average_15m',
  'thread_count',
  'cpu_limit_cores',
  'memory_total',
  'memory_available',
  'memory_used',
  'memory_usage',
  'memory_host_total',
  'memory_host_available',
  'memory_host_used',
  'memory_usage_host',
  'memory_limit',
  'io_read_bytes',
  'io_write_bytes',
  'io_read_count',
  'io_write_count',
  'process_cpu_usage',
  'process_rss',
  'heap_used',
  'heap_total',
  'external_memory',
  'event_loop_delay_p50_ms',
  'event_loop_delay_p99_ms',
  'event_loop_delay_max_ms',
  'event_loop_utilization',
  'gc_count',
  'gc_pause_seconds',
  'open_fds',
  'active_handles',
  'cgroup_version',
] as const;

export type BuiltinMetric = (typeof BUILTIN_METRICS)[number];

export const BUILTIN_INDEX: ReadonlyMap<string, number> = new Map(
  BUILTIN_METRICS.map((name, i) => [name, i]),
);

const nullable = (n: number | null) => (n === null ? Number.NaN : n);
const fromNullable = (n: number) => (Number.isNaN(n) ? null : n);

/** Writes `stats` into `out` in {@link BUILTIN_METRICS} order (`null` becomes NaN). */
export function flattenStats(s: SystemStats, out: Float64Array, offset = 0): void {
  const p = s.process;
  const values = [
    s.cpu.usagePercent,
    s.cpu.hostUsagePercent,
    s.cpu.loadAverage[0],
    s.cpu.loadAverage[1],
    s.cpu.loadAverage[2],
    s.cpu.threadCount,
    nullable(s.cpu.limitCores),
    s.memory.total,
    s.memory.available,
    s.memory.used,
    s.memory.percent,
    s.memory.host.total,
    s.memory.host.available,
    s.memory.host.used,
    s.memory.host.percent,
    nullable(s.memory.limit),
    s.io.readBytes,
    s.io.writeBytes,
    s.io.readCount,
    s.io.writeCount,
    p.cpuPercent,
    p.rss,
    p.heapUsed,
    p.heapTotal,
    p.external,
    p.eventLoopDelay.p50,
    p.eventLoopDelay.p99,
    p.eventLoopDelay.max,
    p.eventLoopUtilization,
    p.gc.count,
    p.gc.pauseSeconds,
    p.openFds,
    p.activeHandles,
    s.container.cgroup === 'v2' ? 2 : s.container.cgroup === 'v1' ? 1 : 0,
  ];
  for (let i = 0; i < values.length; i++) out[offset + i] = values[i] as number;
}

/** Inverse of {@link flattenStats}. */
export function unflattenStats(timestamp: number, v: Float64Array, o = 0): SystemStats {
  const cg = v[o + 33];
  return {
    timestampMillis: timestamp,
    cpu: {
      usagePercent: v[o]!,
      hostUsagePercent: v[o + 1]!,
      loadAverage: [v[o + 2]!, v[o + 3]!, v[o + 4]!],
      threadCount: v[o + 5]!,
      limitCores: fromNullable(v[o + 6]!),
    },
    memory: {
      total: v[o + 7]!,
      available: v[o + 8]!,
      used: v[o + 9]!,
      percent: v[o + 10]!,
      host: { total: v[o + 11]!, available: v[o + 12]!, used: v[o + 13]!, percent: v[o + 14]! },
      limit: fromNullable(v[o + 15]!),
    },
    io: { readBytes: v[o + 16]!, writeBytes: v[o + 17]!, readCount: v[o + 18]!, writeCount: v[o + 19]! },
    process: {
      cpuPercent: v[o + 20]!,
      rss: v[o + 21]!,
      heapUsed: v[o + 22]!,
      heapTotal: v[o + 23]!,
      external: v[o + 24]!,
      eventLoopDelay: { p50: v[o + 25]!, p99: v[o + 26]!, max: v[o + 27]! },
      eventLoopUtilization: v[o + 28]!,
      gc: { count: v[o + 29]!, pauseSeconds: v[o + 30]! },
      openFds: v[o + 31]!,
      activeHandles: v[o + 32]!,
    },
    container: { cgroup: cg === 2 ? 'v2' : cg === 1 ? 'v1' : null },
  };
}
