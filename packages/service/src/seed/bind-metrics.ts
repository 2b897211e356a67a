import type { MetricsHandle } from '@otelkit/metrics';
import { getMonitoring, startMonitoring } from '../start-monitoring';

/**
 * The metrics handle a seed-style instrument records into: the one given, else the running
 * monitoring's (started by `@service({ monitoring })` or `startMonitoring()`), else monitoring
 * started now from the config file and environment, as `startMonitoring()` does. Resolved on the
 * first measurement, not at construction, because `@service` starts monitoring on the first call
 * of a method — after the constructor that creates the instruments.
 */
export function bindMetrics(explicit: MetricsHandle | undefined): () => MetricsHandle {
  let handle = explicit;
  return () => {
    if (handle === undefined) handle = (getMonitoring() ?? startMonitoring()).metrics;
    return handle;
  };
}
