import type { Meter, MeterProvider } from '@opentelemetry/api';
import { type AlertsConfig, checkOptionKeys, type HealthConfig, type ResourcesConfig } from '@otelkit/config';
import { ResourceMonitor } from './resource-monitor';
import type { MonitorLogger, ResourceMonitorOptions } from './types';

/** The slices of the normalised config the monitor reads. */
export interface ResourceMonitorConfig {
  readonly resources: ResourcesConfig;
  readonly alerts?: AlertsConfig;
  readonly health?: HealthConfig;
  /** Its `timeoutMillis` is the monitor's shutdown budget. */
  readonly shutdown?: { readonly timeoutMillis: number };
  /** Its `exportIntervalMillis` is the monitor's `exportWindowMillis` (unless `options.monitor` sets one). */
  readonly metrics?: { readonly exportIntervalMillis: number };
}

export interface CreateResourceMonitorOptions {
  /** Publish host, runtime and alert-state metrics on this provider (preferred)... */
  readonly meterProvider?: MeterProvider;
  /** ...or on this meter. */
  readonly meter?: Meter;
  /** Alert events are logged here when `alerts.log` is true. */
  readonly logger?: MonitorLogger;
  /** Extra options (handler concurrency, host metric groups, …) over what the config sets. */
  readonly monitor?: Omit<
    ResourceMonitorOptions,
    'interval' | 'intervalMillis' | 'historySize' | 'containerAware'
  >;
}

/**
 * Builds a {@link ResourceMonitor} from the normalised config: interval, history, container
 * awareness and thresholds from `resources`, rules and webhooks from `alerts`, and `monitor.health`
 * (paths, timeouts, built-in check limits) from `health`. The monitor is not started.
 *
 * @example
 * const config = loadConfig({ config: { resources: { interval: 1, thresholds: { cpu_usage: 80 } } } });
 * const monitor = createResourceMonitor(config, { meterProvider, logger });
 * await monitor.start();
 */
const CREATE_MONITOR_OPTION_KEYS = [
  'meterProvider',
  'meter',
  'logger',
  'monitor',
] as const satisfies readonly (keyof CreateResourceMonitorOptions)[];
// Compile-time: the lists name every key (a new one that is not listed fails the build).
const _create_monitor_keys_complete: [
  Exclude<keyof CreateResourceMonitorOptions, (typeof CREATE_MONITOR_OPTION_KEYS)[number]>,
] extends [never]
  ? true
  : never = true;
void _create_monitor_keys_complete;

export function createResourceMonitor(
  config: ResourceMonitorConfig,
  options: CreateResourceMonitorOptions = {},
): ResourceMonitor {
  if (!config || typeof config !== 'object' || !config.resources) {
    throw new Error('createResourceMonitor: config.resources is required (the normalised ResourcesConfig)');
  }
  // `config` may be the whole normalised config (startMonitoring passes it): only its slices are read.
  if (options === null || typeof options !== 'object')
    throw new Error('createResourceMonitor: options must be an object');
  checkOptionKeys(options, CREATE_MONITOR_OPTION_KEYS, 'createResourceMonitor: options');
  const { resources, alerts, health } = config;
  const logger = alerts?.log === false ? undefined : options.logger;
  const monitor = new ResourceMonitor({
    ...(config.metrics ? { exportWindowMillis: config.metrics.exportIntervalMillis } : {}),
    ...(options.monitor ?? {}),
    enabled: resources.enabled,
    intervalMillis: resources.intervalMillis,
    ...(config.shutdown ? { shutdownTimeoutMillis: config.shutdown.timeoutMillis } : {}),
    historySize: resources.historySize,
    containerAware: resources.containerAware,
    ...(options.meterProvider ? { meterProvider: options.meterProvider } : {}),
    ...(options.meter ? { meter: options.meter } : {}),
    ...(logger ? { logger } : {}),
    webhooks: (alerts?.webhooks ?? []).map((w) => ({
      url: w.url,
      headers: w.headers,
      timeoutMillis: w.timeoutMillis,
      maxRetries: w.maxRetries,
    })),
    ...(health && health.enabled
      ? {
          health: {
            path: health.path,
            livenessPath: health.livenessPath,
            readinessPath: health.readinessPath,
            checkTimeoutMillis: health.checkTimeoutMillis,
            cacheMillis: health.cacheMillis,
            maxEventLoopDelayMillis: health.maxEventLoopDelayMillis,
            maxMemoryPercent: health.maxMemoryPercent,
            hostAlertsAffectReadiness: health.hostAlertsAffectReadiness,
          },
        }
      : {}),
  });
  for (const [metric, threshold] of Object.entries(resources.thresholds ?? {})) {
    try {
      monitor.setThreshold(metric, threshold);
    } catch (err) {
      throw new Error(`resources.thresholds.${metric}: ${(err as Error).message}`);
    }
  }
  (alerts?.rules ?? []).forEach((rule, i) => {
    try {
      monitor.addAlertRule(rule);
    } catch (err) {
      throw new Error(`alerts.rules[${i}]: ${(err as Error).message}`);
    }
  });
  return monitor;
}
