import type { Meter } from '@opentelemetry/api';
import type { LoggerStats } from './types';

/**
 * Instrument names published by {@link publishLoggerStats}.
 *
 * @example
 * LOG_METRIC_NAMES.dropped; // 'otelkit.logging.lines.dropped'
 */
export const LOG_METRIC_NAMES = {
  dropped: 'otelkit.logging.lines.dropped',
} as const;

/**
 * Publishes the logger's drops as the observable counter `otelkit.logging.lines.dropped`, one
 * series per output type (`output`: `console`, `file`, `elasticsearch`, `otlp`) and `reason`
 * (see {@link LogDropReason}), read lazily at collection time so writing a line pays nothing.
 * A separate call, not a `createLogger` option: the logger exists before the meter (OpenTelemetry's
 * `diag` goes to it while the metrics are built). Returns a function that detaches the callback.
 *
 * @example
 * const logger = createLogger(config.logging);
 * const metrics = createMetrics(config.metrics);
 * publishLoggerStats(metrics.meter, logger);
 */
export function publishLoggerStats(meter: Meter, logger: { stats(): LoggerStats }): () => void {
  const dropped = meter.createObservableCounter(LOG_METRIC_NAMES.dropped, {
    description: 'Log lines an output lost, by output type and reason',
    unit: '{line}',
  });
  const callback = (result: import('@opentelemetry/api').ObservableResult): void => {
    // Two outputs of one type (two files) add up: one series per (output, reason).
    const sums = new Map<string, { output: string; reason: string; n: number }>();
    for (const o of logger.stats().outputs) {
      for (const [reason, n] of Object.entries(o.droppedByReason)) {
        const key = `${o.type}\u0000${reason}`;
        const entry = sums.get(key);
        if (entry) entry.n += n ?? 0;
        else sums.set(key, { output: o.type, reason, n: n ?? 0 });
      }
    }
    for (const { output, reason, n } of sums.values()) result.observe(n, { output, reason });
  };
  dropped.addCallback(callback);
  return () => dropped.removeCallback(callback);
}
