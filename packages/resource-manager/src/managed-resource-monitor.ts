import { checkOptionKeys } from '@otelkit/config';
import { shutdownWithin } from '@otelkit/config/internal';
import {
  RESOURCE_MONITOR_OPTION_KEYS,
  ResourceMonitor,
  type ResourceMonitorOptions,
} from '@otelkit/resource-monitor';
import type { AnomalyDetectionOptions, AnomalyDetector } from './anomaly/anomaly-detector';
import type {
  DiscoverableKind,
  DiscoverResourcesOptions,
  DiscoveryHandle,
  DiscoveryOptions,
} from './discovery/resource-discovery';
import type { DependencyGraph, DependencyGraphOptions } from './graph/dependency-graph';
import type { ReportOptions, UtilizationReport } from './report/utilization-report';
import { ResourceManager } from './resource-manager';
import type {
  ResourceCategory,
  ResourceManagerOptions,
  ResourceMetricHandle,
  ResourceMetricSpec,
  ResourceTypeMonitorLike,
} from './types';

/** Options of {@link ManagedResourceMonitor}: the monitor's, plus `resources` for its manager. */
export interface ManagedResourceMonitorOptions extends ResourceMonitorOptions {
  /** Options of the attached {@link ResourceManager} (its `monitor` is this one). */
  readonly resources?: Omit<ResourceManagerOptions, 'monitor'>;
}

/**
 * A `ResourceMonitor` with a {@link ResourceManager} attached, so resource kinds register on the
 * monitor as uno users write it (`resourceMonitor.registerTypeMonitor(...)`). `start()`, `stop()`
 * and `shutdown()` drive both. uno's monitor methods (`addMetric`, `discoverResources`,
 * `discoverAllResources`, `generateReport`, `setAnomalyDetector`, `configureAnomalyDetection`,
 * `generateDependencyGraph`) delegate to the manager. Everything else of `ResourceMonitor` is unchanged.
 *
 * @example
 * const resourceMonitor = new ManagedResourceMonitor({ interval: 5 });
 * const manager = resourceMonitor.resources;
 * resourceMonitor.registerTypeMonitor(new DatabaseMonitor(manager));
 * manager.register({ id: 'main-db', type: 'database', resource: db });
 * await resourceMonitor.start();
 */
export class ManagedResourceMonitor extends ResourceMonitor {
  /** The resource registry bound to this monitor. */
  readonly resources: ResourceManager;

  constructor(options: ManagedResourceMonitorOptions = {}) {
    if (options !== null && typeof options === 'object')
      checkOptionKeys(options, [...RESOURCE_MONITOR_OPTION_KEYS, 'resources'], 'ManagedResourceMonitor');
    const { resources, ...monitorOptions } = options;
    super(monitorOptions);
    this.resources = new ResourceManager({
      intervalMillis: Math.max(10, Math.round(this.intervalMillis)),
      ...(options.meter ? { meter: options.meter } : {}),
      ...(resources ?? {}),
      monitor: this,
    });
  }

  /** {@link ResourceManager.addMetric} of {@link resources} (uno's `resource_monitor.add_metric`). */
  addMetric(resourceId: string, metric: ResourceMetricSpec): ResourceMetricHandle {
    return this.resources.addMetric(resourceId, metric);
  }

  /** {@link ResourceManager.discoverResources}: `discoverResources({ resourceType: 'database' })` or `('database')`. */
  discoverResources(
    what: ResourceCategory | DiscoverableKind | DiscoverResourcesOptions,
    options?: DiscoveryOptions,
  ): DiscoveryHandle {
    return this.resources.discoverResources(what, options);
  }

  /** {@link ResourceManager.discoverAllResources}. */
  discoverAllResources(options?: DiscoveryOptions): DiscoveryHandle {
    return this.resources.discoverAllResources(options);
  }

  /** {@link ResourceManager.generateReport}: `{ resourceType }`, `{ startTime, endTime }` (or `start` / `end`). */
  generateReport(options?: ReportOptions): UtilizationReport {
    return this.resources.generateReport(options);
  }

  /** {@link ResourceManager.setAnomalyDetector}. */
  setAnomalyDetector(detector: AnomalyDetector): void {
    this.resources.setAnomalyDetector(detector);
  }

  /** {@link ResourceManager.configureAnomalyDetection}. */
  configureAnomalyDetection(options: AnomalyDetectionOptions): void {
    this.resources.configureAnomalyDetection(options);
  }

  /** {@link ResourceManager.generateDependencyGraph}. */
  generateDependencyGraph(options?: DependencyGraphOptions): DependencyGraph {
    return this.resources.generateDependencyGraph(options);
  }

  /** Adds a resource kind to {@link resources}. */
  registerTypeMonitor(typeMonitor: ResourceTypeMonitorLike): void {
    this.resources.registerTypeMonitor(typeMonitor);
  }

  override async start(): Promise<void> {
    await super.start();
    if (this.enabled) await this.resources.start();
  }

  override async stop(): Promise<void> {
    await this.resources.stop();
    await super.stop();
  }

  /** `shutdown()`'s work: the manager first (within the budget), then the monitor with what is left. */
  protected override async _runShutdown(timeoutMillis: number): Promise<void> {
    const deadline = Date.now() + timeoutMillis;
    await shutdownWithin(this.resources, timeoutMillis);
    await super._runShutdown(Math.max(0, deadline - Date.now()));
  }
}
