import { diag, type Meter, type Tracer } from '@opentelemetry/api';
import {
  checkOptionKeys,
  formatSummary,
  type LoadConfigOptions,
  loadConfig,
  type OtelkitConfig,
  type OtelkitConfigInput,
  settleWithin,
} from '@otelkit/config';
import { shutdownWithin } from '@otelkit/config/internal';
import {
  createLogger,
  LineRing,
  type LoggerStats,
  type OtelkitLogger,
  publishLoggerStats,
} from '@otelkit/logging';
import { createMetrics, HttpServerMetrics, type MetricsHandle, type MetricsStats } from '@otelkit/metrics';
import {
  createResourceManager,
  type ResourceManager,
  type ResourceManagerCounters,
} from '@otelkit/resource-manager';
import {
  createResourceMonitor,
  type HealthRegistry,
  type MonitorCounters,
  type ResourceMonitor,
} from '@otelkit/resource-monitor';
import { createTracing, SpanRing, type TracingHandle, type TracingStats } from '@otelkit/tracing';
import { type DashboardHandler, type DashboardOptions, loadDashboardFactory } from './dashboard';
import { routeDiag } from './diag-bridge';
import { type InstrumentHandle, instrument } from './instrument';
import { buildResource } from './resource';
import { setMonitoringRuntime } from './runtime';
import { runShutdown, type ShutdownReport, type UndeliveredReport } from './shutdown';
import { installSignalHandlers } from './signals';
import { telemetryCheck } from './telemetry-check';

/** What `startMonitoring` returns: every signal, wired from one config. */
export interface Monitoring {
  /** The normalised, frozen config it was started with. */
  readonly config: OtelkitConfig;
  readonly logger: OtelkitLogger;
  readonly tracer: Tracer;
  readonly meter: Meter;
  readonly monitor: ResourceMonitor;
  readonly health: HealthRegistry;
  readonly tracing: TracingHandle;
  readonly metrics: MetricsHandle;
  /**
   * The resource manager (pools, clients, queues) when the config's `pools` section turns it on:
   * its thresholds, alerts and history go through {@link monitor}, its per-resource checks feed
   * {@link health}'s readiness. `undefined` otherwise.
   */
  readonly resources: ResourceManager | undefined;
  /**
   * The auto-instrumentations of `config.instrumentations`, turned on by `startMonitoring` (the
   * `register` entry only starts it earlier, before the app loads its libraries), and off again
   * at shutdown. `loadedTooEarly` names the libraries that were already loaded.
   */
  readonly instrumentations: InstrumentHandle;
  /**
   * The rings of recent spans and log lines, filled as spans end and lines are written, when the
   * config's `dashboard` section is on and `dashboard.buffer` is not `false` (what
   * `@otelkit/dashboard` shows in its traces and logs panels). `undefined` otherwise.
   */
  readonly recent: RecentSignals | undefined;
  /**
   * The live monitoring page of `@otelkit/dashboard` as a `node:http` request handler (like
   * `metrics.handler`): `createDashboard(monitoring, options)` of that package, which this one
   * does not depend on — install it next to this one. Each call makes a handler; `shutdown()`
   * closes the streams of every handler made here. Turn the config's `dashboard` section on for
   * its rings of recent spans and log lines.
   *
   * @throws DashboardNotInstalledError (code `OTELKIT_ERR_DASHBOARD_NOT_INSTALLED`) when
   * `@otelkit/dashboard` is neither loaded nor resolvable; the `ConfigError` of `createDashboard`.
   *
   * @example
   * const dashboard = monitoring.dashboard();
   * http.createServer((req, res) => dashboard(req, res, () => app(req, res))).listen(3000);
   */
  dashboard(options?: DashboardOptions): DashboardHandler;
  /** What is on and where each signal goes (secrets masked). */
  summary(): string;
  /** Exports what is queued in every signal now. Never rejects. */
  forceFlush(): Promise<void>;
  /**
   * Ordered shutdown within `config.shutdown.timeoutMillis`: readiness off → resource monitor
   * stopped → traces and metrics flushed → their providers shut down → logs flushed and closed.
   * Each step gets a fair share of what is left of the budget (the logs two, for their flush and
   * close), and time a step does not use passes on: a hanging collector costs its signal's share,
   * never the others'. What a signal has not delivered at the end of its share is counted as
   * dropped or failed with a reason, in its `stats()` and in the report's `undelivered`, so that
   * produced = delivered + dropped + failed holds for every signal. Resolves with the report (what
   * could not be finished, and why), never rejects; later calls return the same report.
   */
  shutdown(): Promise<ShutdownReport>;
  /** The counters of every package handle now (each handle's own `stats()`). */
  stats(): MonitoringStats;
}

/** What {@link Monitoring.stats} returns: each package handle's `stats()`. */
export interface MonitoringStats {
  readonly tracing: TracingStats;
  readonly metrics: MetricsStats;
  readonly logging: LoggerStats;
  readonly monitor: MonitorCounters;
  /** `undefined` when the config's `pools` section is off. */
  readonly resources: ResourceManagerCounters | undefined;
}

/** The bounded rings of recent signals (see {@link Monitoring.recent}). */
export interface RecentSignals {
  readonly spans: SpanRing;
  readonly logs: LineRing;
}

/** Options besides the config object: the other config sources and the summary. */
export interface StartMonitoringOptions extends Omit<LoadConfigOptions, 'config'> {
  /** Print the startup summary at info level (otherwise debug). @default config.diagnostics.printSummary */
  printSummary?: boolean;
}

const START_OPTION_KEYS = [
  'printSummary',
  'file',
  'env',
  'overrides',
  'cwd',
  'onWarning',
] as const satisfies readonly (keyof StartMonitoringOptions)[];
// Compile-time: the list names every option (a new one that is not listed fails the build).
const _start_keys_complete: [
  Exclude<keyof StartMonitoringOptions, (typeof START_OPTION_KEYS)[number]>,
] extends [never]
  ? true
  : never = true;
void _start_keys_complete;

const SLOT = Symbol.for('otelkit.service.monitoring.v1');

interface Started {
  monitoring: Monitoring;
  fingerprint: string;
}

function globalSlot(): { current?: Started } {
  const g = globalThis as unknown as Record<symbol, { current?: Started } | undefined>;
  g[SLOT] ??= {};
  return g[SLOT]!;
}

/** Thrown when monitoring is already running with a different config. */
export class MonitoringConflictError extends Error {
  readonly code = 'OTELKIT_ERR_ALREADY_STARTED';
  constructor(readonly differences: readonly string[]) {
    super(
      `otelkit monitoring is already running with a different config (${differences.slice(0, 10).join(', ')}${differences.length > 10 ? ', …' : ''}). ` +
        'Start it once, from one config object, or shut the running one down first.',
    );
    this.name = 'MonitoringConflictError';
  }
}

function fingerprint(config: OtelkitConfig): string {
  return JSON.stringify(config);
}

/** Dotted paths whose values differ between two normalised configs (for the conflict message). */
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) =>
      differences(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        path ? `${path}.${k}` : k,
      ),
    );
  }
  return [path || '(root)'];
}

/**
 * Starts tracing, metrics, logging and the resource monitor from one config object, registers
 * the OpenTelemetry globals once, installs the runtime `@monitored` methods report to, and
 * (unless `shutdown.handleSignals` is false) flushes everything and exits with 128+signal on
 * SIGTERM/SIGINT when the app has no handler of its own.
 *
 * A second call with the same config returns the same handle; with a different config it throws
 * a {@link MonitoringConflictError} naming what differs. A bad config throws the `ConfigError`
 * listing every problem.
 *
 * @example
 * const monitoring = startMonitoring({
 *   service: { name: 'orders' },
 *   logging: { level: 'INFO', format: 'structured', outputs: ['console', 'file'], correlation: true },
 *   metrics: { collectors: ['prometheus'], interval: 10, exporters: ['http'] },
 *   tracing: { enabled: true, sampler: 0.1, exporter: 'jaeger' },
 * });
 * monitoring.logger.info('started');
 */
export function startMonitoring(
  input: OtelkitConfigInput | OtelkitConfig = {},
  options: StartMonitoringOptions = {},
): Monitoring {
  if (options === null || typeof options !== 'object')
    throw new Error('startMonitoring: options must be an object');
  checkOptionKeys(options, START_OPTION_KEYS, 'startMonitoring: options');
  const { printSummary, ...sources } = options;
  // Typed by the input type, so a misspelt key in a config literal is a compile error; loadConfig
  // still checks every field at run time (JSON, JavaScript callers) and names each problem.
  const config = loadConfig({ ...sources, config: input });
  const slot = globalSlot();
  const print = fingerprint(config);
  if (slot.current) {
    if (slot.current.fingerprint === print) return slot.current.monitoring;
    throw new MonitoringConflictError(differences(slot.current.monitoring.config, config));
  }

  const resource = buildResource(config.service, { cloud: config.enabled });
  // The dashboard's rings exist only when it is on: OpenTelemetry JS 2.x providers take their
  // processors at construction, so they are given to the signal packages now, not later.
  const buffer = config.dashboard.enabled ? config.dashboard.buffer : false;
  const recent: RecentSignals | undefined = buffer
    ? {
        spans: new SpanRing(buffer.spans, {
          youngSpans: buffer.youngSpans,
          tracesPerSecond: buffer.tracesPerSecond,
          traceBurst: buffer.traceBurst,
          slowMillis: buffer.slowMillis,
        }),
        logs: new LineRing(buffer.logs),
      }
    : undefined;
  // OTEL_SDK_DISABLED / root `enabled: false` is already resolved into every slice by loadConfig.
  const logger = createLogger(config.logging, resource, {
    handleSignals: false,
    ...(recent ? { recentLines: recent.logs } : {}),
  });
  routeDiag(logger, config.diagnostics.logLevel);

  const metrics = createMetrics(config.metrics, resource);
  const tracing = createTracing(config.tracing, resource, {
    meter: metrics.meter,
    ...(recent ? { recentSpans: recent.spans } : {}),
  });
  if (config.enabled) {
    if (!metrics.register())
      diag.warn('otelkit: a global MeterProvider was already registered; otelkit kept it');
    if (!tracing.register())
      diag.warn('otelkit: a global TracerProvider was already registered; otelkit kept it');
  }
  // Log drops as metrics too: the logger exists before the meter (diag goes to it meanwhile).
  if (config.enabled) publishLoggerStats(metrics.meter, logger);
  const monitor = createResourceMonitor(config, { meterProvider: metrics.provider, logger });
  const health = monitor.health;
  // A failing exporter shows as a degraded check (200), never as a liveness or readiness failure.
  if (config.health.enabled && !health.has('telemetry'))
    health.register({
      name: 'telemetry',
      kinds: ['readiness'],
      check: telemetryCheck({ tracing, metrics, logger }),
    });
  // The auto-instrumentations: one SERVER span per request comes from the http instrumentation
  // (config.metrics.http.serverSpans is then off), and otelkit measures every request it traces
  // (its own server-duration histogram is dropped): one source per signal, with or without
  // otelkit's middleware mounted (which then measures the same request once and names the span).
  const incoming = new HttpServerMetrics(metrics, { tracer: false });
  const instrumentations = instrument(config.instrumentations.enabled, {
    tracerProvider: tracing.provider,
    meterProvider: metrics.provider,
    http: {
      ignoreIncomingRequest: (req) => incoming.ignored(req.url),
      onIncomingRequest: (req, res) => {
        incoming.start(req, res);
      },
      serverDurationMetric: false,
    },
  });
  // Made now (not at start) so that discovery hooks the pool libraries before the app creates pools.
  const resources = config.pools.enabled
    ? createResourceManager(config.pools, {
        monitor,
        meter: metrics.meter,
        health,
        shutdownTimeoutMillis: config.shutdown.timeoutMillis,
      })
    : undefined;
  if (config.resources.enabled) {
    monitor.start().catch((err: unknown) => diag.error('otelkit: the resource monitor did not start', err));
  }
  resources?.start().catch((err: unknown) => diag.error('otelkit: the resource manager did not start', err));

  setMonitoringRuntime(
    config.enabled
      ? {
          tracer: tracing.tracer,
          meter: metrics.meter,
          logger,
          durationBuckets: config.metrics.durationBuckets,
        }
      : undefined,
  );

  let shuttingDown: Promise<ShutdownReport> | undefined;
  let removeSignals: (() => void) | undefined;
  const dashboards = new Set<DashboardHandler>();
  const monitoring: Monitoring = {
    config,
    logger,
    tracer: tracing.tracer,
    meter: metrics.meter,
    monitor,
    health,
    tracing,
    metrics,
    resources,
    instrumentations,
    recent,
    dashboard(options) {
      const handler = loadDashboardFactory<Monitoring>()(monitoring, options);
      dashboards.add(handler);
      return handler;
    },
    summary: () => formatSummary(config),
    stats: () => ({
      tracing: tracing.stats(),
      metrics: metrics.stats(),
      logging: logger.stats(),
      monitor: monitor.stats(),
      resources: resources?.stats(),
    }),
    async forceFlush() {
      // Pool values first, so the metrics flush exports current ones.
      await resources?.forceFlush();
      await Promise.allSettled([tracing.forceFlush(), metrics.forceFlush(), logger.forceFlush()]);
    },
    shutdown() {
      shuttingDown ??= runShutdown(config.shutdown.timeoutMillis, [
        {
          name: 'readiness',
          run: async () => {
            health.setReady(false, 'shutting down');
            // The dashboard's streams end (their clients reconnect elsewhere); never rejects.
            for (const d of dashboards) void d.shutdown();
            // From here decorated methods run bare: new work does not keep the flush busy.
            setMonitoringRuntime(undefined);
            instrumentations.disable();
          },
        },
        // The manager first: it records into the monitor, and unhooks the app's pools.
        ...(resources
          ? [
              {
                name: 'resource manager',
                run: (timeoutMillis: number) => shutdownWithin(resources, timeoutMillis),
              },
            ]
          : []),
        { name: 'resource monitor', run: () => monitor.stop() },
        {
          // Best effort within its share: what a slow (not dead) collector has not taken yet is
          // still sent by the providers' step, so running out of time here is no failure.
          name: 'flush',
          parallel: [
            { name: 'traces', run: (timeoutMillis) => settleWithin(tracing.forceFlush(), timeoutMillis) },
            { name: 'metrics', run: (timeoutMillis) => settleWithin(metrics.forceFlush(), timeoutMillis) },
          ],
        },
        {
          // Each signal stops within its share and counts what it could not deliver by then; the
          // step fails ('timed out') when it had to give up on something.
          name: 'providers',
          parallel: [
            {
              name: 'tracer provider',
              run: async (timeoutMillis) => {
                const before = tracing.stats().failedByReason.shutdown;
                await shutdownWithin(tracing, timeoutMillis);
                if (tracing.stats().failedByReason.shutdown > before) throw new Error('timed out');
              },
            },
            {
              name: 'meter provider',
              run: async (timeoutMillis) => {
                const before = metrics.stats().exports.failedByReason.shutdown ?? 0;
                await shutdownWithin(metrics, timeoutMillis);
                if ((metrics.stats().exports.failedByReason.shutdown ?? 0) > before)
                  throw new Error('timed out');
              },
            },
          ],
        },
        {
          name: 'logs',
          // flush and close in one step: the same two phases the other signals had
          weight: 2,
          run: (timeoutMillis) => {
            // The last line through the logger: what traces and metrics could not deliver.
            const lost = undeliveredOf(tracing, metrics, undefined);
            if (lost.total > 0)
              logger.warn(
                { undelivered: { traces: lost.traces, metrics: lost.metrics } },
                'otelkit shutdown: telemetry not delivered',
              );
            return shutdownWithin(logger, timeoutMillis);
          },
        },
      ]).then((report) => {
        removeSignals?.();
        setMonitoringRuntime(undefined);
        if (slot.current?.monitoring === monitoring) slot.current = undefined;
        report.tracing = tracing.stats();
        report.metrics = metrics.stats();
        report.logging = logger.stats();
        if (resources) report.resources = resources.stats();
        report.undelivered = undeliveredOf(tracing, metrics, logger);
        return report;
      });
      return shuttingDown;
    },
  };

  if (config.shutdown.handleSignals) removeSignals = installSignalHandlers(monitoring);
  // A process that simply runs out of work still gets its telemetry flushed.
  const onBeforeExit = () => void monitoring.shutdown();
  process.once('beforeExit', onBeforeExit);
  const removeSignalHandlers = removeSignals;
  removeSignals = () => {
    removeSignalHandlers?.();
    process.removeListener('beforeExit', onBeforeExit);
  };
  slot.current = { monitoring, fingerprint: print };

  const showSummary = printSummary ?? config.diagnostics.printSummary;
  logger[showSummary ? 'info' : 'debug']({ summary: formatSummary(config) }, 'otelkit monitoring started');
  return monitoring;
}

function nonZero(counts: Readonly<Record<string, number | undefined>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counts)) if (v) out[k] = v;
  return out;
}

/** What each signal did not deliver, by reason, from its stats (logs only when given). */
function undeliveredOf(
  tracing: TracingHandle,
  metrics: MetricsHandle,
  logger: OtelkitLogger | undefined,
): UndeliveredReport {
  const t = tracing.stats();
  const m = metrics.stats();
  const outputs: Record<string, Record<string, number>> = {};
  let lines = 0;
  if (logger)
    logger.stats().outputs.forEach((o, i) => {
      outputs[`${i}:${o.type}`] = nonZero(o.droppedByReason);
      lines += o.dropped;
    });
  const traces = t.dropped + t.failed;
  return {
    traces: { dropped: nonZero(t.droppedByReason), failed: nonZero(t.failedByReason), total: traces },
    metrics: {
      exports: nonZero(m.exports.failedByReason),
      points: nonZero(m.points.failedByReason),
      total: m.points.failed,
    },
    logs: { outputs, total: lines },
    total: traces + m.points.failed + lines,
  };
}

/** The running monitoring, if `startMonitoring` was called (and not shut down). */
export function getMonitoring(): Monitoring | undefined {
  return globalSlot().current?.monitoring;
}
