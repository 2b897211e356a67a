import { diag } from '@opentelemetry/api';
import { checkOptionKeys } from '@otelkit/config';
import { checkDefinition } from './internal/metric-store';
import type {
  MetricDefinition,
  ResourceHealth,
  ResourceHost,
  ResourceRegistration,
  ResourceTypeMonitorLike,
} from './types';

/** Options of {@link ResourceTypeMonitor}. */
export interface ResourceTypeMonitorOptions {
  /** The kind this monitor collects (`database`, `pg`, `redis`…); resources registered with this `type` go to it. */
  readonly resourceType: string;
}

/**
 * Base class of a resource kind: declare metrics in {@link setupMetrics}, read one resource in
 * {@link collectMetrics} and report with {@link updateMetric}. Metrics are real OpenTelemetry
 * instruments carrying `resource.id` and `resource.type`; label keys are limited to those declared.
 *
 * @example
 * class DatabaseMonitor extends ResourceTypeMonitor {
 *   constructor(manager: ResourceHost) { super(manager, { resourceType: 'database' }); }
 *   setupMetrics() {
 *     this.addMetric({ name: 'query_count', description: 'Queries run', type: 'counter', labels: ['query_type', 'database_name'] });
 *   }
 *   async collectMetrics(resource: ResourceRegistration<Db>) {
 *     const s = await resource.resource.getStatistics();
 *     this.updateMetric('query_count', s.totalQueries, { database_name: resource.name, query_type: 'all' });
 *   }
 * }
 * manager.registerTypeMonitor(new DatabaseMonitor(manager));
 */
export abstract class ResourceTypeMonitor<T = unknown> implements ResourceTypeMonitorLike {
  readonly resourceType: string;
  readonly manager: ResourceHost;
  /** Metrics limited to one resource (`addMetric('main-db', def)`): metric → resource id. */
  private readonly _scoped = new Map<string, string>();
  private readonly _metrics = new Set<string>();

  constructor(manager: ResourceHost, options: ResourceTypeMonitorOptions) {
    if (!manager || typeof manager.registerTypeMonitor !== 'function')
      throw new Error('ResourceTypeMonitor: the first argument must be a ResourceManager');
    if (options && typeof options === 'object')
      checkOptionKeys(
        options,
        ['resourceType'],
        `ResourceTypeMonitor(${JSON.stringify(options.resourceType)})`,
      );
    if (!options || typeof options.resourceType !== 'string' || options.resourceType.length === 0)
      throw new Error('ResourceTypeMonitor: options.resourceType must be a non-empty string');
    this.manager = manager;
    this.resourceType = options.resourceType;
  }

  /** Declares the metrics of this kind (called once, on registration). */
  abstract setupMetrics(): void;

  /** Reads one resource and reports its values with {@link updateMetric}. */
  abstract collectMetrics(resource: ResourceRegistration<T>): Promise<void> | void;

  /** Optional: the health of one resource (used by `ResourceHealthAdapter`). */
  checkHealth?(
    resource: ResourceRegistration<T>,
    signal: AbortSignal,
  ): Promise<ResourceHealth> | ResourceHealth;

  /** Optional: hook the resource when it is registered (events, acquire timing). */
  onRegister?(resource: ResourceRegistration<T>): void;

  /** Optional: undo {@link onRegister}. */
  onUnregister?(resource: ResourceRegistration<T>): void;

  /**
   * Declares a metric: `addMetric({ name, type, labels })` for every resource of this kind, or
   * `addMetric('main-db', { name, type, labels })` for a single resource. Throws on a bad definition.
   */
  addMetric(definition: MetricDefinition): void;
  addMetric(resourceId: string, definition: MetricDefinition): void;
  addMetric(a: string | MetricDefinition, b?: MetricDefinition): void {
    const def = checkDefinition(
      (typeof a === 'string' ? b : a) as MetricDefinition,
      `${this.constructor.name}.addMetric`,
    );
    this.manager.defineMetric(def);
    this._metrics.add(def.name);
    if (typeof a === 'string') this._scoped.set(def.name, a);
  }

  /** Names of the metrics this kind declared. */
  metricNames(): string[] {
    return [...this._metrics];
  }

  /**
   * Reports a value: the new gauge value, the cumulative total of a counter, or one histogram
   * observation. Inside {@link collectMetrics} the resource is the one being collected; elsewhere
   * pass it (or its id). Never throws.
   */
  updateMetric(
    name: string,
    value: number,
    labels?: Readonly<Record<string, unknown>>,
    resource?: ResourceRegistration | string,
  ): void {
    this._report(name, value, labels, resource, false);
  }

  /** Adds `delta` to a counter (event counts: errors, acquisitions). Never throws. */
  incrementMetric(
    name: string,
    delta = 1,
    labels?: Readonly<Record<string, unknown>>,
    resource?: ResourceRegistration | string,
  ): void {
    this._report(name, delta, labels, resource, true);
  }

  private _report(
    name: string,
    value: number,
    labels: Readonly<Record<string, unknown>> | undefined,
    resource: ResourceRegistration | string | undefined,
    add: boolean,
  ): void {
    try {
      if (!this._metrics.has(name)) {
        diag.debug(`@otelkit/resource-manager: ${this.resourceType}: metric ${name} was not added; ignored`);
        return;
      }
      const id = typeof resource === 'string' ? resource : (resource?.id ?? this.manager.currentResourceId());
      if (id === undefined) {
        diag.warn(`@otelkit/resource-manager: updateMetric(${name}) outside collectMetrics needs a resource`);
        return;
      }
      const scope = this._scoped.get(name);
      if (scope !== undefined && scope !== id) return;
      this.manager.report(id, name, value, labels, add);
    } catch (err) {
      diag.warn(`@otelkit/resource-manager: updateMetric(${name}) failed: ${(err as Error).message}`);
    }
  }
}
