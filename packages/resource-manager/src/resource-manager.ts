import { AsyncLocalStorage } from 'node:async_hooks';
import { diag, type Meter, metrics } from '@opentelemetry/api';
import { checkInteger, checkOptionKeys, DEFAULT_POOLS, settleWithin } from '@otelkit/config';
import { defineShutdownShare, shutdownWithin } from '@otelkit/config/internal';
import { type KeyedThresholdSpec, ResourceMonitor } from '@otelkit/resource-monitor';
import type { AnomalyDetectionOptions, AnomalyDetector } from './anomaly/anomaly-detector';
import {
  DISCOVERABLE_KINDS,
  type DiscoverableKind,
  type DiscoverResourcesOptions,
  type DiscoveryHandle,
  type DiscoveryOptions,
  kindsOf,
  startDiscovery,
} from './discovery/resource-discovery';
import {
  buildDependencyGraph,
  type DependencyGraph,
  type DependencyGraphOptions,
} from './graph/dependency-graph';
import { MetricStore } from './internal/metric-store';
import {
  buildReport,
  normalizeReportOptions,
  type ReportOptions,
  type UtilizationReport,
} from './report/utilization-report';
import type {
  MetricDefinition,
  MetricValue,
  ResourceCategory,
  ResourceHealth,
  ResourceManagerCounters,
  ResourceManagerOptions,
  ResourceMetricHandle,
  ResourceMetricSpec,
  ResourceRegistration,
  ResourceRegistry,
  ResourceTypeMonitorLike,
} from './types';

/** Every option of {@link ResourceManagerOptions}; anything else is an error naming the key. */
const MANAGER_OPTION_KEYS = [
  'meter',
  'monitor',
  'intervalMillis',
  'collectTimeoutMillis',
  'metricPrefix',
  'maxResources',
  'maxSeriesPerMetric',
  'historySize',
  'reportWindowMillis',
  'shutdownTimeoutMillis',
] as const satisfies readonly (keyof ResourceManagerOptions)[];
// Compile-time: every option is listed (a new option that is not fails the build).
const _manager_option_keys_complete: [
  Exclude<keyof ResourceManagerOptions, (typeof MANAGER_OPTION_KEYS)[number]>,
] extends [never]
  ? true
  : never = true;
void _manager_option_keys_complete;

const PREFIX = 'ResourceManager';
const DISCOVERY_OPTION_KEYS = ['modules', 'idFor'] as const satisfies readonly (keyof DiscoveryOptions)[];
const DISCOVER_OPTION_KEYS = [
  'resourceType',
  ...DISCOVERY_OPTION_KEYS,
] as const satisfies readonly (keyof DiscoverResourcesOptions)[];
const RESOURCE_METRIC_SPEC_KEYS = [
  'name',
  'type',
  'description',
  'unit',
  'labels',
] as const satisfies readonly (keyof ResourceMetricSpec)[];
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.:\-/@]{0,127}$/;
const CATEGORIES: readonly ResourceCategory[] = ['database', 'cache', 'queue', 'http', 'pool', 'custom'];

/** Kinds whose category is known without being told. */
const DEFAULT_CATEGORY: Readonly<Record<string, ResourceCategory>> = {
  pg: 'database',
  mysql2: 'database',
  database: 'database',
  ioredis: 'cache',
  redis: 'cache',
  amqplib: 'queue',
  'http-agent': 'http',
  'undici-agent': 'http',
  'generic-pool': 'pool',
  piscina: 'pool',
  workerpool: 'pool',
  'file-handles': 'custom',
  custom: 'custom',
};

/**
 * The registry of monitored resources (pools, clients, queues). Each resource kind is a
 * {@link ResourceTypeMonitorLike} (see `ResourceTypeMonitor`); every interval the manager asks each
 * kind to collect its resources, publishes the values as OpenTelemetry instruments with
 * `resource.id` / `resource.type`, and records unlabelled values in the `ResourceMonitor`
 * (`recordMetric(metric, value, { resourceId })`), so per-resource thresholds, alert handlers,
 * webhooks and the monitor's `alerts` health check all apply.
 *
 * @example
 * const monitor = new ResourceMonitor({ interval: 5 });
 * const manager = new ResourceManager({ monitor, meter: metrics.getMeter('app') });
 * manager.registerTypeMonitor(new PgPoolMonitor(manager));
 * manager.register({ id: 'main-db', type: 'pg', resource: pool });
 * manager.setThreshold({ resourceId: 'main-db', metric: 'connection_pool_usage', warning: 0.7, critical: 0.9 });
 * await manager.start();
 */
export class ResourceManager implements ResourceRegistry {
  readonly monitor: ResourceMonitor;
  readonly intervalMillis: number;
  readonly collectTimeoutMillis: number;
  private readonly _store: MetricStore;
  private readonly _maxResources: number;
  private readonly _reportWindowMillis: number | null;
  private readonly _shutdownTimeoutMillis: number;
  private readonly _closers: Array<() => void> = [];
  private readonly _types = new Map<string, ResourceTypeMonitorLike>();
  private readonly _resources = new Map<string, ResourceRegistration>();
  private readonly _collecting = new Set<string>();
  private readonly _als = new AsyncLocalStorage<string>();
  private readonly _counters = {
    collections: 0,
    collectErrors: 0,
    collectTimeouts: 0,
    seriesDropped: 0,
    anomalies: 0,
  };
  private readonly _registerListeners = new Set<(r: ResourceRegistration) => void>();
  private _detector: AnomalyDetector | undefined;
  private readonly _discoveries: DiscoveryHandle[] = [];
  private readonly _ownsMonitor: boolean;
  private _timer: NodeJS.Timeout | undefined;
  private _running = false;
  private _shutdown = false;
  private _shutdownPromise: Promise<void> | undefined;
  private _tick: Promise<void> | undefined;

  constructor(options: ResourceManagerOptions = {}) {
    if (options === null || typeof options !== 'object')
      throw new Error(`${PREFIX}: options must be an object`);
    checkOptionKeys(options, MANAGER_OPTION_KEYS, PREFIX);
    if (options.monitor !== undefined && !(options.monitor instanceof ResourceMonitor))
      throw new Error(`${PREFIX}: options.monitor must be a ResourceMonitor from @otelkit/resource-monitor`);
    if (options.meter !== undefined && typeof options.meter?.createObservableGauge !== 'function')
      throw new Error(`${PREFIX}: options.meter must be an OpenTelemetry Meter`);
    this.intervalMillis = checkInteger(options.intervalMillis, `${PREFIX}: options.intervalMillis`, {
      min: 10,
      max: 86_400_000,
      default: DEFAULT_POOLS.intervalMillis,
    });
    this.collectTimeoutMillis = checkInteger(
      options.collectTimeoutMillis,
      `${PREFIX}: options.collectTimeoutMillis`,
      { min: 1, max: 600_000, default: DEFAULT_POOLS.collectTimeoutMillis },
    );
    this._reportWindowMillis =
      options.reportWindowMillis === undefined || options.reportWindowMillis === null
        ? null
        : checkInteger(options.reportWindowMillis, `${PREFIX}: options.reportWindowMillis`, {
            min: 1,
            max: 2 ** 31 - 1,
          });
    this._shutdownTimeoutMillis = checkInteger(
      options.shutdownTimeoutMillis,
      `${PREFIX}: options.shutdownTimeoutMillis`,
      // the config's one shutdown budget may be anything a timer holds: '11m' passed loadConfig
      // and then failed startMonitoring with a plain Error (issue 14 item 7)
      { min: 1, max: 2 ** 31 - 1, default: 5000 },
    );
    this._maxResources = checkInteger(options.maxResources, `${PREFIX}: options.maxResources`, {
      min: 1,
      max: 100_000,
      default: DEFAULT_POOLS.maxResources,
    });
    const prefix = options.metricPrefix ?? 'otelkit.resource.';
    if (typeof prefix !== 'string') throw new Error(`${PREFIX}: options.metricPrefix must be a string`);
    this._ownsMonitor = options.monitor === undefined;
    this.monitor =
      options.monitor ??
      new ResourceMonitor({ intervalMillis: this.intervalMillis, hostMetricGroups: false });
    const meter: Meter = options.meter ?? metrics.getMeter('@otelkit/resource-manager');
    this._store = new MetricStore({
      meter,
      prefix,
      maxSeriesPerMetric: checkInteger(options.maxSeriesPerMetric, `${PREFIX}: options.maxSeriesPerMetric`, {
        min: 1,
        max: 100_000,
        default: DEFAULT_POOLS.maxSeriesPerMetric,
      }),
      historySize: checkInteger(options.historySize, `${PREFIX}: options.historySize`, {
        min: 1,
        max: 1_000_000,
        default: DEFAULT_POOLS.historySize,
      }),
      onDrop: () => {
        this._counters.seriesDropped++;
      },
    });
    defineShutdownShare(this, this._shutdownTimeoutMillis, (ms) => this._shutdownWithin(ms));
  }

  /** `true` between `start()` and `stop()`. */
  get isRunning(): boolean {
    return this._running;
  }

  /** Adds a resource kind; its `setupMetrics()` runs now. Throws when the kind is already registered. */
  registerTypeMonitor(typeMonitor: ResourceTypeMonitorLike): void {
    if (!typeMonitor || typeof typeMonitor.collectMetrics !== 'function' || !typeMonitor.resourceType)
      throw new Error(`${PREFIX}: registerTypeMonitor needs a ResourceTypeMonitor`);
    if (this._types.has(typeMonitor.resourceType))
      throw new Error(
        `${PREFIX}: a monitor for resource type ${JSON.stringify(typeMonitor.resourceType)} is already registered`,
      );
    typeMonitor.setupMetrics();
    this._types.set(typeMonitor.resourceType, typeMonitor);
    for (const r of this._resources.values())
      if (r.type === typeMonitor.resourceType) this._hook(typeMonitor, r);
  }

  /** The kind registered for `type`. */
  getTypeMonitor(type: string): ResourceTypeMonitorLike | undefined {
    return this._types.get(type);
  }

  /**
   * Registers a resource: `register({ id: 'main-db', type: 'pg', resource: pool })`. Its kind must
   * be (or later be) registered. Throws on a bad or duplicate id. Returns the registration.
   */
  register<T>(registration: ResourceRegistration<T>): ResourceRegistration<T> {
    const r = registration;
    if (!r || typeof r !== 'object') throw new Error(`${PREFIX}: register needs { id, type, resource }`);
    if (typeof r.id !== 'string' || !ID_RE.test(r.id))
      throw new Error(`${PREFIX}: resource id must match ${ID_RE}, got ${JSON.stringify(r.id)}`);
    if (typeof r.type !== 'string' || r.type.length === 0)
      throw new Error(`${PREFIX}: resource ${JSON.stringify(r.id)}: type must be a non-empty string`);
    if (r.resource === undefined || r.resource === null)
      throw new Error(`${PREFIX}: resource ${JSON.stringify(r.id)}: resource is required`);
    if (r.category !== undefined && !CATEGORIES.includes(r.category))
      throw new Error(
        `${PREFIX}: resource ${JSON.stringify(r.id)}: category must be one of ${CATEGORIES.join(', ')}`,
      );
    if (this._resources.has(r.id))
      throw new Error(`${PREFIX}: resource ${JSON.stringify(r.id)} is already registered`);
    if (this._resources.size >= this._maxResources)
      throw new Error(
        `${PREFIX}: maxResources (${this._maxResources}) reached; ${JSON.stringify(r.id)} not registered`,
      );
    for (const other of this._resources.values())
      if (other.resource === r.resource) {
        // Allowed (each id gets its own series and hooks), but usually discovery and the app both did it.
        diag.warn(
          `@otelkit/resource-manager: ${JSON.stringify(r.id)} is the same object as ${JSON.stringify(other.id)}, already registered`,
        );
        break;
      }
    const category = r.category ?? DEFAULT_CATEGORY[r.type] ?? 'custom';
    const tm = this._types.get(r.type);
    let peer = r.peer;
    try {
      peer ??= tm?.peerOf?.(r.resource);
    } catch {
      peer = undefined;
    }
    const full = Object.freeze({
      ...r,
      name: r.name ?? r.id,
      category,
      ...(peer ? { peer } : {}),
    }) as ResourceRegistration<T>;
    this._resources.set(r.id, full as ResourceRegistration);
    if (tm?.onRegister) {
      try {
        tm.onRegister(full as ResourceRegistration);
      } catch (err) {
        // A kind rejecting the object (wrong shape) is a registration error: loud, and nothing kept.
        this._resources.delete(r.id);
        this._store.dropResource(r.id);
        throw err;
      }
    }
    for (const l of this._registerListeners) {
      try {
        l(full as ResourceRegistration);
      } catch (err) {
        diag.warn(`@otelkit/resource-manager: register listener failed: ${(err as Error).message}`);
      }
    }
    return full;
  }

  /** Removes a resource and forgets its series. */
  unregister(id: string): boolean {
    const r = this._resources.get(id);
    if (!r) return false;
    this._resources.delete(id);
    try {
      this._types.get(r.type)?.onUnregister?.(r);
    } catch (err) {
      diag.warn(`@otelkit/resource-manager: onUnregister(${id}) failed: ${(err as Error).message}`);
    }
    this._store.dropResource(id);
    return true;
  }

  getResource(id: string): ResourceRegistration | undefined {
    return this._resources.get(id);
  }

  /** Registered resources, optionally of one kind or category. */
  getResources(filter: { type?: string; category?: ResourceCategory } = {}): ResourceRegistration[] {
    return [...this._resources.values()].filter(
      (r) =>
        (filter.type === undefined || r.type === filter.type) &&
        (filter.category === undefined || r.category === filter.category),
    );
  }

  /** Calls `listener` for every resource registered from now on (discovery, health adapters). */
  onRegister(listener: (resource: ResourceRegistration) => void): () => void {
    this._registerListeners.add(listener);
    return () => this._registerListeners.delete(listener);
  }

  /** Starts collecting every `intervalMillis` (first collection at once). Idempotent; the timer is unref()ed. */
  async start(): Promise<void> {
    if (this._running || this._shutdown) return;
    this._running = true;
    await this.collectNow();
    this._schedule();
  }

  /** Stops collecting and waits for a collection in progress. Idempotent. */
  async stop(): Promise<void> {
    if (!this._running) return;
    this._running = false;
    clearTimeout(this._timer);
    this._timer = undefined;
    await this._tick?.catch(() => undefined);
  }

  /**
   * Stops, unhooks every resource and stops publishing. Idempotent (a second call returns the same
   * promise), never rejects, bounded by the `shutdownTimeoutMillis` option (`startMonitoring`: config
   * `shutdown.timeout`, of which it gives the manager its share through an internal path).
   */
  shutdown(): Promise<void> {
    return this._shutdownWithin(this._shutdownTimeoutMillis);
  }

  /** The one memoised shutdown, bounded by `timeoutMillis` (whichever call comes first decides). */
  private _shutdownWithin(timeoutMillis: number): Promise<void> {
    this._shutdownPromise ??= this._runShutdown(timeoutMillis);
    return this._shutdownPromise;
  }

  private async _runShutdown(timeoutMillis: number): Promise<void> {
    this._shutdown = true;
    const deadline = Date.now() + timeoutMillis;
    try {
      for (const close of this._closers.splice(0).reverse()) {
        try {
          close();
        } catch (err) {
          diag.warn(`@otelkit/resource-manager: shutdown: ${(err as Error).message}`);
        }
      }
      // Newest first: handles on the same driver stack their hooks, and each unhooks only from the top.
      for (const d of this._discoveries.splice(0).reverse()) d.stop();
      const stopped = await settleWithin(this.stop(), timeoutMillis);
      if (stopped.status === 'rejected') throw stopped.reason;
      for (const id of [...this._resources.keys()]) this.unregister(id);
      this._store.close();
      // A monitor we created is ours to close (alert handlers still queued get the rest of the budget).
      if (this._ownsMonitor) await shutdownWithin(this.monitor, Math.max(0, deadline - Date.now()));
    } catch (err) {
      diag.warn(`@otelkit/resource-manager: shutdown: ${(err as Error).message}`);
    }
  }

  /**
   * Collects every resource now (as the interval does). A resource whose previous collection is
   * still running is skipped; each is bounded by `collectTimeoutMillis`. Never rejects.
   */
  collectNow(): Promise<void> {
    if (this._tick) return this._tick;
    const run = async () => {
      await Promise.all([...this._resources.values()].map((r) => this._collectOne(r)));
    };
    const tick = run().finally(() => {
      this._tick = undefined;
    });
    this._tick = tick;
    return tick;
  }

  /**
   * Declares a metric of one resource and returns a handle that reports its values (uno's
   * `resource_monitor.add_metric(resource_id=…, metric=Gauge(…))`). The type defaults to `gauge`;
   * a metric already declared (by a kind, or for another resource) is shared, its type must match.
   *
   * @example
   * const usage = manager.addMetric('main-db', { name: 'connection_pool_usage', description: '…', labels: ['database_name', 'pool_id'] });
   * usage.set(0.42, { database_name: 'orders', pool_id: 'main' });
   */
  addMetric(resourceId: string, metric: ResourceMetricSpec): ResourceMetricHandle {
    if (typeof resourceId !== 'string' || resourceId.length === 0)
      throw new Error(`${PREFIX}.addMetric: resourceId must be a non-empty string`);
    if (!metric || typeof metric !== 'object')
      throw new Error(`${PREFIX}.addMetric: metric must be { name, description?, labels?, type?, unit? }`);
    checkOptionKeys(metric, RESOURCE_METRIC_SPEC_KEYS, `${PREFIX}.addMetric`);
    if (!this._resources.has(resourceId))
      diag.warn(`@otelkit/resource-manager: addMetric for unknown resource ${resourceId}`);
    const type = metric.type ?? 'gauge';
    const known = this._store.definition(metric.name);
    if (known && known.type !== type)
      throw new Error(`${PREFIX}.addMetric: ${metric.name} is already a ${known.type}, not a ${type}`);
    if (!known) this.defineMetric({ ...metric, type });
    const name = metric.name;
    return {
      name,
      resourceId,
      set: (value, labels) => this.report(resourceId, name, value, labels),
      add: (value, labels) => this.report(resourceId, name, value, labels, true),
      get: () => this.getValue(resourceId, name),
    };
  }

  /** Declares an instrument (used by `ResourceTypeMonitor.addMetric`). */
  defineMetric(def: MetricDefinition): void {
    this._store.define(def);
  }

  /** The id of the resource being collected in this async context, if any. */
  currentResourceId(): string | undefined {
    return this._als.getStore();
  }

  /**
   * Reports a value of a resource (used by `ResourceTypeMonitor.updateMetric`). Unlabelled gauge
   * and counter values also go to the monitor (thresholds, history) and the anomaly detector.
   */
  report(
    resourceId: string,
    metric: string,
    value: number,
    labels?: Readonly<Record<string, unknown>>,
    add = false,
  ): void {
    if (typeof value !== 'number' || Number.isNaN(value)) return;
    const r = this._resources.get(resourceId);
    if (!r) return;
    const now = Date.now();
    const v = this._store.update(
      metric,
      value,
      resourceId,
      r.type,
      labels,
      r.attributes,
      now,
      add,
      r.category,
    );
    if (!v) return;
    const def = this._store.definition(metric);
    if (!def || def.type === 'histogram' || (def.labels?.length ?? 0) > 0) return;
    this.monitor.recordMetric(metric, v.value, { resourceId, timestamp: now });
    this._detector?.observe(resourceId, metric, v.value, now);
  }

  /** Last value of every series, optionally of one resource or metric. */
  getValues(filter: { resourceId?: string; metric?: string } = {}): MetricValue[] {
    return this._store.values(filter);
  }

  /** Last value of an unlabelled metric of a resource. */
  getValue(resourceId: string, metric: string): number | undefined {
    return this._store.values({ resourceId, metric }).find((v) => Object.keys(v.labels).length === 0)?.value;
  }

  /**
   * A per-resource threshold in the monitor's alert engine:
   * `setThreshold({ resourceId: 'main-db', metric: 'connection_pool_usage', warning: 0.7, critical: 0.9, message })`.
   * Throws on an invalid threshold.
   */
  setThreshold(spec: KeyedThresholdSpec): void {
    if (!spec || typeof spec !== 'object')
      throw new Error(`${PREFIX}: setThreshold needs { resourceId, metric, ... }`);
    if (spec.resourceId !== undefined && !this._resources.has(spec.resourceId))
      diag.warn(`@otelkit/resource-manager: threshold for unknown resource ${spec.resourceId}`);
    this.monitor.setThreshold(spec);
  }

  /** Attaches the anomaly detector that sees every unlabelled value (replaces an earlier one). */
  setAnomalyDetector(detector: AnomalyDetector): void {
    if (!detector || typeof detector.observe !== 'function')
      throw new Error(`${PREFIX}: setAnomalyDetector needs an AnomalyDetector`);
    this._detector = detector;
    detector.bind((event) => {
      this._counters.anomalies += event.state === 'firing' ? 1 : 0;
      this.monitor.dispatchAlert(event);
    });
  }

  get anomalyDetector(): AnomalyDetector | undefined {
    return this._detector;
  }

  /**
   * Watches one metric of one resource for anomalies (needs `setAnomalyDetector` first):
   * `configureAnomalyDetection({ resourceId: 'main-db', metric: 'connection_pool_usage', sensitivity: 0.8, trainingPeriod: '7d' })`.
   */
  configureAnomalyDetection(options: AnomalyDetectionOptions): void {
    if (!this._detector)
      throw new Error(
        `${PREFIX}: configureAnomalyDetection needs setAnomalyDetector(new AnomalyDetector()) first`,
      );
    this._detector.configure(options);
  }

  /**
   * Registers the pools and clients of one category (`database`, `cache`, `pool`) or kind (`pg`,
   * `mysql2`, `ioredis`, `generic-pool`) that the app creates from now on, by hooking the driver's
   * constructors and first-use methods (see `startDiscovery`). Unhooked by `handle.stop()` and by `shutdown()`.
   *
   * Also takes uno's keyword form, `discoverResources({ resourceType: 'database' })`.
   *
   * @example
   * manager.discoverResources('database');
   * const pool = new pg.Pool({ max: 5 }); // registered as `pg-1`
   */
  discoverResources(
    what: ResourceCategory | DiscoverableKind | DiscoverResourcesOptions,
    options: DiscoveryOptions = {},
  ): DiscoveryHandle {
    let kinds: ResourceCategory | DiscoverableKind;
    if (typeof what === 'object' && what !== null) {
      checkOptionKeys(what, DISCOVER_OPTION_KEYS, `${PREFIX}.discoverResources`);
      const { resourceType, ...rest } = what;
      if (typeof resourceType !== 'string')
        throw new Error(`${PREFIX}.discoverResources: resourceType must be a category or kind name`);
      kinds = resourceType;
      options = { ...rest, ...options };
    } else kinds = what;
    checkOptionKeys(options, DISCOVERY_OPTION_KEYS, `${PREFIX}.discoverResources`);
    const handle = startDiscovery(this, kindsOf(kinds), options);
    this._discoveries.push(handle);
    return handle;
  }

  /** {@link discoverResources} for every discoverable kind. */
  discoverAllResources(options: DiscoveryOptions = {}): DiscoveryHandle {
    checkOptionKeys(options, DISCOVERY_OPTION_KEYS, `${PREFIX}.discoverAllResources`);
    const handle = startDiscovery(this, DISCOVERABLE_KINDS, options);
    this._discoveries.push(handle);
    return handle;
  }

  /**
   * Utilization report over a window (see {@link UtilizationReport}); without `start`, the last
   * `reportWindowMillis` when that option is set.
   */
  generateReport(input: ReportOptions = {}): UtilizationReport {
    const options = normalizeReportOptions(input);
    let window = options;
    if (options.start === undefined && this._reportWindowMillis !== null) {
      const end = options.end === undefined ? Date.now() : +options.end;
      window = { ...options, start: end - this._reportWindowMillis, end };
    }
    return buildReport(window, {
      histories: (from, to) => this._store.histories(from, to),
      resources: () => this.getResources(),
      thresholds: () => this.monitor.getThresholds(),
      alerts: (since) => this.monitor.getAlertHistory({ since }),
    });
  }

  /** Service → resource graph from registered resources plus peers seen in spans. */
  generateDependencyGraph(options: DependencyGraphOptions = {}): DependencyGraph {
    return buildDependencyGraph(this.getResources(), options);
  }

  /**
   * Health of one resource: its kind's `checkHealth` (bounded by `timeoutMillis`) and no critical
   * alert firing on it. Never rejects.
   */
  async checkResource(id: string, signal?: AbortSignal, timeoutMillis = 2000): Promise<ResourceHealth> {
    const r = this._resources.get(id);
    if (!r) return { healthy: false, message: `resource ${id} is not registered` };
    const critical = this.monitor
      .getActiveAlerts()
      .filter((a) => a.resourceId === id && a.level === 'critical');
    const tm = this._types.get(r.type);
    let own: ResourceHealth = { healthy: true };
    if (tm?.checkHealth) {
      const controller = new AbortController();
      const onAbort = () => controller.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const checked = await settleWithin(
        Promise.resolve().then(() => tm.checkHealth!(r, controller.signal)),
        timeoutMillis,
      );
      signal?.removeEventListener('abort', onAbort);
      if (checked.status === 'fulfilled') own = checked.value;
      else {
        controller.abort();
        own = {
          healthy: false,
          message:
            checked.status === 'timedOut'
              ? `health of ${id} timed out after ${timeoutMillis} ms`
              : `health check failed: ${(checked.reason as Error)?.message}`,
        };
      }
    }
    if (critical.length === 0) return own;
    return {
      healthy: false,
      message: [`critical: ${critical.map((a) => a.alert).join(', ')}`, own.message]
        .filter(Boolean)
        .join('; ')
        .slice(0, 300),
      ...(own.details ? { details: own.details } : {}),
    };
  }

  /** Runs `close` at `shutdown()`, newest first (health adapters made for this manager). */
  closeOnShutdown(close: () => void): void {
    if (this._shutdown) close();
    else this._closers.push(close);
  }

  /** Collects every resource now, so the instruments hold current values. Never rejects. */
  forceFlush(): Promise<void> {
    return this.collectNow();
  }

  /** What the manager collected, dropped and failed at (the same handle shape as every package's). */
  stats(): ResourceManagerCounters {
    return this.getCounters();
  }

  /** @deprecated use {@link stats} (the same counters). */
  getCounters(): ResourceManagerCounters {
    return { ...this._counters };
  }

  private _hook(tm: ResourceTypeMonitorLike, r: ResourceRegistration): void {
    try {
      tm.onRegister?.(r);
    } catch (err) {
      diag.warn(`@otelkit/resource-manager: onRegister(${r.id}) failed: ${(err as Error).message}`);
    }
  }

  private async _collectOne(r: ResourceRegistration): Promise<void> {
    const tm = this._types.get(r.type);
    if (!tm || this._collecting.has(r.id)) return;
    this._collecting.add(r.id);
    const work = this._als.run(r.id, () => Promise.resolve().then(() => tm.collectMetrics(r)));
    work
      .catch(() => undefined)
      .finally(() => this._collecting.delete(r.id))
      .catch(() => undefined);
    const collected = await settleWithin(work, this.collectTimeoutMillis);
    if (collected.status === 'fulfilled') {
      this._counters.collections++;
      return;
    }
    let why: string;
    if (collected.status === 'timedOut') {
      this._counters.collectTimeouts++;
      why = `collect ${r.id} timed out after ${this.collectTimeoutMillis} ms`;
    } else {
      this._counters.collectErrors++;
      why = (collected.reason as Error)?.message;
    }
    diag.warn(`@otelkit/resource-manager: collecting ${r.id} failed: ${why}`);
  }

  private _schedule(): void {
    this._timer = setTimeout(() => {
      this._timer = undefined;
      void this.collectNow().finally(() => {
        if (this._running) this._schedule();
      });
    }, this.intervalMillis);
    this._timer.unref();
  }
}
