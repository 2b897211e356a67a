import { createMetrics } from '../src/create-metrics';
import type { MetricsHandle } from '../src/types';
import { pointsOf } from './helpers/collect';
import { metricsConfig } from './helpers/config';

interface HistogramValue {
  count: number;
  sum: number;
  buckets: { boundaries: number[]; counts: number[] };
}

describe('instrument helpers', () => {
  let metrics: MetricsHandle;

  beforeEach(() => {
    metrics = createMetrics(metricsConfig({ durationBuckets: [0.01, 0.1, 1] }));
  });

  afterEach(async () => {
    await metrics.shutdown();
  });

  it('counts with add() and prom-client style inc()', async () => {
    const c = metrics.counter('jobs.done', { help: 'Jobs done', labelNames: ['queue'] });
    c.inc();
    c.inc(4);
    c.inc({ queue: 'mail' });
    c.inc({ queue: 'mail' }, 2);
    c.add(10, { queue: 'sms' });
    const points = await pointsOf(metrics, 'jobs.done');
    const byQueue = Object.fromEntries(points.map((p) => [String(p.attributes.queue), p.value]));
    expect(byQueue).toEqual({ undefined: 5, mail: 3, sms: 10 });
  });

  it('moves an up-down counter both ways', async () => {
    const q = metrics.upDownCounter('queue.depth');
    q.inc(5);
    q.dec();
    q.dec({ q: 'a' }, 2);
    q.add(3, { q: 'a' });
    const points = await pointsOf(metrics, 'queue.depth');
    const byQ = Object.fromEntries(points.map((p) => [String(p.attributes.q), p.value]));
    expect(byQ).toEqual({ undefined: 4, a: 1 });
  });

  it('uses config.durationBuckets for histograms in seconds, and explicit buckets otherwise', async () => {
    metrics.histogram('op.duration', { unit: 's' }).record(0.05);
    metrics.histogram('payload.size', { unit: 'By', buckets: [10, 100] }).observe(50);
    const [duration] = await pointsOf(metrics, 'op.duration');
    const [size] = await pointsOf(metrics, 'payload.size');
    expect((duration!.value as HistogramValue).buckets).toEqual({
      boundaries: [0.01, 0.1, 1],
      counts: [0, 1, 0, 0],
    });
    expect((size!.value as HistogramValue).buckets).toEqual({ boundaries: [10, 100], counts: [0, 1, 0] });
  });

  it('startTimer() records elapsed seconds once with the extra attributes', async () => {
    const h = metrics.histogram('task.duration', { unit: 's' });
    const end = h.startTimer({ task: 'a' });
    await new Promise((r) => setTimeout(r, 30));
    const seconds = end({ outcome: 'ok' });
    expect(end()).toBe(seconds);
    const points = await pointsOf(metrics, 'task.duration');
    expect(points).toHaveLength(1);
    expect(points[0]?.attributes).toEqual({ task: 'a', outcome: 'ok' });
    const v = points[0]?.value as HistogramValue;
    expect(v.count).toBe(1);
    expect(v.sum).toBeGreaterThanOrEqual(0.02);
    expect(v.sum).toBe(seconds);
  });

  it('time() passes sync results through and records', async () => {
    const h = metrics.histogram('sync.duration', { unit: 's' });
    expect(h.time(() => 42, { k: 'v' })).toBe(42);
    const points = await pointsOf(metrics, 'sync.duration');
    expect(points[0]?.attributes).toEqual({ k: 'v' });
    expect((points[0]!.value as HistogramValue).count).toBe(1);
  });

  it('time() rethrows the very same error and records error.type', async () => {
    const h = metrics.histogram('sync.fail.duration', { unit: 's' });
    const boom = new RangeError('nope');
    let calls = 0;
    expect(() =>
      h.time(() => {
        calls++;
        throw boom;
      }),
    ).toThrow(boom);
    expect(calls).toBe(1);
    const points = await pointsOf(metrics, 'sync.fail.duration');
    expect(points[0]?.attributes).toEqual({ 'error.type': 'RangeError' });
  });

  it('time() returns the same promise for async functions and records on resolve and reject', async () => {
    const h = metrics.histogram('async.duration', { unit: 's' });
    const ok = Promise.resolve('v');
    expect(h.time(() => ok, { op: 'ok' })).toBe(ok);
    await expect(ok).resolves.toBe('v');
    class DbError extends Error {}
    const failing = h.time(
      async () => {
        await new Promise((r) => setTimeout(r, 5));
        throw new DbError('down');
      },
      { op: 'fail' },
    );
    await expect(failing).rejects.toBeInstanceOf(DbError);
    await new Promise((r) => setImmediate(r));
    const points = await pointsOf(metrics, 'async.duration');
    const attrs = points.map((p) => p.attributes).sort((a, b) => String(a.op).localeCompare(String(b.op)));
    expect(attrs).toEqual([{ op: 'fail', 'error.type': 'DbError' }, { op: 'ok' }]);
  });

  it('time() subscribes to a foreign thenable only once', async () => {
    const h = metrics.histogram('thenable.duration', { unit: 's' });
    let thenCalls = 0;
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: a lazy query-like thenable is the point of this test
      then(resolve: (v: number) => void) {
        thenCalls++;
        resolve(7);
      },
    };
    const out = h.time(() => thenable as unknown as PromiseLike<number>);
    await expect(out).resolves.toBe(7);
    expect(thenCalls).toBe(1);
    expect(await pointsOf(metrics, 'thenable.duration')).toHaveLength(1);
  });

  it('sets a synchronous gauge and reads an observable gauge at collection', async () => {
    metrics.gauge('temperature').set(21.5, { room: 'a' });
    let reads = 0;
    const og = metrics.observableGauge('pool.size', {
      callback: (observe) => {
        reads++;
        observe(7, { pool: 'db' });
      },
    });
    expect((await pointsOf(metrics, 'temperature'))[0]?.value).toBe(21.5);
    expect((await pointsOf(metrics, 'pool.size'))[0]?.value).toBe(7);
    og.remove();
    const before = reads;
    await pointsOf(metrics, 'pool.size');
    expect(reads).toBe(before);
  });

  it('catches a failing observable callback', async () => {
    metrics.observableGauge('broken.gauge', {
      callback: () => {
        throw new Error('callback bug');
      },
    });
    await expect(metrics.collect()).resolves.toBeDefined();
  });

  it('returns the same helper for the same name and kind', () => {
    expect(metrics.counter('same.name')).toBe(metrics.counter('same.name'));
  });

  it.each([
    ['empty', '', /invalid instrument name ""/],
    ['leading digit', '1abc', /must start with a letter/],
    ['space', 'has space', /invalid instrument name "has space"/],
    ['256 chars', 'x'.repeat(256), /at most 255/],
  ])('rejects an instrument name with %s at creation', (_label, name, message) => {
    expect(() => metrics.counter(name)).toThrow(message);
  });

  it('rejects bad attribute keys, reserved keys and kind clashes at creation', () => {
    expect(() => metrics.counter('a.b', { attributes: ['ok', 'has-dash'] })).toThrow(
      /invalid attribute key "has-dash"/,
    );
    expect(() => metrics.counter('a.c', { attributes: ['__name__'] })).toThrow(/not "__"/);
    expect(() => metrics.histogram('a.d', { attributes: ['le'] })).toThrow(/"le" is reserved/);
    expect(() => metrics.counter('a.e', { attributes: ['x', 'x'] })).toThrow(/listed twice/);
    expect(() => metrics.histogram('a.f', { buckets: [1, 1] })).toThrow(/strictly ascending/);
    metrics.counter('clash');
    expect(() => metrics.histogram('clash')).toThrow(/already exists as a counter/);
  });

  it('never throws on the record path for odd values', () => {
    const c = metrics.counter('odd.values');
    const h = metrics.histogram('odd.hist');
    expect(() => {
      c.add(-1);
      c.add(Number.NaN);
      h.record(Number.POSITIVE_INFINITY, { weird: 'x' });
      c.inc({ nested: { a: 1 } as unknown as string });
    }).not.toThrow();
  });
});
