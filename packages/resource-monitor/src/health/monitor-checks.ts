import type { SystemStats } from '../types';
import type { HealthRegistry } from './health-registry';

/** What the built-in checks read from a monitor. */
export interface MonitorCheckSource {
  getLatestStats(): SystemStats | undefined;
  getActiveAlerts(): ReadonlyArray<{ readonly alert: string; readonly level: string }>;
}

export interface MonitorCheckOptions {
  /** @default 1000 */
  readonly maxEventLoopDelayMillis?: number;
  /** @default 95 */
  readonly maxMemoryPercent?: number;
}

/**
 * Registers the monitor's built-in checks: `event_loop` (liveness: p99 event-loop delay of the last
 * interval), `memory` (readiness: memory percent, of the container limit when one is known) and
 * `alerts` (readiness: no critical alert firing). They read the latest sample, so they cost nothing.
 */
export function registerMonitorChecks(
  registry: HealthRegistry,
  source: MonitorCheckSource,
  options: MonitorCheckOptions = {},
): void {
  const maxDelay = options.maxEventLoopDelayMillis ?? 1000;
  const maxMemory = options.maxMemoryPercent ?? 95;
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
      const critical = source.getActiveAlerts().filter((a) => a.level === 'critical');
      return critical.length === 0
        ? { healthy: true }
        : {
            healthy: false,
            message: `critical alerts firing: ${critical.map((a) => a.alert).join(', ')}`.slice(0, 300),
          };
    },
  });
}
