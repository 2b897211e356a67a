import { join } from 'node:path';
import { ResourceMonitor } from '@otelkit/resource-monitor';
import Piscina from 'piscina';
import * as workerpool from 'workerpool';
import { PiscinaMonitor, ResourceManager, WorkerpoolMonitor } from '../../src/index';
import { collectMetrics, createTestMeter, histCount, pointOf, waitFor } from '../helpers';

jest.setTimeout(60_000);

const HOLD_WORKER = join(__dirname, 'fixtures', 'hold-worker.js');

function setup() {
  const { provider, reader } = createTestMeter();
  const monitor = new ResourceMonitor({ intervalMillis: 60_000, hostMetricGroups: false });
  const manager = new ResourceManager({ monitor, meter: provider.getMeter('test'), intervalMillis: 60_000 });
  manager.registerTypeMonitor(new PiscinaMonitor(manager));
  manager.registerTypeMonitor(new WorkerpoolMonitor(manager));
  return {
    reader,
    manager,
    async close() {
      await manager.shutdown();
      await monitor.shutdown();
      await provider.shutdown();
    },
  };
}

/** Two Int32 slots shared with the worker threads: tasks started, and the release flag. */
function gate() {
  const buffer = new SharedArrayBuffer(8);
  const slots = new Int32Array(buffer);
  return {
    buffer,
    started: () => Atomics.load(slots, 0),
    release() {
      Atomics.store(slots, 1, 1);
      Atomics.notify(slots, 1);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('piscina worker-thread pool', () => {
  it('maxThreads 2 with 5 blocking tasks: 2 busy, 3 queued, usage 1; released: 0 busy, waits measured', async () => {
    const t = setup();
    const pool = new Piscina({ filename: HOLD_WORKER, minThreads: 1, maxThreads: 2 });
    const g = gate();
    try {
      t.manager.register({ id: 'cpu', type: 'piscina', resource: pool });
      expect(t.manager.getResource('cpu')).toMatchObject({ category: 'pool' });
      await t.manager.collectNow();
      expect(t.manager.getValue('cpu', 'worker_pool_busy')).toBe(0);
      expect(t.manager.getValue('cpu', 'worker_pool_max')).toBe(2);
      expect(t.manager.getValue('cpu', 'worker_pool_wait_p99')).toBeUndefined();

      const N = 5;
      const runs = Array.from({ length: N }, () => pool.run({ gate: g.buffer }));
      await waitFor(() => g.started() === 2, 15_000, 'two tasks running');
      // Held long enough that the queued tasks' wait is well above the time to start a thread.
      await sleep(300);
      await t.manager.collectNow();
      expect(g.started()).toBe(2);
      expect(t.manager.getValue('cpu', 'worker_pool_size')).toBe(2);
      expect(t.manager.getValue('cpu', 'worker_pool_busy')).toBe(2);
      expect(t.manager.getValue('cpu', 'worker_pool_idle')).toBe(0);
      expect(t.manager.getValue('cpu', 'worker_pool_queued')).toBe(N - 2);
      expect(t.manager.getValue('cpu', 'worker_pool_usage')).toBe(1);
      expect(t.manager.getValue('cpu', 'healthy')).toBe(1);

      g.release();
      expect(await Promise.all(runs)).toEqual(Array(N).fill('done'));
      await t.manager.collectNow();
      expect(t.manager.getValue('cpu', 'worker_pool_busy')).toBe(0);
      expect(t.manager.getValue('cpu', 'worker_pool_queued')).toBe(0);
      expect(t.manager.getValue('cpu', 'worker_pool_usage')).toBe(0);
      expect(t.manager.getValue('cpu', 'worker_pool_idle')).toBe(
        t.manager.getValue('cpu', 'worker_pool_size'),
      );
      expect(t.manager.getValue('cpu', 'errors')).toBe(0);
      // 3 of the 5 tasks waited in the queue for the whole hold (≥ 300 ms): the median and p99 show it.
      expect(t.manager.getValue('cpu', 'worker_pool_wait_p50')).toBeGreaterThanOrEqual(0.29);
      expect(t.manager.getValue('cpu', 'worker_pool_wait_p99')).toBeGreaterThanOrEqual(0.29);
      expect(t.manager.getValue('cpu', 'worker_pool_wait_p99')).toBeLessThan(10);

      const metrics = await collectMetrics(t.reader);
      const duration = pointOf(metrics, 'otelkit.resource.worker_pool_task_duration', {
        'resource.id': 'cpu',
        'resource.type': 'piscina',
      });
      expect(histCount(duration)).toBe(N);
      expect((duration!.value as { min: number }).min).toBeGreaterThanOrEqual(0.29);
    } finally {
      g.release();
      await pool.destroy();
      await t.close();
    }
  });

  it('counts failed tasks, reports a full queue and a closed pool as unhealthy, and unregistering restores run', async () => {
    const t = setup();
    const pool = new Piscina({ filename: HOLD_WORKER, minThreads: 1, maxThreads: 1, maxQueue: 1 });
    const g = gate();
    const released = gate();
    released.release();
    try {
      t.manager.register({ id: 'small', type: 'piscina', resource: pool });
      expect(Object.hasOwn(pool, 'run')).toBe(true);
      await expect(pool.run({ gate: released.buffer, fail: true })).rejects.toThrow('task failed on purpose');
      await t.manager.collectNow();
      expect(t.manager.getValue('small', 'errors')).toBe(1);

      const running = pool.run({ gate: g.buffer });
      await waitFor(() => g.started() === 1, 15_000, 'the task running');
      const queued = pool.run({ gate: g.buffer });
      await t.manager.collectNow();
      expect(t.manager.getValue('small', 'worker_pool_queued')).toBe(1);
      expect(t.manager.getValue('small', 'healthy')).toBe(0);
      expect((await t.manager.checkResource('small')).message).toBe('task queue full: 1/1 queued');
      // piscina refuses a third task; the refusal is counted.
      await expect(pool.run({ gate: g.buffer })).rejects.toThrow(/queue/i);
      g.release();
      expect(await Promise.all([running, queued])).toEqual(['done', 'done']);
      await t.manager.collectNow();
      expect(t.manager.getValue('small', 'errors')).toBe(2);
      expect(t.manager.getValue('small', 'healthy')).toBe(1);

      await pool.close();
      await t.manager.collectNow();
      expect(t.manager.getValue('small', 'healthy')).toBe(0);
      expect(await t.manager.checkResource('small')).toMatchObject({
        healthy: false,
        message: 'pool is closed',
      });

      t.manager.unregister('small');
      expect(Object.hasOwn(pool, 'run')).toBe(false);
      expect(Object.hasOwn(pool, 'close')).toBe(false);
      expect(pool.run).toBe(Piscina.prototype.run);
    } finally {
      g.release();
      await pool.destroy();
      await t.close();
    }
  });
});

describe('workerpool', () => {
  it('reads pool.stats(): 2 busy, 2 pending, usage 1; exec(fn) counted once; failures and terminate', async () => {
    const t = setup();
    const pool = workerpool.pool({ maxWorkers: 2, workerType: 'thread' });
    const g = gate();
    const hold = (buffer: SharedArrayBuffer, fail: boolean) => {
      const slots = new Int32Array(buffer);
      Atomics.add(slots, 0, 1);
      Atomics.wait(slots, 1, 0);
      if (fail) throw new Error('task failed on purpose');
      return 'done';
    };
    try {
      t.manager.register({ id: 'wp', type: 'workerpool', resource: pool });
      expect(t.manager.getResource('wp')).toMatchObject({ category: 'pool' });
      const tasks = [false, false, false, true].map((fail) => pool.exec(hold, [g.buffer, fail]));
      // Each exec returns workerpool's own promise (with cancel / timeout), untouched.
      expect(typeof tasks[0]!.cancel).toBe('function');
      await waitFor(() => g.started() === 2, 15_000, 'two tasks running');
      await t.manager.collectNow();
      expect(t.manager.getValue('wp', 'worker_pool_size')).toBe(2);
      expect(t.manager.getValue('wp', 'worker_pool_busy')).toBe(2);
      expect(t.manager.getValue('wp', 'worker_pool_idle')).toBe(0);
      expect(t.manager.getValue('wp', 'worker_pool_queued')).toBe(2);
      expect(t.manager.getValue('wp', 'worker_pool_usage')).toBe(1);
      expect(t.manager.getValue('wp', 'worker_pool_max')).toBe(2);

      g.release();
      const results = await Promise.allSettled(tasks);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
      await t.manager.collectNow();
      expect(t.manager.getValue('wp', 'worker_pool_busy')).toBe(0);
      expect(t.manager.getValue('wp', 'worker_pool_queued')).toBe(0);
      expect(t.manager.getValue('wp', 'worker_pool_idle')).toBe(2);
      expect(t.manager.getValue('wp', 'errors')).toBe(1);
      // exec(fn) calls exec('run') inside: still one duration per task.
      const metrics = await collectMetrics(t.reader);
      expect(
        histCount(pointOf(metrics, 'otelkit.resource.worker_pool_task_duration', { 'resource.id': 'wp' })),
      ).toBe(4);

      await pool.terminate();
      await t.manager.collectNow();
      expect(t.manager.getValue('wp', 'healthy')).toBe(0);
      expect(t.manager.getValue('wp', 'worker_pool_size')).toBe(0);
    } finally {
      g.release();
      await pool.terminate(true);
      await t.close();
    }
  });

  it('an exec that throws (queue full) is counted and the same error reaches the caller', async () => {
    const t = setup();
    const pool = workerpool.pool({ maxWorkers: 1, maxQueueSize: 1, workerType: 'thread' });
    const g = gate();
    try {
      t.manager.register({ id: 'tiny', type: 'workerpool', resource: pool });
      const block = (buffer: SharedArrayBuffer) => {
        const slots = new Int32Array(buffer);
        Atomics.add(slots, 0, 1);
        Atomics.wait(slots, 1, 0);
        return 1;
      };
      const first = pool.exec(block, [g.buffer]);
      await waitFor(() => g.started() === 1, 15_000, 'the task running');
      const second = pool.exec(block, [g.buffer]);
      await t.manager.collectNow();
      expect(t.manager.getValue('tiny', 'healthy')).toBe(0);
      expect(() => pool.exec(block, [g.buffer])).toThrow('Max queue size of 1 reached');
      await t.manager.collectNow();
      expect(t.manager.getValue('tiny', 'errors')).toBe(1);
      g.release();
      expect(await Promise.all([first, second])).toEqual([1, 1]);
      t.manager.unregister('tiny');
      expect(Object.hasOwn(pool, 'exec')).toBe(false);
      expect(Object.hasOwn(pool, 'terminate')).toBe(false);
    } finally {
      g.release();
      await pool.terminate(true);
      await t.close();
    }
  });
});
