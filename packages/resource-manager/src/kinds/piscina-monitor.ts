import type { ResourceHost, ResourceRegistration } from '../types';
import {
  type WorkerPoolReading,
  type WorkerPoolState,
  WorkerPoolTypeMonitor,
} from './worker-pool-type-monitor';

/** piscina's wait-time summary: milliseconds; empty until a task has started. */
interface HistogramSummary {
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
}

/** The parts of a piscina `Piscina` pool read here. */
export interface PiscinaLike {
  readonly threads: readonly unknown[];
  readonly maxThreads: number;
  readonly queueSize: number;
  readonly options?: { readonly maxQueue?: number; readonly concurrentTasksPerWorker?: number };
  readonly histogram?: { readonly waitTime?: HistogramSummary } | null;
  run(task: unknown, options?: unknown): Promise<unknown>;
  close(options?: unknown): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A piscina worker-thread pool (resource type `piscina`): threads running, `maxThreads`, busy
 * threads, idle threads (running − busy), tasks queued (`queueSize`), usage (busy / `maxThreads`),
 * task duration (from `run()` to its promise settling), the wait for a thread as piscina records it
 * (p50 / p99 of its wait-time histogram, which covers the pool's whole life), errors (rejected
 * `run()` promises, aborted tasks included) and health (closed or destroyed, or queue full).
 *
 * piscina does not say how many tasks are running, so this kind counts the tasks submitted with
 * `run()` since registration and not settled yet; busy = those not in piscina's queue (÷
 * `concurrentTasksPerWorker`). Register the pool before it runs tasks (discovery does).
 *
 * @example
 * const pool = new Piscina({ filename: resolve(__dirname, 'worker.js'), maxThreads: 4 });
 * manager.register({ id: 'images', type: 'piscina', resource: pool });
 */
export class PiscinaMonitor extends WorkerPoolTypeMonitor<PiscinaLike> {
  constructor(manager: ResourceHost) {
    super(manager, { resourceType: 'piscina' });
  }

  protected check(r: ResourceRegistration<PiscinaLike>): void {
    const p = r.resource;
    if (!p || typeof p.run !== 'function' || !Array.isArray(p.threads) || typeof p.queueSize !== 'number')
      throw new Error(`piscina resource ${r.id} must be a Piscina pool`);
  }

  protected taskMethod(): string {
    return 'run';
  }

  protected closeMethods(): readonly string[] {
    return ['close', 'destroy'];
  }

  protected read(pool: PiscinaLike, state: WorkerPoolState): WorkerPoolReading {
    const size = pool.threads.length;
    const queued = pool.queueSize;
    const perThread = Math.max(1, pool.options?.concurrentTasksPerWorker ?? 1);
    const busy = Math.min(size, Math.ceil(Math.max(0, state.inFlight - queued) / perThread));
    const wait = pool.histogram?.waitTime;
    // An empty node:perf_hooks histogram has a NaN mean: nothing to report yet.
    const hasWait = wait !== undefined && Number.isFinite(wait.mean);
    return {
      size,
      max: pool.maxThreads,
      busy,
      idle: size - busy,
      queued,
      maxQueue: pool.options?.maxQueue ?? Number.POSITIVE_INFINITY,
      ...(hasWait ? { waitP50: wait.p50 / 1000, waitP99: wait.p99 / 1000 } : {}),
    };
  }
}
