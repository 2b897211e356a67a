import { guarded, patchInstance } from '../internal/instance-patch';
import { ResourceTypeMonitor } from '../resource-type-monitor';
import type { MetricDefinition, ResourceHealth, ResourceRegistration } from '../types';

/** Metric names shared by the worker-thread pool kinds (piscina, workerpool). */
export const WORKER_POOL_METRICS = {
  size: 'worker_pool_size',
  max: 'worker_pool_max',
  busy: 'worker_pool_busy',
  idle: 'worker_pool_idle',
  queued: 'worker_pool_queued',
  usage: 'worker_pool_usage',
  taskDuration: 'worker_pool_task_duration',
  waitP50: 'worker_pool_wait_p50',
  waitP99: 'worker_pool_wait_p99',
  errors: 'errors',
  healthy: 'healthy',
} as const;

const M = WORKER_POOL_METRICS;

const DEFINITIONS: readonly MetricDefinition[] = [
  { name: M.size, type: 'gauge', unit: '{thread}', description: 'Worker threads running' },
  { name: M.max, type: 'gauge', unit: '{thread}', description: 'Most worker threads the pool starts' },
  { name: M.busy, type: 'gauge', unit: '{thread}', description: 'Worker threads running a task' },
  { name: M.idle, type: 'gauge', unit: '{thread}', description: 'Worker threads without a task' },
  { name: M.queued, type: 'gauge', unit: '{task}', description: 'Tasks waiting for a thread' },
  { name: M.usage, type: 'gauge', unit: '1', description: 'Busy threads / max threads (0..1)' },
  {
    name: M.taskDuration,
    type: 'histogram',
    unit: 's',
    description: 'Time from submitting a task to its promise settling (queue wait + run)',
  },
  {
    name: M.waitP50,
    type: 'gauge',
    unit: 's',
    description: "Median wait of a task for a thread, from the pool's own histogram (since it started)",
  },
  {
    name: M.waitP99,
    type: 'gauge',
    unit: 's',
    description:
      "99th percentile wait of a task for a thread, from the pool's own histogram (since it started)",
  },
  { name: M.errors, type: 'counter', unit: '{error}', description: 'Tasks that failed (rejected or threw)' },
  { name: M.healthy, type: 'gauge', unit: '1', description: '1 when the pool takes tasks, else 0' },
];

/** One reading of a worker pool. */
export interface WorkerPoolReading {
  readonly size: number;
  readonly max: number;
  readonly busy: number;
  readonly idle: number;
  readonly queued: number;
  /** Most tasks the queue holds (`Infinity` when unbounded). */
  readonly maxQueue: number;
  /** Wait for a thread in seconds, when the pool records it. */
  readonly waitP50?: number;
  readonly waitP99?: number;
}

/** What the kind keeps per registered pool. */
export interface WorkerPoolState {
  /** Tasks submitted through the wrapped method since registration and not settled yet. */
  inFlight: number;
  /** The pool was closed / destroyed / terminated through its own methods. */
  closed: boolean;
}

interface Entry {
  state: WorkerPoolState;
  /** Nesting of the task method (workerpool's `exec(fn)` calls `exec('run')`): only the outer call counts. */
  depth: number;
  undo: Array<() => void>;
}

/**
 * Shared base of the worker-thread pool kinds: subclasses say how to read the pool, which method
 * submits a task (wrapped per instance: task duration, failures, tasks in flight) and which methods
 * close it. The wrapped methods run exactly once with the same arguments and return the same value
 * (the same promise object) or throw the same error.
 */
export abstract class WorkerPoolTypeMonitor<T extends object> extends ResourceTypeMonitor<T> {
  /** Per registration, not per object: one pool may be registered twice (discovery and the app). */
  private readonly _entries = new WeakMap<ResourceRegistration, Entry>();

  protected abstract read(pool: T, state: WorkerPoolState): WorkerPoolReading;
  /** Method that submits a task and returns its promise (`run`, `exec`). */
  protected abstract taskMethod(): string;
  /** Methods after which the pool takes no more tasks (`close`, `destroy`, `terminate`). */
  protected abstract closeMethods(): readonly string[];
  /** Throws when `resource` is not a pool of this kind. */
  protected abstract check(r: ResourceRegistration<T>): void;

  setupMetrics(): void {
    for (const def of DEFINITIONS) this.addMetric(def);
  }

  override onRegister(r: ResourceRegistration<T>): void {
    this.check(r);
    const entry: Entry = { state: { inFlight: 0, closed: false }, depth: 0, undo: [] };
    const { state } = entry;
    const failed = () => this.incrementMetric(M.errors, 1, undefined, r);
    const settled = (started: number, ok: boolean) =>
      guarded('worker pool task hook', () => {
        state.inFlight = Math.max(0, state.inFlight - 1);
        this.updateMetric(M.taskDuration, (performance.now() - started) / 1000, undefined, r);
        if (!ok) failed();
      });
    entry.undo.push(
      patchInstance(
        r.resource,
        this.taskMethod(),
        (original) =>
          function (this: unknown, ...args: unknown[]) {
            if (entry.depth > 0) return original.apply(this, args);
            const started = performance.now();
            let result: unknown;
            entry.depth++;
            try {
              result = original.apply(this, args);
            } catch (err) {
              guarded('worker pool task hook', failed);
              throw err;
            } finally {
              entry.depth--;
            }
            guarded('worker pool task hook', () => {
              if (result === null || typeof (result as PromiseLike<unknown>)?.then !== 'function') return;
              state.inFlight++;
              // A handler of our own on the same promise: the caller's promise is returned untouched,
              // and our branch handles the rejection so it is never reported as unhandled.
              (result as PromiseLike<unknown>).then(
                () => settled(started, true),
                () => settled(started, false),
              );
            });
            return result;
          },
      ),
    );
    for (const method of this.closeMethods())
      entry.undo.push(
        patchInstance(
          r.resource,
          method,
          (original) =>
            function (this: unknown, ...args: unknown[]) {
              state.closed = true;
              return original.apply(this, args);
            },
        ),
      );
    this.incrementMetric(M.errors, 0, undefined, r);
    this._entries.set(r, entry);
  }

  override onUnregister(r: ResourceRegistration<T>): void {
    const entry = this._entries.get(r);
    if (!entry) return;
    for (const undo of entry.undo.splice(0).reverse()) undo();
    this._entries.delete(r);
  }

  collectMetrics(r: ResourceRegistration<T>): void {
    const state = this._entries.get(r)?.state;
    if (!state) return;
    const p = this.read(r.resource, state);
    this.updateMetric(M.size, p.size);
    if (Number.isFinite(p.max)) this.updateMetric(M.max, p.max);
    this.updateMetric(M.busy, p.busy);
    this.updateMetric(M.idle, p.idle);
    this.updateMetric(M.queued, p.queued);
    if (Number.isFinite(p.max) && p.max > 0) this.updateMetric(M.usage, p.busy / p.max);
    if (p.waitP50 !== undefined) this.updateMetric(M.waitP50, p.waitP50);
    if (p.waitP99 !== undefined) this.updateMetric(M.waitP99, p.waitP99);
    this.updateMetric(M.healthy, this._health(p, state).healthy ? 1 : 0);
  }

  override checkHealth(r: ResourceRegistration<T>): ResourceHealth {
    const state = this._entries.get(r)?.state;
    if (!state) return { healthy: false, message: 'not registered' };
    return this._health(this.read(r.resource, state), state);
  }

  private _health(p: WorkerPoolReading, state: WorkerPoolState): ResourceHealth {
    const details = { size: p.size, busy: p.busy, idle: p.idle, queued: p.queued, max: p.max };
    if (state.closed) return { healthy: false, message: 'pool is closed', details };
    // With no queue at all (piscina `maxQueue: 0`) a task is refused as soon as every thread is busy.
    if (p.maxQueue > 0 ? p.queued >= p.maxQueue : p.busy >= p.max)
      return { healthy: false, message: `task queue full: ${p.queued}/${p.maxQueue} queued`, details };
    return { healthy: true, message: `${p.busy}/${p.max} threads busy, ${p.queued} queued`, details };
  }
}
