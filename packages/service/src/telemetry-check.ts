import type { LoggerStats } from '@otelkit/logging';
import type { MetricsStats } from '@otelkit/metrics';
import type { HealthCheckResult } from '@otelkit/resource-monitor';
import type { TracingStats } from '@otelkit/tracing';

/** A signal counts as degraded this long after its last new drop or failed export. */
export const TELEMETRY_DEGRADED_WINDOW_MILLIS = 60_000;

interface Sources {
  tracing: { stats(): TracingStats };
  metrics: { stats(): MetricsStats };
  logger: { stats(): LoggerStats };
}

type Signal = 'traces' | 'metrics' | 'logs';

/**
 * The `telemetry` health check: passes degraded (`warn`, HTTP 200 — never a liveness or readiness
 * failure: the app still serves while its telemetry pipes are down) when spans, log lines or metric
 * exports were dropped or failed within the last {@link TELEMETRY_DEGRADED_WINDOW_MILLIS}. The
 * answer names the signals only; the causes are in the logs and in the drop metrics
 * (`otelkit.tracing.spans.dropped`, `otelkit.logging.lines.dropped`, `otelkit.metrics.exports`).
 */
export function telemetryCheck(sources: Sources, now: () => number = Date.now): () => HealthCheckResult {
  const totals = (): Record<Signal, number> => {
    const t = sources.tracing.stats();
    return {
      traces: t.dropped + t.failed,
      metrics: sources.metrics.stats().exports.failed,
      logs: sources.logger.stats().dropped,
    };
  };
  let last = totals();
  const lastIncrease: Record<Signal, number> = { traces: -Infinity, metrics: -Infinity, logs: -Infinity };
  return () => {
    const current = totals();
    const at = now();
    const degraded: Signal[] = [];
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      if (current[signal] > last[signal]) lastIncrease[signal] = at;
      if (at - lastIncrease[signal] < TELEMETRY_DEGRADED_WINDOW_MILLIS) degraded.push(signal);
    }
    last = current;
    if (degraded.length === 0) return { healthy: true };
    return {
      healthy: true,
      degraded: true,
      message: `telemetry degraded: ${degraded.join(', ')} dropped or failed to export`,
      details: Object.fromEntries(degraded.map((s) => [s, 'degraded'])),
    };
  };
}
