import type { SystemStats } from '../types';
import type { HealthRegistry } from './health-registry';

/** What the built-in checks read from a monitor. */
export interface MonitorCheckSource {
  getLatestStats(): SystemStats | undefined;
  getActiveAlerts(): ReadonlyArray<{
    readonly alert: string;
    readonly level: string;
    readonly metric?: string;
    readonly resourceId?: string;
  }>;
}

export interface MonitorCheckOptions {
  /** @default 1000 */
  readonly maxEventLoopDelayMillis?: number;
  /** @default 95 */
  readonly maxMemoryPercent?: number;
  /** Critical alerts on host-wide figures fail readiness too. @default false */
  readonly hostAlertsAffectReadiness?: boolean;
}

/** Built-in series that describe the host, not this process. */
const HOST_METRICS = new Set([
  'cpu_usage_host',
  'memory_usage_host',
  'memory_host_total',
  'memory_host_available',
  'memory_host_used',
  'load_average_1m',
  'load_average_5m',
  'load_average_15m',
]);

/**
 * Whether an alert is about the host rather than this process: the host series, and `cpu_usage` /
 * `memory_*` when no container limit is known (then they are the host's figures).
 */
export function isHostWideAlert(
  a: { readonly metric?: string; readonly resourceId?: string },
  stats: SystemStats | undefined,
): boolean {
  if (a.resourceId || !a.metric) return false;
  if (HOST_METRICS.has(a.metric)) return true;
  if (a.metric === 'cpu_usage') return !stats || stats.cpu.limitCores === null;
  if (a.metric === 'memory_usage' || a.metric === 'memory_used' || a.metric === 'memory_available')
    return !stats || stats.memory.limit === null;
  return false;
}

/**
 * Registers the monitor's built-in checks: `event_loop` (liveness: p99 event-loop delay of the last
 * interval), `memory` (readiness: memory percent, of the container limit when one is known) and
 * `alerts` (readiness: no critical alert firing, host-wide ones aside unless
 * `hostAlertsAffectReadiness`). They read the latest sample, so they cost nothing.
 */
export function registerMonitorChecks(
  registry: HealthRegistry,
  source: MonitorCheckSource,
  options: MonitorCheckOptions = {},
): void {
  const maxDelay = options.maxEventLoopDelayMillis ?? 1000;
  const maxMemory = options.maxMemoryPercent ?? 95;
  const hostAlerts = options.hostAlertsAffectReadiness ?? false;
  if (!(maxDelay > 0)) throw new Error(`health.maxEventLoopDelayMillis must be > 0, got ${maxDelay}`);
  if (!(maxMemory > 0 && maxMemory <= 100))
    throw new Error(`health.maxMemoryPercent must be in (0, 100], got ${maxMemory}`);
  registry.register({
    name: 'event_loop',
    kinds: ['liveness'],
    check: () => {
      const s = source.getLatestStats();
      if (!s) return { healthy: true, message: 'no sample yet' };
      const p99 = s.process.eventLoopDelay.p99;
      return {
        healthy: p99 <= maxDelay,
        message: `event loop delay p99 ${p99.toFixed(1)} ms (max ${maxDelay} ms)`,
        details: { p99Millis: p99, maxMillis: maxDelay },
      };
    },
  });
  registry.register({
    name: 'memory',
    kinds: ['readiness'],
    check: () => {
      const s = source.getLatestStats();
      if (!s) return { healthy: true, message: 'no sample yet' };
      const view = s.memory.limit !== null ? 'container limit' : 'host';
      return {
        healthy: s.memory.percent <= maxMemory,
        message: `memory ${s.memory.percent.toFixed(1)} % of ${view} (max ${maxMemory} %)`,
        details: { percent: s.memory.percent, maxPercent: maxMemory, view },
      };
    },
  });
  registry.register({
    name: 'alerts',
    kinds: ['readiness'],
    check: () => {
      const stats = source.getLatestStats();
      const all = source.getActiveAlerts().filter((a) => a.level === 'critical');
      // a busy host is a warning for the operator, not this process being unready
      const host = hostAlerts ? [] : all.filter((a) => isHostWideAlert(a, stats));
      const critical = all.filter((a) => !host.includes(a));
      if (critical.length > 0)
        return {
          healthy: false,
          message: `critical alerts firing: ${critical.map((a) => a.alert).join(', ')}`.slice(0, 300),
        };
      return host.length === 0
        ? { healthy: true }
        : {
            healthy: true,
            message:
              `host-wide critical alerts (not a readiness failure; health.hostAlertsAffectReadiness): ${host.map((a) => a.alert).join(', ')}`.slice(
                0,
                300,
              ),
          };
    },
  });
}
