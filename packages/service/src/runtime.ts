import type { MonitoringRuntime } from './types';

// On globalThis under a registered symbol, like @opentelemetry/api's globals: two copies of
// @otelkit/service in one process (an app mixing import and require, or two versions) still
// share one runtime.
const SLOT = Symbol.for('otelkit.service.runtime.v1');

interface Slot {
  runtime: MonitoringRuntime | undefined;
}

function slot(): Slot {
  const g = globalThis as unknown as Record<symbol, Slot | undefined>;
  let s = g[SLOT];
  if (s === undefined) {
    s = { runtime: undefined };
    g[SLOT] = s;
  }
  return s;
}

const current = slot();

/**
 * Installs where decorated methods send their spans, metrics and logs (`undefined` removes it:
 * decorated methods then run bare). `startMonitoring()` and test kits call this; so does an app
 * that builds its OpenTelemetry providers itself instead of calling `startMonitoring()`.
 *
 * @example
 * setMonitoringRuntime({ tracer: trace.getTracer('app'), meter: metrics.getMeter('app'), logger: pino() });
 */
export function setMonitoringRuntime(runtime: MonitoringRuntime | undefined): void {
  current.runtime = runtime;
}

/** The installed runtime, if any. */
export function getMonitoringRuntime(): MonitoringRuntime | undefined {
  return current.runtime;
}
