import { type ErrorEmitter, watchErrors } from '../internal/error-events';
import { ResourceTypeMonitor } from '../resource-type-monitor';
import type { ResourceHealth, ResourceRegistration } from '../types';
import { POOL_DEFINITIONS, POOL_METRICS } from './pool-metrics';
import { wrapAcquire } from './wrap-acquire';

/** One reading of a pool. */
export interface PoolReading {
  readonly size: number;
  /** `Infinity` when unbounded: usage is then not reported. */
  readonly max: number;
  readonly inUse: number;
  readonly idle: number;
  readonly waiting: number;
  /** The pool was closed / ended. */
  readonly closed: boolean;
}

interface Hooks {
  restore: Array<() => void>;
}

/**
 * Shared base of the pool kinds: subclasses say how to read the pool, which method acquires a
 * connection (timed for `connection_pool_acquire_wait`) and which object emits `error`.
 */
export abstract class PoolTypeMonitor<T> extends ResourceTypeMonitor<T> {
  /** Per registration, not per object: one pool may be registered twice (discovery and the app). */
  private readonly _hooks = new WeakMap<ResourceRegistration, Hooks>();

  protected abstract read(pool: T): PoolReading;
  /** `[object, method]` pairs to time as acquisitions. */
  protected abstract acquireMethods(pool: T): Array<[Record<string, unknown>, string]>;
  /** Emitters whose `error` events count as errors (watched without handling them: see `watchErrors`). */
  protected errorEmitters(_pool: T): ErrorEmitter[] {
    return [];
  }

  setupMetrics(): void {
    for (const def of POOL_DEFINITIONS) this.addMetric(def);
  }

  override onRegister(r: ResourceRegistration<T>): void {
    const hooks: Hooks = { restore: [] };
    for (const [obj, method] of this.acquireMethods(r.resource)) {
      hooks.restore.push(
        wrapAcquire(obj, method, (seconds, failed) => {
          this.updateMetric(POOL_METRICS.acquireWait, seconds, undefined, r);
          if (failed) this.incrementMetric(POOL_METRICS.errors, 1, undefined, r);
        }),
      );
    }
    for (const emitter of this.errorEmitters(r.resource))
      hooks.restore.push(
        watchErrors(emitter, () => this.incrementMetric(POOL_METRICS.errors, 1, undefined, r)),
      );
    // Start the error counter at 0 so it is visible before the first error.
    this.incrementMetric(POOL_METRICS.errors, 0, undefined, r);
    this._hooks.set(r, hooks);
  }

  override onUnregister(r: ResourceRegistration<T>): void {
    const hooks = this._hooks.get(r);
    if (!hooks) return;
    for (const restore of hooks.restore) restore();
    this._hooks.delete(r);
  }

  collectMetrics(r: ResourceRegistration<T>): void {
    const p = this.read(r.resource);
    this.updateMetric(POOL_METRICS.size, p.size);
    if (Number.isFinite(p.max)) this.updateMetric(POOL_METRICS.max, p.max);
    this.updateMetric(POOL_METRICS.inUse, p.inUse);
    this.updateMetric(POOL_METRICS.idle, p.idle);
    this.updateMetric(POOL_METRICS.waiting, p.waiting);
    if (Number.isFinite(p.max) && p.max > 0) this.updateMetric(POOL_METRICS.usage, p.inUse / p.max);
    this.updateMetric(POOL_METRICS.healthy, this._health(p).healthy ? 1 : 0);
  }

  override checkHealth(r: ResourceRegistration<T>): ResourceHealth {
    return this._health(this.read(r.resource));
  }

  private _health(p: PoolReading): ResourceHealth {
    const details = { size: p.size, inUse: p.inUse, idle: p.idle, waiting: p.waiting, max: p.max };
    if (p.closed) return { healthy: false, message: 'pool is closed', details };
    if (p.waiting > 0 && p.inUse >= p.max)
      return {
        healthy: false,
        message: `pool exhausted: ${p.inUse}/${p.max} in use, ${p.waiting} waiting`,
        details,
      };
    return { healthy: true, message: `${p.inUse}/${p.max} in use, ${p.waiting} waiting`, details };
  }
}
