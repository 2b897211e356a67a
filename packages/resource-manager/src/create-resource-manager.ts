import { diag, type Meter } from '@opentelemetry/api';
import { checkOptionKeys, normalizePools, type PoolsConfig, type PoolsInput } from '@otelkit/config';
import type { HealthRegistry, ResourceMonitor } from '@otelkit/resource-monitor';
import { AnomalyDetector } from './anomaly/anomaly-detector';
import type { DiscoveryOptions } from './discovery/resource-discovery';
import { ResourceHealthAdapter } from './health/resource-health-adapter';
import { registerBuiltinKinds } from './kinds/register-builtin-kinds';
import { ResourceManager } from './resource-manager';

/** What {@link createResourceManager} needs besides the slice: where values, alerts and health go. */
export interface CreateResourceManagerOptions {
  /**
   * The monitor whose alert engine, history and webhooks the per-resource thresholds use
   * (`startMonitoring` passes its own). @default a private monitor, never started
   */
  readonly monitor?: ResourceMonitor;
  /** Where the `otelkit.resource.*` instruments go. @default the global meter */
  readonly meter?: Meter;
  /** Registry the per-resource checks go to when the slice's `health` is on. @default `monitor.health` */
  readonly health?: HealthRegistry;
  /** Driver modules for discovery when they are not resolvable from this package. */
  readonly discoveryModules?: DiscoveryOptions['modules'];
  /** Budget of `shutdown()`. @default 5000 */
  readonly shutdownTimeoutMillis?: number;
}

/**
 * A {@link ResourceManager} from the config's `pools` slice (or the same options written by hand:
 * they go through `normalizePools`, so unknown keys and bad values fail with the config's error
 * text): the built-in kinds of `kinds` registered, per-resource `thresholds` set, the anomaly
 * detector watching `anomalyDetection.watch`, every resource's health feeding readiness, and
 * discovery hooking the chosen libraries now (so pools the app creates from here on register
 * themselves). Call `start()` to collect, `shutdown()` to undo all of it.
 *
 * @example
 * const manager = createResourceManager(
 *   { interval: '10s', discovery: ['database'], thresholds: [{ resourceId: 'pg-1', metric: 'connection_pool_usage', warning: 0.8 }] },
 *   { monitor, meter },
 * );
 * await manager.start();
 */
const CREATE_OPTION_KEYS = [
  'monitor',
  'meter',
  'health',
  'discoveryModules',
  'shutdownTimeoutMillis',
] as const satisfies readonly (keyof CreateResourceManagerOptions)[];
// Compile-time: the list names every option (a new one that is not listed fails the build).
const _create_keys_complete: [
  Exclude<keyof CreateResourceManagerOptions, (typeof CREATE_OPTION_KEYS)[number]>,
] extends [never]
  ? true
  : never = true;
void _create_keys_complete;

export function createResourceManager(
  slice: PoolsConfig | PoolsInput = {},
  options: CreateResourceManagerOptions = {},
): ResourceManager {
  checkOptionKeys(options, CREATE_OPTION_KEYS, 'createResourceManager: options');
  const pools = normalizePools(slice);
  const manager = new ResourceManager({
    ...(options.monitor ? { monitor: options.monitor } : {}),
    ...(options.meter ? { meter: options.meter } : {}),
    intervalMillis: pools.intervalMillis,
    collectTimeoutMillis: pools.collectTimeoutMillis,
    maxResources: pools.maxResources,
    maxSeriesPerMetric: pools.maxSeriesPerMetric,
    historySize: pools.historySize,
    reportWindowMillis: pools.reportWindowMillis,
    ...(options.shutdownTimeoutMillis !== undefined
      ? { shutdownTimeoutMillis: options.shutdownTimeoutMillis }
      : {}),
  });
  registerBuiltinKinds(manager, pools.kinds);
  for (const t of pools.thresholds) {
    manager.monitor.setThreshold({
      resourceId: t.resourceId,
      metric: t.metric,
      direction: t.direction,
      forMillis: t.forMillis,
      hysteresis: t.hysteresis,
      ...(t.warning !== undefined ? { warning: t.warning } : {}),
      ...(t.critical !== undefined ? { critical: t.critical } : {}),
      ...(t.message !== undefined ? { message: t.message } : {}),
    });
  }
  const a = pools.anomalyDetection;
  if (a.enabled) {
    const { enabled: _enabled, watch, ...detectorOptions } = a;
    manager.setAnomalyDetector(new AnomalyDetector(detectorOptions));
    for (const w of watch) {
      manager.configureAnomalyDetection({
        resourceId: w.resourceId,
        metric: w.metric,
        trainingPeriod: w.trainingPeriodMillis,
        ...(w.sensitivity !== undefined ? { sensitivity: w.sensitivity } : {}),
        ...(w.seasonLength !== undefined ? { seasonLength: w.seasonLength } : {}),
      });
    }
  }
  const registry = options.health ?? manager.monitor.health;
  if (pools.health && registry) {
    const adapter = new ResourceHealthAdapter(manager, registry);
    manager.closeOnShutdown(() => adapter.close());
  }
  if (pools.discovery.enabled) {
    const modules = options.discoveryModules ? { modules: options.discoveryModules } : {};
    for (const kind of pools.discovery.kinds) {
      try {
        manager.discoverResources(kind, modules);
      } catch (err) {
        diag.warn(
          `@otelkit/resource-manager: discovery of ${kind} could not start: ${(err as Error).message}`,
        );
      }
    }
  }
  return manager;
}
