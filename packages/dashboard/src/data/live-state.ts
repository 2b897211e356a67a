/**
 * The non-metric parts of a frame, read from what the monitoring already keeps: the resource
 * monitor's latest sample (its own sampler; the dashboard adds none), the resource manager's last
 * values, active and past alerts, and the health registry (the same checks `/health/*` runs,
 * cached by the registry).
 */
import { getHeapStatistics } from 'node:v8';
import type { SystemStats } from '@otelkit/resource-monitor';
import type { DashboardSource } from '../types';

export interface RuntimeView {
  readonly t: number;
  /** Where the numbers come from: the monitor's sample, or `process` when the monitor is off. */
  readonly source: 'monitor' | 'process';
  readonly cpu: {
    readonly process: number | null;
    readonly host: number | null;
    readonly limitCores: number | null;
    readonly load1: number | null;
  };
  readonly memory: {
    readonly rss: number;
    readonly heapUsed: number;
    readonly heapTotal: number;
    readonly heapLimit: number;
    readonly external: number;
    readonly hostPercent: number | null;
    readonly limit: number | null;
  };
  readonly eventLoop: {
    readonly p50: number | null;
    readonly p99: number | null;
    readonly max: number | null;
    readonly utilization: number | null;
  };
  /** Percent of wall time spent in GC since the previous frame (null on the first). */
  readonly gcPercent: number | null;
  readonly gcCount: number | null;
  readonly handles: number | null;
  readonly fds: number | null;
  readonly uptimeSeconds: number;
}

export interface ResourceView {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly category?: string;
  /** Latest value per metric (`size`, `in_use`, `idle`, `waiting`, `usage`, …). */
  readonly values: Readonly<Record<string, number>>;
  /** The worst active alert level on this resource. */
  readonly level: 'ok' | 'warning' | 'critical';
}

export interface AlertView {
  readonly alert: string;
  readonly level: string;
  readonly state?: string;
  readonly metric?: string;
  readonly resourceId?: string;
  readonly value: number;
  readonly threshold: number;
  readonly since: number;
  readonly timestamp?: number;
  readonly message?: string;
  /** The rule's or threshold's `for`, in ms, when known. */
  readonly forMillis?: number;
}

export interface HealthView {
  readonly live: 'pass' | 'warn' | 'fail';
  readonly ready: 'pass' | 'warn' | 'fail';
  readonly checks: ReadonlyArray<{
    readonly name: string;
    readonly kinds: readonly string[];
    readonly status: string;
    readonly durationMillis: number;
    readonly message?: string;
    readonly checkedAt: number;
  }>;
}

/** What the runtime view remembers between frames (per dashboard). */
export interface RuntimeMemo {
  gc?: { t: number; pause: number };
  /** Timestamp of the latest sample shown. */
  shown?: number;
}

export function runtimeView(source: DashboardSource, now: number, memo: RuntimeMemo): RuntimeView {
  const s = source.monitor.getLatestStats();
  const heap = getHeapStatistics();
  const uptimeSeconds = process.uptime();
  if (s === undefined) {
    const m = process.memoryUsage();
    return {
      t: now,
      source: 'process',
      cpu: { process: null, host: null, limitCores: null, load1: null },
      memory: {
        rss: m.rss,
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        heapLimit: heap.heap_size_limit,
        external: m.external,
        hostPercent: null,
        limit: null,
      },
      eventLoop: { p50: null, p99: null, max: null, utilization: null },
      gcPercent: null,
      gcCount: null,
      handles: null,
      fds: null,
      uptimeSeconds,
    };
  }
  const p = s.process;
  let gcPercent: number | null = null;
  const pause = p.gc.pauseSeconds;
  const last = memo.gc;
  if (last !== undefined && s.timestampMillis > last.t) {
    gcPercent = Math.max(0, ((pause - last.pause) * 1000 * 100) / (s.timestampMillis - last.t));
  }
  if (last === undefined || s.timestampMillis > last.t) memo.gc = { t: s.timestampMillis, pause };
  return {
    t: s.timestampMillis,
    source: 'monitor',
    cpu: {
      process: p.cpuPercent,
      host: s.cpu.hostUsagePercent,
      limitCores: s.cpu.limitCores,
      load1: s.cpu.loadAverage[0],
    },
    memory: {
      rss: p.rss,
      heapUsed: p.heapUsed,
      heapTotal: p.heapTotal,
      heapLimit: heap.heap_size_limit,
      external: p.external,
      hostPercent: s.memory.percent,
      limit: s.memory.limit,
    },
    eventLoop: worstLoop(source, s, memo),
    gcPercent,
    gcCount: p.gc.count,
    handles: p.activeHandles,
    fds: p.openFds,
    uptimeSeconds,
  };
}

/**
 * The monitor may sample faster than the 1 Hz frames: a 500 ms stall seen by one sample must not
 * vanish because a later sample is the latest. The frame shows the worst event-loop delay of the
 * samples taken since the previous frame.
 */
function worstLoop(
  source: DashboardSource,
  latest: SystemStats,
  memo: RuntimeMemo,
): RuntimeView['eventLoop'] {
  const since = memo.shown;
  memo.shown = latest.timestampMillis;
  let { p50, p99, max } = latest.process.eventLoopDelay;
  let utilization = latest.process.eventLoopUtilization;
  if (since !== undefined && since < latest.timestampMillis) {
    for (const s of source.monitor.getHistory({ since: since + 1 })) {
      const d = s.process.eventLoopDelay;
      if (d.p99 > p99) p99 = d.p99;
      if (d.max > max) max = d.max;
      if (d.p50 > p50) p50 = d.p50;
      if (s.process.eventLoopUtilization > utilization) utilization = s.process.eventLoopUtilization;
    }
  }
  return { p50, p99, max, utilization };
}

/** CPU, RSS and event-loop p99 from the monitor's history (the runtime charts' backfill). */
export function runtimeHistory(
  source: DashboardSource,
  since: number,
): Array<[number, number, number, number]> {
  const h = source.monitor.getHistory({ since });
  const step = Math.max(1, Math.ceil(h.length / 180));
  const out: Array<[number, number, number, number]> = [];
  for (let i = 0; i < h.length; i += step) {
    const s = h[i]!;
    out.push([s.timestampMillis, s.process.cpuPercent, s.process.rss, s.process.eventLoopDelay.p99]);
  }
  return out;
}

export function resourcesView(source: DashboardSource): ResourceView[] {
  const rm = source.resources;
  if (rm === undefined) return [];
  const active = source.monitor.getActiveAlerts();
  return rm
    .getResources()
    .slice(0, 100)
    .map((r) => {
      const values: Record<string, number> = {};
      for (const v of rm.getValues({ resourceId: r.id })) {
        if (Object.keys(v.labels).length === 0 || values[v.metric] === undefined) values[v.metric] = v.value;
      }
      const levels = active.filter((a) => a.resourceId === r.id).map((a) => a.level);
      return {
        id: r.id,
        type: r.type,
        name: r.name ?? r.id,
        ...(r.category ? { category: r.category } : {}),
        values,
        level: levels.includes('critical') ? 'critical' : levels.includes('warning') ? 'warning' : 'ok',
      };
    });
}

function forOf(source: DashboardSource, alert: string, metric: string | undefined): number | undefined {
  const rule = source.monitor.getAlertRules().find((r) => r.name === alert);
  if (rule) return (rule as { forMillis?: number }).forMillis;
  const t = source.monitor.getThresholds().find((x) => x.metric === metric);
  return t ? (t as { forMillis?: number }).forMillis : undefined;
}

export function alertsView(source: DashboardSource): { active: AlertView[]; history: AlertView[] } {
  const active = source.monitor.getActiveAlerts().map((a): AlertView => {
    const forMillis = forOf(source, a.alert, a.metric);
    return {
      alert: a.alert,
      level: a.level,
      metric: a.metric,
      ...(a.resourceId ? { resourceId: a.resourceId } : {}),
      value: a.value,
      threshold: a.threshold,
      since: a.since,
      ...(forMillis !== undefined ? { forMillis } : {}),
    };
  });
  const history = source.monitor
    .getAlertHistory()
    .slice(-20)
    .reverse()
    .map(
      (e): AlertView => ({
        alert: e.alert,
        level: e.level,
        state: e.state,
        ...(e.metric ? { metric: e.metric } : {}),
        ...(e.resourceId ? { resourceId: e.resourceId } : {}),
        value: e.value,
        threshold: e.threshold,
        since: e.since,
        timestamp: e.timestamp,
        message: e.message,
      }),
    );
  return { active, history };
}

export async function healthView(source: DashboardSource): Promise<HealthView> {
  const [live, ready] = await Promise.all([
    source.health.check('liveness'),
    source.health.check('readiness'),
  ]);
  const byName = new Map<string, HealthView['checks'][number]>();
  for (const c of [...live.checks, ...ready.checks]) {
    byName.set(c.name, {
      name: c.name,
      kinds: [...c.kinds],
      status: c.status,
      durationMillis: c.durationMillis,
      ...(c.message ? { message: c.message } : {}),
      checkedAt: c.checkedAt,
    });
  }
  return { live: live.status, ready: ready.status, checks: [...byName.values()].slice(0, 100) };
}
