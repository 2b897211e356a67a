import type { Meter } from '@opentelemetry/api';
import type { ResourceMonitor } from '@otelkit/resource-monitor';

/** Instrument kinds a {@link MetricDefinition} can ask for. */
export type ResourceMetricType = 'gauge' | 'counter' | 'updowncounter' | 'histogram';

/**
 * One metric of a resource kind. Gauges, counters and up-down counters are observable
 * instruments read lazily (at collection) from the last value given to `updateMetric`; a counter's
 * value is the cumulative total. Histograms record every value given to `updateMetric`.
 */
export interface MetricDefinition {
  /** Logical name (`connection_pool_usage`); the instrument is `<prefix><name>`. */
  readonly name: string;
  readonly type: ResourceMetricType;
  readonly description?: string;
  /** UCUM unit (`s`, `1`, `{connection}`). */
  readonly unit?: string;
  /** Label keys allowed on this metric; any other key is dropped. @default [] */
  readonly labels?: readonly string[];
}

/** What `addMetric(resourceId, metric)` takes: a {@link MetricDefinition} whose type defaults to `gauge`. */
export interface ResourceMetricSpec {
  readonly name: string;
  /** @default 'gauge' */
  readonly type?: ResourceMetricType;
  readonly description?: string;
  readonly unit?: string;
  readonly labels?: readonly string[];
}

/** What `addMetric` returns: reports the metric of its one resource. */
export interface ResourceMetricHandle {
  readonly name: string;
  readonly resourceId: string;
  /** The current value (gauges, up-down counters) or a histogram observation. */
  set(value: number, labels?: Readonly<Record<string, unknown>>): void;
  /** Adds to the value (counters, up-down counters). */
  add(value: number, labels?: Readonly<Record<string, unknown>>): void;
  /** The last unlabelled value, if any. */
  get(): number | undefined;
}

/** A resource as registered: its id, kind, the object itself and optional peer facts for the graph. */
export interface ResourceRegistration<T = unknown> {
  /** Unique id (`main-db`). */
  readonly id: string;
  /** The kind; selects the {@link ResourceTypeMonitorLike} that collects it. */
  readonly type: string;
  /** The pool, client, channel, agent… */
  readonly resource: T;
  /** Shown in reports and the graph. @default id */
  readonly name?: string;
  /** Category for the graph and discovery: `database`, `cache`, `queue`, `http`, `pool`, `custom`. */
  readonly category?: ResourceCategory;
  /** Peer address (`127.0.0.1:5432`) used to join the resource with peers seen in spans. */
  readonly peer?: string;
  /** Extra attributes put on every metric of this resource (bounded by the label rules). */
  readonly attributes?: Readonly<Record<string, string>>;
}

export type ResourceCategory = 'database' | 'cache' | 'queue' | 'http' | 'pool' | 'custom';

/** The last known value of one series. */
export interface MetricValue {
  readonly resourceId: string;
  readonly resourceType: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestamp: number;
}

/** Health of one resource, as a type monitor sees it. */
export interface ResourceHealth {
  readonly healthy: boolean;
  readonly message?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What {@link ResourceManager} needs from a type monitor (the base class implements it). */
export interface ResourceTypeMonitorLike {
  readonly resourceType: string;
  /** Called once, when the type monitor is registered. */
  setupMetrics(): void;
  /** Reads one resource and reports through `updateMetric`. */
  collectMetrics(resource: ResourceRegistration): Promise<void> | void;
  /** Optional health probe of one resource. */
  checkHealth?(resource: ResourceRegistration, signal: AbortSignal): Promise<ResourceHealth> | ResourceHealth;
  /** Called when a resource of this kind is registered (hook events, wrap acquire…). */
  onRegister?(resource: ResourceRegistration): void;
  /** Called when it is unregistered (undo what onRegister did). */
  onUnregister?(resource: ResourceRegistration): void;
  /** `host:port` of what the resource talks to, when registration gives none. */
  peerOf?(resource: unknown): string | undefined;
}

/**
 * What a resource kind needs from the manager it reports to; `ResourceManager` implements it.
 * Kinds (and `ResourceTypeMonitor`) depend on this interface rather than on the class, so the
 * manager — which loads the built-in kinds through discovery — and the kinds never import each other.
 */
export interface ResourceHost {
  /** Adds a resource kind; its `setupMetrics()` runs now. Throws when the kind is already registered. */
  registerTypeMonitor(typeMonitor: ResourceTypeMonitorLike): void;
  /** The kind registered for `type`. */
  getTypeMonitor(type: string): ResourceTypeMonitorLike | undefined;
  /** Declares an instrument (used by `ResourceTypeMonitor.addMetric`). */
  defineMetric(def: MetricDefinition): void;
  /** The id of the resource being collected in this async context, if any. */
  currentResourceId(): string | undefined;
  /** Reports a value of a resource (used by `ResourceTypeMonitor.updateMetric`). */
  report(
    resourceId: string,
    metric: string,
    value: number,
    labels?: Readonly<Record<string, unknown>>,
    add?: boolean,
  ): void;
}

/**
 * A {@link ResourceHost} that also holds the registrations: what discovery and
 * `ResourceHealthAdapter` need. `ResourceManager` implements it.
 */
export interface ResourceRegistry extends ResourceHost {
  /** Registers a resource; throws on a bad or duplicate id. Returns the registration. */
  register<T>(registration: ResourceRegistration<T>): ResourceRegistration<T>;
  getResource(id: string): ResourceRegistration | undefined;
  /** Registered resources, optionally of one kind or category. */
  getResources(filter?: { type?: string; category?: ResourceCategory }): ResourceRegistration[];
  /** Calls `listener` for every resource registered from now on; returns the function that stops it. */
  onRegister(listener: (resource: ResourceRegistration) => void): () => void;
  /** Health of one resource, bounded by `timeoutMillis`. Never rejects. */
  checkResource(id: string, signal?: AbortSignal, timeoutMillis?: number): Promise<ResourceHealth>;
}

/** Options of {@link ResourceManager}. */
export interface ResourceManagerOptions {
  /** Where metrics go. @default a no-op meter from `@opentelemetry/api` global provider */
  readonly meter?: Meter;
  /**
   * Alerts, thresholds and history go through this monitor (`recordMetric(name, value, { resourceId })`).
   * @default a private `ResourceMonitor` that is never started (used only for its alert engine and history)
   */
  readonly monitor?: ResourceMonitor;
  /** Collection interval of all resources. @default 5000 */
  readonly intervalMillis?: number;
  /** Budget of one resource's `collectMetrics`; past it the collection counts as an error. @default 5000 */
  readonly collectTimeoutMillis?: number;
  /** Instrument name prefix. @default 'otelkit.resource.' */
  readonly metricPrefix?: string;
  /** Resources registered at once; past it `register` throws. @default 1000 */
  readonly maxResources?: number;
  /** Distinct label sets per metric per resource; past it new ones are dropped and counted. @default 100 */
  readonly maxSeriesPerMetric?: number;
  /** Points kept per series for reports (ring buffer). @default 1440 */
  readonly historySize?: number;
  /** Window of `generateReport()` when the call gives no `start`; `null`: from the oldest point kept. @default null */
  readonly reportWindowMillis?: number | null;
  /** Budget of `shutdown()`. @default 5000 */
  readonly shutdownTimeoutMillis?: number;
}

/** Counters of everything the manager dropped or failed at. */
export interface ResourceManagerCounters {
  readonly collections: number;
  readonly collectErrors: number;
  readonly collectTimeouts: number;
  readonly seriesDropped: number;
  readonly anomalies: number;
}
