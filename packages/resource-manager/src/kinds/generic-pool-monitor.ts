import type { ResourceHost } from '../types';
import { type PoolReading, PoolTypeMonitor } from './pool-type-monitor';

/** The parts of a `generic-pool` Pool read here. */
export interface GenericPoolLike {
  readonly size: number;
  readonly available: number;
  readonly borrowed: number;
  readonly pending: number;
  readonly max: number;
  acquire(...args: unknown[]): unknown;
  on(event: 'factoryCreateError' | 'factoryDestroyError', listener: (err: unknown) => void): unknown;
  removeListener(
    event: 'factoryCreateError' | 'factoryDestroyError',
    listener: (err: unknown) => void,
  ): unknown;
}

/**
 * `generic-pool` (resource type `generic-pool`): size, max, borrowed (in use), available (idle),
 * pending (waiting), usage, acquire wait, errors (failed acquisitions and factory create/destroy
 * errors) and health.
 */
export class GenericPoolMonitor extends PoolTypeMonitor<GenericPoolLike> {
  /** Per registration, not per object: one pool may be registered twice (discovery and the app). */
  private readonly _factoryHooks = new WeakMap<object, () => void>();

  constructor(manager: ResourceHost) {
    super(manager, { resourceType: 'generic-pool' });
  }

  protected read(pool: GenericPoolLike): PoolReading {
    return {
      size: pool.size,
      max: pool.max,
      inUse: pool.borrowed,
      idle: pool.available,
      waiting: pool.pending,
      closed: false,
    };
  }

  protected acquireMethods(pool: GenericPoolLike): Array<[Record<string, unknown>, string]> {
    return [[pool as unknown as Record<string, unknown>, 'acquire']];
  }

  override onRegister(r: Parameters<PoolTypeMonitor<GenericPoolLike>['onRegister']>[0]): void {
    super.onRegister(r);
    const listener = () => this.incrementMetric('errors', 1, undefined, r);
    r.resource.on('factoryCreateError', listener);
    r.resource.on('factoryDestroyError', listener);
    this._factoryHooks.set(r, () => {
      r.resource.removeListener('factoryCreateError', listener);
      r.resource.removeListener('factoryDestroyError', listener);
    });
  }

  override onUnregister(r: Parameters<PoolTypeMonitor<GenericPoolLike>['onUnregister']>[0]): void {
    super.onUnregister(r);
    this._factoryHooks.get(r)?.();
    this._factoryHooks.delete(r);
  }
}
