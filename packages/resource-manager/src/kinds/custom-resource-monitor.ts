import { diag } from '@opentelemetry/api';
import { checkOptionKeys } from '@otelkit/config';
import { ResourceTypeMonitor } from '../resource-type-monitor';
import type { MetricDefinition, ResourceHealth, ResourceHost, ResourceRegistration } from '../types';

/** What to register for the `custom` kind. */
export interface CustomResource {
  /** Returns the current values (`{ depth: 3, workers_busy: 2 }`); each becomes a gauge unless declared in `metrics`. */
  collect(): Record<string, number> | Promise<Record<string, number>>;
  /** Optional health. */
  health?(): boolean | ResourceHealth | Promise<boolean | ResourceHealth>;
  /** Declare types, units and descriptions (a `counter` value is a cumulative total). */
  readonly metrics?: readonly MetricDefinition[];
}

/**
 * Resources described by callbacks (resource type `custom`): worker pools, caches, anything with
 * numbers. At most `maxMetrics` distinct names are accepted; others are ignored (and logged once).
 *
 * @example
 * manager.register({ id: 'workers', type: 'custom', resource: { collect: () => ({ busy: pool.busy, queued: pool.queued }) } });
 */
export class CustomResourceMonitor extends ResourceTypeMonitor<CustomResource> {
  private readonly _known = new Set<string>();
  private readonly _max: number;
  private _warned = false;

  constructor(manager: ResourceHost, options: { maxMetrics?: number } = {}) {
    super(manager, { resourceType: 'custom' });
    checkOptionKeys(options, ['maxMetrics'], 'CustomResourceMonitor');
    this._max = options.maxMetrics ?? 100;
  }

  setupMetrics(): void {
    this.addMetric({
      name: 'healthy',
      type: 'gauge',
      unit: '1',
      description: '1 when the resource reports healthy',
    });
  }

  override onRegister(r: ResourceRegistration<CustomResource>): void {
    if (typeof r.resource?.collect !== 'function')
      throw new Error(`custom resource ${r.id} needs a collect() function`);
    for (const def of r.resource.metrics ?? []) this._declare(def);
  }

  async collectMetrics(r: ResourceRegistration<CustomResource>): Promise<void> {
    const values = await r.resource.collect();
    if (!values || typeof values !== 'object') return;
    for (const [name, value] of Object.entries(values)) {
      if (typeof value !== 'number') continue;
      if (!this._known.has(name) && !this._declare({ name, type: 'gauge' })) continue;
      this.updateMetric(name, value);
    }
    if (r.resource.health) this.updateMetric('healthy', (await this.checkHealth(r)).healthy ? 1 : 0);
  }

  override async checkHealth(r: ResourceRegistration<CustomResource>): Promise<ResourceHealth> {
    if (!r.resource.health) return { healthy: true };
    const h = await r.resource.health();
    return typeof h === 'boolean' ? { healthy: h } : h;
  }

  private _declare(def: MetricDefinition): boolean {
    if (this._known.has(def.name)) return true;
    if (this._known.size >= this._max) {
      if (!this._warned)
        diag.warn(
          `@otelkit/resource-manager: custom resources: more than ${this._max} metric names; extra ignored`,
        );
      this._warned = true;
      return false;
    }
    try {
      this.addMetric(def);
    } catch (err) {
      diag.warn(`@otelkit/resource-manager: custom metric ${def.name}: ${(err as Error).message}`);
      return false;
    }
    this._known.add(def.name);
    return true;
  }
}
