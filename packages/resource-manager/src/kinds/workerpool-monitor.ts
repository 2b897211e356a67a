import type { ResourceHost, ResourceRegistration } from '../types';
import { type WorkerPoolReading, WorkerPoolTypeMonitor } from './worker-pool-type-monitor';

/** The parts of a `workerpool` Pool (`workerpool.pool()`) read here. */
export interface WorkerpoolLike {
  stats(): {
    readonly totalWorkers: number;
    readonly busyWorkers: number;
    readonly idleWorkers: number;
    readonly pendingTasks: number;
    readonly activeTasks: number;
  };
  readonly maxWorkers: number;
  readonly maxQueueSize?: number;
  exec(method: unknown, params?: unknown, options?: unknown): unknown;
  terminate(force?: boolean, timeout?: number): unknown;
}

/**
 * A `workerpool` pool (resource type `workerpool`) from `pool.stats()`: workers running, `maxWorkers`,
 * busy and idle workers, tasks pending (queued), usage (busy / `maxWorkers`), task duration (from
 * `exec()` to its promise settling), errors (rejected `exec()` promises — cancelled and timed-out
 * tasks included — and `exec()` calls that threw, such as a full queue) and health (terminated, or
 * queue at `maxQueueSize`). workerpool does not record how long a task waited for a worker, so the
 * wait gauges are not reported.
 *
 * @example
 * const pool = workerpool.pool(__dirname + '/worker.js', { maxWorkers: 4 });
 * manager.register({ id: 'reports', type: 'workerpool', resource: pool });
 */
export class WorkerpoolMonitor extends WorkerPoolTypeMonitor<WorkerpoolLike> {
  constructor(manager: ResourceHost) {
    super(manager, { resourceType: 'workerpool' });
  }

  protected check(r: ResourceRegistration<WorkerpoolLike>): void {
    const p = r.resource;
    if (
      !p ||
      typeof p.stats !== 'function' ||
      typeof p.exec !== 'function' ||
      typeof p.terminate !== 'function'
    )
      throw new Error(`workerpool resource ${r.id} must be a pool from workerpool.pool()`);
  }

  protected taskMethod(): string {
    return 'exec';
  }

  protected closeMethods(): readonly string[] {
    return ['terminate'];
  }

  protected read(pool: WorkerpoolLike): WorkerPoolReading {
    const s = pool.stats();
    return {
      size: s.totalWorkers,
      max: pool.maxWorkers,
      busy: s.busyWorkers,
      idle: s.idleWorkers,
      queued: s.pendingTasks,
      maxQueue: pool.maxQueueSize ?? Number.POSITIVE_INFINITY,
    };
  }
}
