import { diag } from '@opentelemetry/api';
import {
  type AlertRuleConfig,
  checkInteger,
  checkOptionKeys,
  DEFAULT_SHUTDOWN,
  isStandardDecoratorContext,
  normalizeHealth,
  normalizeResources,
  parseDuration,
  type ResourcesInput,
  settleWithin,
  type ThresholdConfig,
} from '@otelkit/config';
import { defineShutdownShare } from '@otelkit/config/internal';
import { AlertDispatcher } from './alerts/alert-dispatcher';
import {
  type ActiveAlert,
  AlertEngine,
  type NormalizedRule,
  type NormalizedThreshold,
  normalizeRule,
  normalizeThreshold,
  thresholdKey,
} from './alerts/alert-engine';
import { type BoundMethod, ThresholdBindings } from './alerts/threshold-bindings';
import { WebhookNotifier } from './alerts/webhook-notifier';
import { BUILTIN_INDEX, BUILTIN_METRICS, flattenStats } from './collectors/builtin-metrics';
import { SystemCollector } from './collectors/system-collector';
import { HEALTH_REGISTRY_OPTION_KEYS, HealthRegistry } from './health/health-registry';
import { registerMonitorChecks } from './health/monitor-checks';
import { windowStats } from './internal/aggregate';
import { createCounters, type MutableCounters } from './internal/counters';
import { RingSeries } from './internal/ring-series';
import { SampleHistory } from './internal/sample-history';
import { DEFAULT_HOST_METRIC_GROUPS, MonitorMetrics, providerForMeter } from './metrics/monitor-metrics';
import type {
  AlertEvent,
  AlertHandler,
  AlertLevel,
  AlertRuleSpec,
  HistoryPoint,
  HistoryQuery,
  KeyedThresholdSpec,
  MetricListener,
  MetricWindowStats,
  MonitorCounters,
  RecordOptions,
  ResourceMonitorOptions,
  SystemStats,
  ThresholdHandler,
  ThresholdHandlerMethod,
  ThresholdSpec,
} from './types';

interface AppSeries {
  readonly metric: string;
  readonly resourceId?: string;
  readonly ring: RingSeries;
}

/** The options that are the config's `resources` slice, normalised by `normalizeResources`. */
const SAMPLING_OPTION_KEYS = [
  'enabled',
  'interval',
  'intervalMillis',
  'historySize',
  'containerAware',
] as const satisfies readonly (keyof ResourceMonitorOptions & keyof ResourcesInput)[];

/** Every option of {@link ResourceMonitorOptions}; anything else is an error naming the key. */
export const RESOURCE_MONITOR_OPTION_KEYS = [
  'interval',
  'intervalMillis',
  'historySize',
  'containerAware',
  'maxMetrics',
  'maxConcurrentHandlers',
  'maxPendingHandlerCalls',
  'handlerTimeoutMillis',
  'collectTimeoutMillis',
  'meterProvider',
  'meter',
  'hostMetricGroups',
  'logger',
  'webhooks',
  'eventLoopResolutionMillis',
  'exportWindowMillis',
  'cgroupRoot',
  'health',
  'alertHistorySize',
  'enabled',
  'shutdownTimeoutMillis',
] as const satisfies readonly (keyof ResourceMonitorOptions)[];
// Compile-time: the list names every option (a new option that is not listed fails the build).
type UnlistedMonitorOption = Exclude<
  keyof ResourceMonitorOptions,
  (typeof RESOURCE_MONITOR_OPTION_KEYS)[number]
>;
const _everyMonitorOptionListed: [UnlistedMonitorOption] extends [never] ? true : UnlistedMonitorOption =
  true;
void _everyMonitorOptionListed;

/** Keys of `options.health`: the registry's and the built-in checks'. */
const MONITOR_HEALTH_OPTION_KEYS = [
  ...HEALTH_REGISTRY_OPTION_KEYS,
  'maxEventLoopDelayMillis',
  'maxMemoryPercent',
  'hostAlertsAffectReadiness',
] as const satisfies readonly (keyof NonNullable<ResourceMonitorOptions['health']>)[];
// Compile-time: a health option that is not listed fails the build (it would be refused at run time).
const _everyHealthOptionListed: [
  Exclude<keyof NonNullable<ResourceMonitorOptions['health']>, (typeof MONITOR_HEALTH_OPTION_KEYS)[number]>,
] extends [never]
  ? true
  : never = true;
void _everyHealthOptionListed;

const PREFIX = 'ResourceMonitor';
// A fresh on-demand read this soon after a tick would divide CPU time by a tiny interval.
const MIN_FRESH_READ_MILLIS = 100;

/** Keeps the monitor under 0.5 % of a core at interval 1 s: the histogram's timer is its main idle cost. */
const DEFAULT_EVENT_LOOP_RESOLUTION_MILLIS = 100;

/**
 * Samples the machine and the process on an interval, keeps a bounded history, evaluates
 * thresholds and alert rules, and routes alerts to handlers, a logger and webhooks.
 *
 * Subclasses add application metrics by overriding {@link ResourceMonitor.collect}, whose result
 * is merged into every sample, or by calling {@link ResourceMonitor.recordMetrics} from their own loop.
 *
 * @example
 * const monitor = new ResourceMonitor({ interval: 1, historySize: 3600 }); // seconds, samples
 * monitor.onThresholdExceeded(async (metric, value, threshold) => {
 *   console.log(`Alert: ${metric} exceeded threshold (${value} > ${threshold})`);
 * });
 * monitor.setThreshold('cpu_usage', 80.0);
 * monitor.setThreshold('memory_usage', 90.0);
 * await monitor.start();
 * const stats = await monitor.getCurrentStats();
 * await monitor.stop();
 */
export class ResourceMonitor {
  /** Sampling interval in milliseconds. */
  readonly intervalMillis: number;
  /** Samples kept per metric. */
  readonly historySize: number;
  /** `false` when built with `enabled: false`: `start()` does nothing. */
  readonly enabled: boolean;

  private readonly _options: ResourceMonitorOptions;
  private readonly _collector: SystemCollector;
  private readonly _history: SampleHistory;
  private readonly _series = new Map<string, AppSeries>();
  private readonly _maxMetrics: number;
  private readonly _collectTimeoutMillis: number;
  protected readonly _shutdownTimeoutMillis: number;
  private readonly _counters: MutableCounters = createCounters();
  private readonly _thresholdBindings = new ThresholdBindings(
    (handler) => this._subscribeThresholdHandler(handler),
    this._counters,
  );
  private readonly _engine: AlertEngine;
  private readonly _dispatcher: AlertDispatcher;
  private readonly _webhooks: WebhookNotifier[];
  private readonly _metrics: MonitorMetrics | undefined;
  private readonly _scratch = new Float64Array(BUILTIN_METRICS.length);
  private readonly _metricListeners = new Set<MetricListener>();
  private readonly _alertHistory: AlertEvent[] = [];
  private readonly _alertHistorySize: number;
  private _health: HealthRegistry | undefined;
  private _running = false;
  private _shutdown = false;
  private _shutdownPromise: Promise<void> | undefined;
  private _timer: NodeJS.Timeout | undefined;
  private _tickPromise: Promise<void> | undefined;
  private _collecting = false;
  private _warnedBuiltin = false;

  constructor(options: ResourceMonitorOptions = {}) {
    if (options === null || typeof options !== 'object')
      throw new Error(`${PREFIX}: options must be an object`);
    if (typeof (options as { registerTypeMonitor?: unknown }).registerTypeMonitor === 'function') {
      // uno writes `ResourceMonitor(resource_manager)`: say what does that here.
      throw new Error(
        `${PREFIX}: got a resource manager, not options. For a monitor with resources, use ` +
          '`new ManagedResourceMonitor(options)` (its `.resources` is the manager) or ' +
          '`createResourceManager(slice, { monitor })` from @otelkit/resource-manager',
      );
    }
    checkOptionKeys(options, RESOURCE_MONITOR_OPTION_KEYS, PREFIX);
    if (options.health !== undefined && options.health !== null && typeof options.health === 'object')
      checkOptionKeys(options.health, MONITOR_HEALTH_OPTION_KEYS, `${PREFIX}: options.health`);
    this._options = options;
    // `@monitor.onThresholdExceeded` is called without `this` under experimentalDecorators.
    this.onThresholdExceeded = this.onThresholdExceeded.bind(this) as ResourceMonitor['onThresholdExceeded'];
    // The sampling options are the config's `resources` slice: one normaliser, one set of checks
    // and defaults (`interval` in seconds or with its unit, `intervalMillis`, never both).
    const sampling = normalizeResources(
      Object.fromEntries(
        SAMPLING_OPTION_KEYS.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]),
      ) as ResourcesInput,
    );
    this.intervalMillis = sampling.intervalMillis;
    this.historySize = sampling.historySize;
    this._maxMetrics = checkInteger(options.maxMetrics, `${PREFIX}: options.maxMetrics`, {
      min: 1,
      max: 100_000,
      default: 500,
    });
    this._collectTimeoutMillis = checkInteger(
      options.collectTimeoutMillis,
      `${PREFIX}: options.collectTimeoutMillis`,
      { min: 1, max: 600_000, default: 5000 },
    );
    this._shutdownTimeoutMillis = checkInteger(
      options.shutdownTimeoutMillis,
      `${PREFIX}: options.shutdownTimeoutMillis`,
      // the config's one shutdown budget may be anything a timer holds: '11m' passed loadConfig
      // and then failed startMonitoring with a plain Error (issue 14 item 7)
      { min: 1, max: 2 ** 31 - 1, default: DEFAULT_SHUTDOWN.timeoutMillis },
    );
    if (
      options.hostMetricGroups !== undefined &&
      options.hostMetricGroups !== false &&
      !Array.isArray(options.hostMetricGroups)
    ) {
      throw new Error(`${PREFIX}: options.hostMetricGroups must be a list of group names or false`);
    }
    if (options.logger !== undefined) {
      for (const m of ['info', 'warn', 'error'] as const) {
        if (typeof options.logger?.[m] !== 'function')
          throw new Error(`${PREFIX}: options.logger.${m} must be a function`);
      }
    }
    this.enabled = sampling.enabled;

    this._collector = new SystemCollector({
      containerAware: sampling.containerAware,
      cgroupRoot: options.cgroupRoot ?? '/sys/fs/cgroup',
      eventLoopResolutionMillis: checkInteger(
        options.eventLoopResolutionMillis,
        `${PREFIX}: options.eventLoopResolutionMillis`,
        { min: 1, max: 10_000, default: DEFAULT_EVENT_LOOP_RESOLUTION_MILLIS },
      ),
    });
    this._history = new SampleHistory(this.historySize);
    this._webhooks = (options.webhooks ?? []).map(
      (w, i) => new WebhookNotifier(w, this._counters, `${PREFIX}: options.webhooks[${i}]`),
    );
    this._dispatcher = new AlertDispatcher(
      {
        maxConcurrent: checkInteger(
          options.maxConcurrentHandlers,
          `${PREFIX}: options.maxConcurrentHandlers`,
          { min: 1, max: 1000, default: 8 },
        ),
        maxPending: checkInteger(
          options.maxPendingHandlerCalls,
          `${PREFIX}: options.maxPendingHandlerCalls`,
          { min: 1, max: 1_000_000, default: 1000 },
        ),
        handlerTimeoutMillis: checkInteger(
          options.handlerTimeoutMillis,
          `${PREFIX}: options.handlerTimeoutMillis`,
          { min: 1, max: 3_600_000, default: 10_000 },
        ),
        ...(options.logger ? { logger: options.logger } : {}),
        webhooks: this._webhooks,
      },
      this._counters,
    );
    this._alertHistorySize = checkInteger(options.alertHistorySize, `${PREFIX}: options.alertHistorySize`, {
      min: 0,
      max: 1_000_000,
      default: 500,
    });
    this._engine = new AlertEngine((event) => this.dispatchAlert(event));

    const exportWindowMillis = checkInteger(
      options.exportWindowMillis,
      `${PREFIX}: options.exportWindowMillis`,
      { min: 1, max: 86_400_000, default: this.intervalMillis },
    );
    const provider = options.meterProvider ?? (options.meter ? providerForMeter(options.meter) : undefined);
    if (provider) {
      this._metrics = new MonitorMetrics(
        provider,
        options.hostMetricGroups ?? DEFAULT_HOST_METRIC_GROUPS,
        {
          latestStats: () => this._collector.latest,
          applicationMetrics: () => this._latestApplicationValues(),
          alertStates: () => this._engine.alertStates(),
          counters: this._counters,
        },
        exportWindowMillis,
      );
      this._collector.runtime.onGc = (entry) => this._metrics?.recordGc(entry);
    }
    if (options.health) this._createHealth();
    defineShutdownShare(this, this._shutdownTimeoutMillis, (ms) => this._shutdownWithin(ms));
  }

  /** `true` between `start()` and `stop()`. */
  get isRunning(): boolean {
    return this._running;
  }

  /**
   * Starts sampling: the first sample is taken one interval from now (so it measures the
   * monitored period, not start-up), then one every interval. Idempotent. The timer is
   * `unref()`ed, so the monitor never keeps the process alive.
   */
  async start(): Promise<void> {
    if (this._running || this._shutdown || !this.enabled) return;
    this._running = true;
    this._collector.runtime.start();
    this._collector.resetBaseline();
    this._schedule(this.intervalMillis);
  }

  /** Takes one sample now (as the interval does): history, thresholds, `collect()`, rules. */
  async sampleNow(): Promise<SystemStats | undefined> {
    await (this._tickPromise ?? this._tick(false));
    return this._collector.latest;
  }

  /** Stops sampling and waits for a sample in progress. Idempotent; handlers already queued still run. */
  async stop(): Promise<void> {
    if (!this._running) return;
    this._running = false;
    if (this._timer) clearTimeout(this._timer);
    this._timer = undefined;
    const inFlight = this._tickPromise;
    if (inFlight) await inFlight.catch(() => undefined);
    this._collector.runtime.stop();
  }

  /**
   * Stops sampling, waits (within the budget) for alert handlers and webhook deliveries, and stops
   * publishing metrics. Idempotent (a second call returns the same promise); never rejects.
   * Bounded by the `shutdownTimeoutMillis` option (`createResourceMonitor`: config `shutdown.timeout`);
   * `startMonitoring` gives the monitor its share of that budget through an internal path.
   */
  shutdown(): Promise<void> {
    return this._shutdownWithin(this._shutdownTimeoutMillis);
  }

  /** The one memoised shutdown, bounded by `timeoutMillis` (whichever call comes first decides). */
  private _shutdownWithin(timeoutMillis: number): Promise<void> {
    this._shutdownPromise ??= this._runShutdown(timeoutMillis);
    return this._shutdownPromise;
  }

  /**
   * The shutdown's work within `timeoutMillis`; runs once. Subclasses that own more (the
   * `ManagedResourceMonitor`'s manager) override it and call `super._runShutdown` with what is left.
   * Must never reject.
   */
  protected async _runShutdown(timeoutMillis: number): Promise<void> {
    this._shutdown = true;
    try {
      const deadline = Date.now() + timeoutMillis;
      const stopped = await settleWithin(this.stop(), timeoutMillis);
      if (stopped.status === 'rejected') throw stopped.reason;
      const left = () => Math.max(0, deadline - Date.now());
      await this._dispatcher.idle(left());
      await Promise.all(this._webhooks.map((w) => w.shutdown(left())));
      this._metrics?.close();
      this._health?.setReady(false);
    } catch (err) {
      diag.warn(`@otelkit/resource-monitor: shutdown: ${(err as Error).message}`);
    }
  }

  /**
   * The stats now. CPU percentages cover the time since the last sample; when that is under
   * 100 ms (e.g. right after `start()`) it waits until 100 ms have passed, as `psutil` does.
   * Does not change the history.
   */
  async getCurrentStats(): Promise<SystemStats> {
    const wait = MIN_FRESH_READ_MILLIS - this._collector.windowMillis;
    if (wait > 0) await delay(wait);
    return this._collector.sample(false);
  }

  /** The last sample taken by the interval, if any. */
  getLatestStats(): SystemStats | undefined {
    return this._collector.latest;
  }

  /**
   * History from the ring buffer, oldest first: whole samples, or the points of one metric
   * (built-in such as `cpu_usage`, or application) when `metric` is given.
   */
  getHistory(query: HistoryQuery & { metric: string }): HistoryPoint[];
  getHistory(query?: HistoryQuery): SystemStats[];
  getHistory(query: HistoryQuery = {}): SystemStats[] | HistoryPoint[] {
    const since = query.since === undefined ? Number.NEGATIVE_INFINITY : +query.since;
    if (query.metric === undefined) return this._history.samplesSince(since);
    return this._points(query.metric, since, query.resourceId);
  }

  /**
   * min / avg / max / p95 (nearest rank) and last of one metric over the last `window`
   * (`'5m'` or milliseconds; the whole history when omitted).
   */
  stats(metric: string, window?: string | number, resourceId?: string): MetricWindowStats;
  /** Without arguments: the counters (the handle shape every otelkit package has; same as `getCounters()`). */
  stats(): MonitorCounters;
  stats(metric?: string, window?: string | number, resourceId?: string): MetricWindowStats | MonitorCounters {
    if (metric === undefined) return this.getCounters();
    const since =
      window === undefined
        ? Number.NEGATIVE_INFINITY
        : Date.now() - parseDuration(window, 'ms', 'stats window');
    return windowStats(this._points(metric, since, resourceId));
  }

  /** Names of the built-in metrics and of every application metric recorded so far. */
  metricNames(): string[] {
    return [
      ...BUILTIN_METRICS,
      ...[...this._series.values()].map((s) => thresholdKey(s.metric, s.resourceId)),
    ];
  }

  /**
   * Records an application metric (`error_rate`, `response_time`, …). Thresholds and history treat
   * it like a built-in one; it is evaluated against its threshold at once. Never throws.
   */
  recordMetric(name: string, value: number, options: RecordOptions = {}): void {
    if (typeof name !== 'string' || name.length === 0 || typeof value !== 'number' || Number.isNaN(value)) {
      diag.warn(
        `@otelkit/resource-monitor: recordMetric ignored an invalid name or value (${String(name)}=${String(value)})`,
      );
      return;
    }
    const resourceId = options.resourceId;
    if (!resourceId && BUILTIN_INDEX.has(name)) {
      if (!this._warnedBuiltin)
        diag.warn(`@otelkit/resource-monitor: ${name} is a built-in metric; recordMetric ignored it`);
      this._warnedBuiltin = true;
      return;
    }
    const key = thresholdKey(name, resourceId);
    let series = this._series.get(key);
    if (!series) {
      if (this._series.size >= this._maxMetrics) {
        this._counters.metricsDropped++;
        return;
      }
      series = {
        metric: name,
        ...(resourceId ? { resourceId } : {}),
        ring: new RingSeries(this.historySize),
      };
      this._series.set(key, series);
    }
    const now = options.timestamp ?? Date.now();
    series.ring.push(now, value);
    this._engine.evaluate(key, value, now);
    if (this._metricListeners.size > 0) this._notify(name, value, resourceId, now);
  }

  /**
   * Calls `listener(metric, value, { resourceId, timestamp })` for every value the monitor takes
   * in: each built-in metric of each sample, and every recorded application value. For anomaly
   * detectors and reports; a throwing listener is counted (`collectErrors`) and ignored.
   * Returns an unsubscribe function.
   */
  addMetricListener(listener: MetricListener): () => void {
    if (typeof listener !== 'function') throw new Error(`${PREFIX}: addMetricListener needs a function`);
    this._metricListeners.add(listener);
    return () => this._metricListeners.delete(listener);
  }

  private _notify(metric: string, value: number, resourceId: string | undefined, timestamp: number): void {
    const info = resourceId ? { resourceId, timestamp } : { timestamp };
    for (const listener of this._metricListeners) {
      try {
        listener(metric, value, info);
      } catch (err) {
        this._counters.collectErrors++;
        diag.warn(`@otelkit/resource-monitor: metric listener failed: ${(err as Error).message}`);
      }
    }
  }

  /** {@link recordMetric} for several values at once. */
  recordMetrics(values: Readonly<Record<string, number>>, options: RecordOptions = {}): void {
    if (!values || typeof values !== 'object') return;
    for (const [name, value] of Object.entries(values)) this.recordMetric(name, value, options);
  }

  /**
   * Sets (or replaces) the threshold of a metric: `setThreshold('cpu_usage', 80)` (a warning above
   * 80), `setThreshold('memory_usage', { warning: 70, critical: 90, for: '30s', hysteresis: 5 })`,
   * or per resource `setThreshold({ resourceId: 'main-db', metric: 'pool_usage', critical: 0.9 })`.
   * Throws on an invalid threshold.
   */
  setThreshold(metric: string, threshold: number | ThresholdSpec | ThresholdConfig): void;
  setThreshold(threshold: KeyedThresholdSpec): void;
  setThreshold(
    metricOrSpec: string | KeyedThresholdSpec,
    threshold?: number | ThresholdSpec | ThresholdConfig,
  ): void {
    let spec: NormalizedThreshold;
    if (typeof metricOrSpec === 'string') {
      if (threshold === undefined)
        throw new Error(`${PREFIX}: setThreshold(${JSON.stringify(metricOrSpec)}) needs a threshold`);
      spec = normalizeThreshold(metricOrSpec, threshold);
    } else {
      if (!metricOrSpec || typeof metricOrSpec !== 'object')
        throw new Error(`${PREFIX}: setThreshold needs (metric, threshold) or { metric, ... }`);
      spec = normalizeThreshold(metricOrSpec.metric, metricOrSpec, metricOrSpec.resourceId);
    }
    this._engine.setThreshold(spec);
  }

  /** Removes a threshold (a firing alert resolves). */
  removeThreshold(metric: string, resourceId?: string): boolean {
    return this._engine.removeThreshold(thresholdKey(metric, resourceId));
  }

  getThresholds(): NormalizedThreshold[] {
    return this._engine.getThresholds();
  }

  /**
   * Adds an alert rule: `{ name, condition: 'p95(response_time) > 0.5', for: '1m', severity }`
   * (parsed now; throws with the column on a bad expression), or a rule from the normalised config.
   * Rules are evaluated after every sample over their `window` (default 1 minute).
   */
  addAlertRule(rule: AlertRuleSpec | AlertRuleConfig): void {
    const normalized: NormalizedRule = normalizeRule(rule);
    this._engine.addRule(normalized);
  }

  removeAlertRule(name: string): boolean {
    return this._engine.removeRule(name);
  }

  getAlertRules(): NormalizedRule[] {
    return this._engine.getRules();
  }

  /** Evaluates the alert rules now (they are also evaluated after every sample). */
  evaluateRules(now = Date.now()): void {
    this._engine.evaluateRules(now, (metric, since) => this._points(metric, since));
  }

  // The decorator signatures come first: TypeScript accepts a decorator with fewer parameters,
  // so listed after the one-argument form they would never be chosen.
  /**
   * Calls `handler(metric, value, threshold, { level, state, since, message, event })` when an
   * alert fires and when it resolves: thresholds, rules and events routed in with
   * {@link dispatchAlert} (anomalies, resource monitors). Not manual {@link alert}s: they have no
   * metric, value or threshold, and reach {@link onAlert} handlers only.
   *
   * Two forms:
   * - `monitor.onThresholdExceeded(handler)` subscribes a function and returns its unsubscribe function.
   * - `@monitor.onThresholdExceeded` decorates a method (the method itself is left unchanged) and
   *   calls it with `this` = the instance. With TC39 standard decorators every constructed
   *   instance is subscribed; with `experimentalDecorators` there is no per-instance hook, so call
   *   `monitor.bindThresholdHandlers(this)` in the constructor (an event that finds a decorated
   *   method bound to no instance logs a warning once). A static method is subscribed with
   *   `this` = its class, in both modes. Instances are held weakly: a collected instance is
   *   unsubscribed (see {@link bindThresholdHandlers} for the lifetime and the limit).
   *
   * @example
   * monitor.onThresholdExceeded(async (metric, value, threshold) => {
   *   console.log(`Alert: ${metric} exceeded threshold (${value} > ${threshold})`);
   * });
   *
   * class TaskMonitor {
   *   @monitor.onThresholdExceeded
   *   async handleTaskAlert(metric: string, value: number, threshold: number) {
   *     await this.notifyAdmin(`${metric} exceeded threshold (${value} > ${threshold})`);
   *   }
   * }
   */
  onThresholdExceeded<This, Fn extends ThresholdHandlerMethod<This>>(
    method: Fn,
    context: ClassMethodDecoratorContext<This, Fn>,
  ): void;
  /** `@monitor.onThresholdExceeded` under `experimentalDecorators`: bind instances with {@link bindThresholdHandlers}. */
  onThresholdExceeded<Fn extends ThresholdHandlerMethod<never>>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<Fn>,
  ): void;
  /**
   * Subscribes `handler(metric, value, threshold, info)` to threshold crossings (not manual
   * alerts) and returns its unsubscribe function.
   */
  onThresholdExceeded(handler: ThresholdHandler): () => void;
  onThresholdExceeded(...args: unknown[]): (() => void) | undefined {
    const [first, second, third] = args;
    if (args.length === 2 && isStandardDecoratorContext(second)) {
      this._decorateStandard(first, second);
      return undefined;
    }
    // (target, key, descriptor) on a member; (target, key) on a field, which is refused.
    if (
      (args.length === 2 || args.length === 3) &&
      (typeof second === 'string' || typeof second === 'symbol')
    ) {
      this._decorateLegacy(first, second, third as PropertyDescriptor | undefined);
      return undefined;
    }
    if (typeof first !== 'function')
      throw new Error(`${PREFIX}: onThresholdExceeded needs a handler function (or decorates a method)`);
    if (isClass(first))
      throw new Error(
        `${PREFIX}: onThresholdExceeded got a class; @monitor.onThresholdExceeded decorates methods, not classes`,
      );
    return this._subscribeThresholdHandler(first as ThresholdHandler);
  }

  /**
   * Subscribes the `@monitor.onThresholdExceeded` methods of `instance`, and returns a function
   * that unsubscribes them all. Needed under `experimentalDecorators` (call it in the
   * constructor: `monitor.bindThresholdHandlers(this)`); under TC39 standard decorators
   * instances are subscribed when constructed, and this only returns the unsubscribe function.
   * Idempotent.
   *
   * Lifetime: the monitor holds each instance weakly, so a subscription ends when the instance is
   * garbage-collected, when the returned function is called, or never for a static method. Keep
   * a reference to an instance for as long as it should receive alerts. At most
   * `MAX_THRESHOLD_BINDINGS` (1000) (instance, method) subscriptions live at once; past it new
   * ones are dropped, warned about once and counted (`handlerBindingsDropped`).
   *
   * @throws Error when `instance` has no method decorated with this monitor's `onThresholdExceeded`.
   */
  bindThresholdHandlers(instance: object): () => void {
    if (instance === null || (typeof instance !== 'object' && typeof instance !== 'function'))
      throw new Error(`${PREFIX}: bindThresholdHandlers needs an object`);
    if (this._thresholdBindings.bindAll(instance) === 0) {
      throw new Error(
        `${PREFIX}: bindThresholdHandlers: ${ownerName(instance) ?? 'the object'} has no method decorated with @onThresholdExceeded of this monitor`,
      );
    }
    return () => this._thresholdBindings.unbind(instance);
  }

  private _subscribeThresholdHandler(handler: ThresholdHandler): () => void {
    return this._dispatcher.addHandler(
      (event) =>
        handler(event.metric ?? event.alert, event.value, event.threshold, {
          level: event.level,
          state: event.state,
          since: event.since,
          message: event.message,
          event,
        }),
      isThresholdEvent,
    );
  }

  private _decorateStandard(method: unknown, context: DecoratorContext): void {
    if (context.kind !== 'method' || typeof method !== 'function') {
      throw new Error(
        `${PREFIX}: @onThresholdExceeded decorates methods, got a ${context.kind} (${String(context.name)}); subscribe a function with monitor.onThresholdExceeded(fn)`,
      );
    }
    const bindings = this._thresholdBindings;
    const name = String(context.name);
    context.addInitializer(function (this: unknown) {
      bindings.bind(this as object, method as BoundMethod, `${ownerName(this) ?? '?'}.${name}`);
    });
  }

  private _decorateLegacy(
    target: unknown,
    key: string | symbol,
    descriptor: PropertyDescriptor | undefined,
  ): void {
    const name = `${ownerName(target) ?? '?'}.${String(key)}`;
    if (!descriptor || typeof descriptor.value !== 'function' || target === null || target === undefined) {
      throw new Error(
        `${PREFIX}: @onThresholdExceeded decorates methods, and ${name} is not one; subscribe a function with monitor.onThresholdExceeded(fn)`,
      );
    }
    const method = descriptor.value as BoundMethod;
    if (typeof target === 'function') this._thresholdBindings.bind(target, method, name);
    else this._thresholdBindings.registerLegacy(target as object, method, name);
  }

  /** Calls `handler(event)` with the full {@link AlertEvent}. Returns an unsubscribe function. */
  onAlert(handler: AlertHandler): () => void {
    if (typeof handler !== 'function') throw new Error(`${PREFIX}: onAlert needs a function`);
    return this._dispatcher.addHandler(handler);
  }

  /**
   * Routes an alert event produced elsewhere (an anomaly detector, a resource-pool monitor)
   * through the same handlers, logger, webhooks and alert history. Never throws.
   */
  dispatchAlert(event: AlertEvent): void {
    if (isThresholdEvent(event)) this._thresholdBindings.warnUnbound();
    if (this._alertHistorySize > 0) {
      if (this._alertHistory.length >= this._alertHistorySize) this._alertHistory.shift();
      this._alertHistory.push(event);
    }
    try {
      this._dispatcher.dispatch(event);
    } catch (err) {
      diag.warn(`@otelkit/resource-monitor: alert dispatch failed: ${(err as Error).message}`);
    }
  }

  /** Recent alert events (bounded by `alertHistorySize`), oldest first. */
  getAlertHistory(query: { since?: number | Date } = {}): AlertEvent[] {
    const since = query.since === undefined ? Number.NEGATIVE_INFINITY : +query.since;
    return this._alertHistory.filter((e) => e.timestamp >= since);
  }

  /**
   * Sends a manual alert (`source: 'manual'`, no metric; `value` and `threshold` are `NaN`) to the
   * {@link onAlert} handlers, the logger, webhooks and the alert history. Threshold handlers do not
   * see it: it crossed no threshold.
   */
  alert(
    message: string,
    level: AlertLevel = 'warning',
    options: { name?: string; labels?: Record<string, string> } = {},
  ): void {
    const now = Date.now();
    const safeLevel: AlertLevel = level === 'info' || level === 'critical' ? level : 'warning';
    this.dispatchAlert({
      alert: options.name ?? 'manual',
      source: 'manual',
      state: 'firing',
      level: safeLevel,
      value: Number.NaN,
      threshold: Number.NaN,
      since: now,
      timestamp: now,
      message: String(message),
      labels: { ...(options.labels ?? {}) },
    });
  }

  /** Alerts firing now (thresholds and rules). */
  getActiveAlerts(): ActiveAlert[] {
    return this._engine.activeAlerts();
  }

  /** Waits until queued alert handlers and webhook deliveries are done, or the budget runs out. */
  async flushAlerts(timeoutMillis = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMillis;
    await this._dispatcher.idle(timeoutMillis);
    await Promise.all(this._webhooks.map((w) => w.flush(Math.max(0, deadline - Date.now()))));
  }

  /**
   * The toolkit-wide handle method, without arguments like every handle's: {@link flushAlerts}
   * within the monitor's `shutdownTimeoutMillis`; never rejects.
   */
  async forceFlush(): Promise<void> {
    try {
      await this.flushAlerts(this._shutdownTimeoutMillis);
    } catch (err) {
      diag.warn(`@otelkit/resource-monitor: forceFlush: ${(err as Error).message}`);
    }
  }

  /** Counts of samples, failures and drops. */
  getCounters(): MonitorCounters {
    return { ...this._counters };
  }

  /** Bytes held by the history (sampled stats and application series). */
  historyByteLength(): number {
    let bytes = this._history.byteLength;
    for (const s of this._series.values()) bytes += s.ring.byteLength;
    return bytes;
  }

  /**
   * The health registry, with the built-in `event_loop`, `memory` and `alerts` checks. Register
   * your own checks on it and mount `monitor.health.handler()`.
   */
  get health(): HealthRegistry {
    return this._health ?? this._createHealth();
  }

  /**
   * Subclass hook: application metrics to merge into every sample (recorded like
   * {@link recordMetrics}). Runs after the system sample, bounded by `collectTimeoutMillis`; a
   * throw or timeout is counted and never stops sampling.
   *
   * @example
   * class ApplicationMonitor extends ResourceMonitor {
   *   protected override async collect() { return { queue_depth: queue.length }; }
   * }
   */
  protected async collect(): Promise<Record<string, number>> {
    return {};
  }

  private _createHealth(): HealthRegistry {
    // One normaliser for every field (the config's `health` slice): its defaults and ConfigError text.
    const h = normalizeHealth(this._options.health ?? {});
    const registry = new HealthRegistry({
      checkTimeoutMillis: h.checkTimeoutMillis,
      cacheMillis: h.cacheMillis,
      path: h.path,
      livenessPath: h.livenessPath,
      readinessPath: h.readinessPath,
    });
    registerMonitorChecks(registry, this, h);
    this._health = registry;
    return registry;
  }

  private _points(metric: string, since: number, resourceId?: string): HistoryPoint[] {
    const out: HistoryPoint[] = [];
    const push = (timestamp: number, value: number) => out.push({ timestamp, value });
    const column = resourceId ? undefined : BUILTIN_INDEX.get(metric);
    if (column !== undefined) this._history.forEachSince(column, since, push);
    else this._series.get(thresholdKey(metric, resourceId))?.ring.forEachSince(since, push);
    return out;
  }

  private *_latestApplicationValues(): Iterable<{ metric: string; resourceId?: string; value: number }> {
    for (const s of this._series.values()) {
      const last = s.ring.last();
      if (last)
        yield { metric: s.metric, ...(s.resourceId ? { resourceId: s.resourceId } : {}), value: last.value };
    }
  }

  private _schedule(wait: number): void {
    this._timer = setTimeout(() => void this._tick(true), wait);
    this._timer.unref();
  }

  private _tick(reschedule: boolean): Promise<void> {
    const started = Date.now();
    const run = async () => {
      try {
        const stats = this._collector.sample(true);
        this._history.push(stats);
        this._metrics?.noteSample(stats);
        this._counters.samples++;
        flattenStats(stats, this._scratch);
        const notify = this._metricListeners.size > 0;
        for (let i = 0; i < BUILTIN_METRICS.length; i++) {
          this._engine.evaluate(BUILTIN_METRICS[i]!, this._scratch[i]!, stats.timestampMillis);
          if (notify) this._notify(BUILTIN_METRICS[i]!, this._scratch[i]!, undefined, stats.timestampMillis);
        }
      } catch (err) {
        this._counters.sampleErrors++;
        diag.warn(`@otelkit/resource-monitor: sampling failed: ${(err as Error).message}`);
      }
      await this._runCollect();
      try {
        this.evaluateRules();
      } catch (err) {
        diag.warn(`@otelkit/resource-monitor: rule evaluation failed: ${(err as Error).message}`);
      }
    };
    const promise = run().finally(() => {
      this._tickPromise = undefined;
      if (reschedule && this._running)
        this._schedule(Math.max(0, this.intervalMillis - (Date.now() - started)));
    });
    this._tickPromise = promise;
    return promise;
  }

  private async _runCollect(): Promise<void> {
    // A collect() still running from an earlier tick is not started again: at most one at a time.
    if (this._collecting) {
      this._counters.collectErrors++;
      return;
    }
    this._collecting = true;
    const collected = (async () => this.collect())().finally(() => {
      this._collecting = false;
    });
    const r = await settleWithin(collected, this._collectTimeoutMillis);
    try {
      if (r.status === 'timedOut')
        throw new Error(`collect() timed out after ${this._collectTimeoutMillis} ms`);
      if (r.status === 'rejected') throw r.reason;
      if (r.value && typeof r.value === 'object') this.recordMetrics(r.value);
    } catch (err) {
      this._counters.collectErrors++;
      diag.warn(`@otelkit/resource-monitor: collect() failed: ${(err as Error).message}`);
    }
  }
}

function isClass(fn: unknown): boolean {
  return typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/** The class name of an instance, or of a class (static member, legacy prototype). */
function ownerName(owner: unknown): string | undefined {
  if (typeof owner === 'function') return (owner as { name?: string }).name || undefined;
  if (typeof owner === 'object' && owner !== null)
    return (owner as { constructor?: { name?: string } }).constructor?.name || undefined;
  return undefined;
}

/** What `onThresholdExceeded` handlers see: every event but manual alerts. */
function isThresholdEvent(event: AlertEvent): boolean {
  return event.source !== 'manual';
}

// Not unref()ed: these are waits the caller awaits (bounded), and an unref()ed timer would let
// the process exit in the middle of `await monitor.getCurrentStats()` in a short script.
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
