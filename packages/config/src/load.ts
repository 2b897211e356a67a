import { resolve } from 'node:path';
import { findCatalogEntry } from './catalog';
import { applyEnv } from './env';
import { ConfigError, type ConfigIssue, type ConfigSource } from './errors';
import { checkEndpoints, type Destination } from './fields/endpoint-safety';
import type { NoExtraKeys } from './fields/input-types';
import { toIssue } from './fields/issues';
import { checkOptionKeys } from './fields/option-keys';
import { readConfigFile } from './file';
import type { Draft } from './internal-types';
import { deepFreeze, deepMerge, findUnsafeKeys } from './merge';
import { configInputSchema, type PartialConfig } from './schema';
import {
  applyDashboardEnv,
  DEFAULT_DASHBOARD,
  dashboardIgnorePaths,
  finalizeDashboard,
  markDashboardNormalised,
} from './slices/dashboard';
import { finalizeLogging, loggingDefaults, markLoggingNormalised } from './slices/logging';
import {
  DEFAULT_PROMETHEUS,
  finalizeMetrics,
  markMetricsNormalised,
  metricsDefaults,
} from './slices/metrics';
import { finalizeMonitoring, type MonitoringParsed, markMonitoringNormalised } from './slices/monitoring';
import { DEFAULT_POOLS, finalizePools, markPoolsNormalised } from './slices/pools';
import { DEFAULT_DIAGNOSTICS, DEFAULT_SHUTDOWN, INSTRUMENTATION_NAMES } from './slices/process';
import {
  DEFAULT_ALERTS,
  DEFAULT_HEALTH,
  DEFAULT_RESOURCES,
  markHealthNormalised,
  markResourcesNormalised,
} from './slices/resources';
import { DEFAULT_SERVICE } from './slices/service';
import { finalizeTracing, markTracingNormalised, tracingDefaults } from './slices/tracing';
import type { LoadConfigOptions, OtelkitConfig, OtelkitConfigInput } from './types';

function parseLayer(raw: unknown, source: ConfigSource, issues: ConfigIssue[]): Layer | undefined {
  if (raw === undefined || raw === null) return undefined;
  const unsafe = findUnsafeKeys(raw, source);
  if (unsafe.length > 0) {
    // Never hand data that tries to reach a prototype to anything else.
    issues.push(...unsafe);
    return undefined;
  }
  const r = configInputSchema.safeParse(raw, { reportInput: true });
  if (!r.success) {
    issues.push(...r.error.issues.map((i) => toIssue(i, source)));
    return undefined;
  }
  return foldMonitoring(r.data, source, issues);
}

type LayerWithMonitoring = PartialConfig & { monitoring?: MonitoringParsed };
/** One layer once the seed's collectors are folded into the slices they edit. */
type Layer = Omit<PartialConfig, 'monitoring'> & { monitoring?: MonitoringParsed['slice'] };

/**
 * The seed's `monitoring.metrics.collectors` edit the `metrics` and `resources` slices of the same
 * layer: the request collector's path and interval, the system collector's interval, the custom
 * collector's path. A field given both ways in one layer is an error naming both.
 */
function foldMonitoring(
  layer: LayerWithMonitoring | undefined,
  source: ConfigSource,
  issues: ConfigIssue[],
): Layer | undefined {
  if (!layer?.monitoring) return layer as Omit<LayerWithMonitoring, 'monitoring'> | undefined;
  const { monitoring, ...rest } = layer;
  const f = monitoring.forward;
  const out = { ...rest } as Record<string, unknown> & PartialConfig;
  const clash = (seed: string, canonical: string) =>
    issues.push({
      path: `monitoring.${seed}`,
      message: `sets ${canonical}, which this layer also gives; keep one of them`,
      source,
    });
  const metrics = { ...(rest.metrics ?? {}) } as Record<string, unknown>;
  let metricsTouched = false;
  if (f.metricsEnabled !== undefined) {
    if (metrics.enabled !== undefined) clash('metrics.enabled', 'metrics.enabled');
    metrics.enabled = f.metricsEnabled;
    metricsTouched = true;
  }
  if (f.exportIntervalMillis !== undefined) {
    if (metrics.exportIntervalMillis !== undefined)
      clash('metrics.collectors (request).interval', 'metrics.interval / exportIntervalMillis');
    metrics.exportIntervalMillis = f.exportIntervalMillis;
    metricsTouched = true;
  }
  if (f.requestPath !== undefined || f.customPath !== undefined) {
    const exporters = (metrics.exporters as PartialMetricExporterLike[] | undefined) ?? [
      { ...DEFAULT_PROMETHEUS },
    ];
    const i = exporters.findIndex((e) => e.type === 'prometheus');
    if (i === -1) {
      issues.push({
        path: 'monitoring.metrics.collectors',
        message:
          'a request/custom collector path needs the Prometheus endpoint, but metrics.exporters of this layer has none; add { type: prometheus } or drop the path',
        source,
      });
    } else {
      const p = { ...exporters[i]! };
      if (f.requestPath !== undefined) p.path = f.requestPath;
      if (f.customPath !== undefined) p.extraPaths = [f.customPath];
      metrics.exporters = exporters.map((e, j) => (j === i ? p : e));
      metricsTouched = true;
    }
  }
  if (metricsTouched) out.metrics = metrics as PartialConfig['metrics'];
  if (f.resourcesEnabled || f.resourcesIntervalMillis !== undefined) {
    const resources = { ...(rest.resources ?? {}) } as Record<string, unknown>;
    if (f.resourcesIntervalMillis !== undefined) {
      if (resources.intervalMillis !== undefined)
        clash('metrics.collectors (system).interval', 'resources.interval / intervalMillis');
      resources.intervalMillis = f.resourcesIntervalMillis;
    }
    resources.enabled ??= true;
    out.resources = resources as PartialConfig['resources'];
  }
  return { ...out, monitoring: monitoring.slice };
}

interface PartialMetricExporterLike {
  type: string;
  path?: string;
  extraPaths?: string[];
}

function defaultDraft(): Draft {
  return {
    enabled: true,
    service: { ...DEFAULT_SERVICE, attributes: {} },
    logging: loggingDefaults(),
    metrics: metricsDefaults(),
    tracing: tracingDefaults(),
    resources: { ...DEFAULT_RESOURCES, thresholds: {} },
    alerts: { ...DEFAULT_ALERTS, rules: [], webhooks: [] },
    health: { ...DEFAULT_HEALTH },
    shutdown: { ...DEFAULT_SHUTDOWN },
    instrumentations: { enabled: [...INSTRUMENTATION_NAMES] },
    diagnostics: { ...DEFAULT_DIAGNOSTICS },
    pools: DEFAULT_POOLS,
    monitoring: {},
    dashboard: { ...DEFAULT_DASHBOARD, buffer: { ...(DEFAULT_DASHBOARD.buffer as object) } },
  };
}

function finalize(d: Draft, cwd: string, issues: ConfigIssue[]): OtelkitConfig {
  const endpoints: Destination[] = [];
  d.alerts.webhooks.forEach((w, i) => {
    endpoints.push({ owner: `alerts.webhooks[${i}]`, field: 'url', url: w.url, allow: w.allowLinkLocal });
  });
  checkEndpoints(endpoints, issues);

  const dashboard = finalizeDashboard(d.dashboard, issues, d.enabled);
  const metrics = finalizeMetrics(d.metrics, issues, {
    enabled: d.enabled,
    shutdownTimeoutMillis: d.shutdown.timeoutMillis,
    source: 'env',
    healthPaths: [d.health.path, d.health.livenessPath, d.health.readinessPath],
    extraIgnorePaths: dashboardIgnorePaths(dashboard),
    httpInstrumented: d.enabled && d.instrumentations.enabled.includes('http'),
  });

  // A share rule on request latency is read from the histogram's `le` bucket at its bound
  // (in-process it counts requests): a bound that is no bucket boundary would never fire in Prometheus.
  const view = d.metrics.views.find((v) => v.instrument === 'http.server.request.duration' && v.buckets);
  const buckets = view?.buckets ?? d.metrics.durationBuckets;
  d.alerts.rules.forEach((r, i) => {
    if (r.share === undefined || findCatalogEntry(r.parsed.metric)?.name !== 'request_duration_seconds')
      return;
    if (!buckets.includes(r.parsed.value))
      issues.push({
        path: `alerts.rules[${i}].condition`,
        message: `${r.parsed.value} is not a bucket boundary of http.server.request.duration (${buckets.join(', ')}): the share of slower requests is read at a boundary; use one of them or add it to metrics.durationBuckets`,
        source: 'code',
      });
  });

  // Root `enabled: false` / OTEL_SDK_DISABLED is resolved into every slice here, once: no
  // OpenTelemetry signal leaves the process (no exporter, listener, sampling or auto-
  // instrumentation); the application's own log lines still go to the console and files.
  const on = d.enabled;
  return {
    enabled: on,
    service: { ...d.service, attributes: { ...d.service.attributes } },
    logging: finalizeLogging(d.logging, issues, {
      enabled: on,
      shutdownTimeoutMillis: d.shutdown.timeoutMillis,
      serviceName: d.service.name,
      cwd,
    }),
    metrics,
    tracing: finalizeTracing(d.tracing, issues, {
      enabled: on,
      shutdownTimeoutMillis: d.shutdown.timeoutMillis,
      source: 'env',
    }),
    resources: {
      ...d.resources,
      enabled: on && d.resources.enabled,
      thresholds: { ...d.resources.thresholds },
    },
    alerts: { ...d.alerts, rules: [...d.alerts.rules], webhooks: [...d.alerts.webhooks] },
    health: { ...d.health },
    shutdown: { ...d.shutdown },
    instrumentations: { enabled: on ? [...d.instrumentations.enabled] : [] },
    diagnostics: { ...d.diagnostics },
    pools: finalizePools({ ...d.pools, enabled: on && d.pools.enabled }, issues),
    monitoring: finalizeMonitoring(d.monitoring, issues),
    dashboard,
  };
}

const LOAD_CONFIG_OPTION_KEYS = [
  'config',
  'file',
  'env',
  'overrides',
  'cwd',
  'onWarning',
] as const satisfies readonly (keyof LoadConfigOptions)[];
// Compile-time: the list names every option (a new one that is not listed fails the build).
const _load_keys_complete: [
  Exclude<keyof LoadConfigOptions, (typeof LOAD_CONFIG_OPTION_KEYS)[number]>,
] extends [never]
  ? true
  : never = true;
void _load_keys_complete;

/**
 * Loads, validates, normalises and deep-freezes the otelkit config.
 *
 * Precedence, lowest first: built-in defaults < config file (`file`, or `OTELKIT_CONFIG`) <
 * `config` (the object written in code) < the OpenTelemetry environment variables (`OTEL_*`) <
 * `overrides`. Every problem in every layer is collected into one {@link ConfigError}.
 *
 * @example
 * const config = loadConfig({ config: { service: { name: 'orders' }, tracing: { sampler: 0.1 } } });
 * config.tracing.sampler; // { type: 'parentbased_traceidratio', ratio: 0.1 }
 */
export function loadConfig(options: LoadConfigOptions = {}): OtelkitConfig {
  if (options === null || typeof options !== 'object')
    throw new Error('loadConfig: options must be an object');
  checkOptionKeys(options, LOAD_CONFIG_OPTION_KEYS, 'loadConfig');
  if (isLoadedConfig(options.config)) {
    // Already every layer (file, env, finalize) applied: given again, e.g. to startMonitoring,
    // it is used as it is — its canonical form is not input syntax, and the environment must not
    // be applied twice.
    if (options.overrides !== undefined) {
      throw new TypeError(
        'loadConfig: `overrides` cannot be applied to a config loadConfig already returned; pass the input object instead',
      );
    }
    return options.config;
  }
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const issues: ConfigIssue[] = [];

  const fromEnv = env.OTELKIT_CONFIG?.trim() ? env.OTELKIT_CONFIG.trim() : undefined;
  const filePath =
    options.file === false ? undefined : typeof options.file === 'string' ? options.file : fromEnv;

  let draft = defaultDraft();
  if (filePath !== undefined) {
    draft = deepMerge(draft, parseLayer(readConfigFile(resolve(cwd, filePath)), 'file', issues));
  }
  draft = deepMerge(draft, parseLayer(options.config, 'code', issues));
  // The OpenTelemetry spec: an SDK warns about an invalid environment value and ignores it (the
  // file, code or default value stays). Code and file config stay strict: a ConfigError.
  for (const issue of applyEnv(draft, env)) {
    if (issue.source === 'env' && issue.path.startsWith('OTEL_')) (options.onWarning ?? warnOnce)(issue);
    else issues.push(issue);
  }
  draft.dashboard = applyDashboardEnv(draft.dashboard, env, issues) as typeof draft.dashboard;
  draft = deepMerge(draft, parseLayer(options.overrides, 'overrides', issues));

  const config = finalize(draft, cwd, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  const frozen = deepFreeze(config);
  markPoolsNormalised(frozen.pools);
  markTracingNormalised(frozen.tracing);
  markMetricsNormalised(frozen.metrics);
  markLoggingNormalised(frozen.logging);
  markResourcesNormalised(frozen.resources);
  markHealthNormalised(frozen.health);
  markMonitoringNormalised(frozen.monitoring);
  markDashboardNormalised(frozen.dashboard);
  LOADED.add(frozen);
  return frozen;
}

const warned = new Set<string>();

/** The default `onWarning`: a process warning, once per variable and message per process. */
function warnOnce(issue: ConfigIssue): void {
  const key = `${issue.path}\0${issue.message}`;
  if (warned.has(key)) return;
  if (warned.size < 1000) warned.add(key);
  process.emitWarning(
    `${issue.path}: ${issue.message}; ignored, the value from the config (or the default) is used`,
    {
      type: 'OtelkitConfigWarning',
      code: 'OTELKIT_ENV_INVALID',
    },
  );
}

/** Configs this module's loadConfig returned (frozen; identity is the proof). */
const LOADED = new WeakSet<object>();

/** Is `value` a config that {@link loadConfig} returned (not an input object that looks like one)? */
export function isLoadedConfig(value: unknown): value is OtelkitConfig {
  return typeof value === 'object' && value !== null && LOADED.has(value);
}

/**
 * Identity, with types: write the config object with completion and checking.
 *
 * @example
 * export default defineConfig({ service: { name: 'orders' }, tracing: { sampler: 0.1, exporter: 'jaeger' } });
 */
export function defineConfig<const T extends OtelkitConfigInput>(
  input: T & NoExtraKeys<T, OtelkitConfigInput>,
): T {
  return input;
}
