import { resourceFromAttributes } from '@opentelemetry/resources';
import { createMetrics, type MetricsHandle } from '../../src';
import { metricsConfig, prometheusExporter } from '../helpers/config';
import { find, parseExposition } from '../helpers/exposition';
import { httpRequest } from '../helpers/http';

// Issue 14 item 3: one Symbol label value made every later scrape 500; a BigInt label threw into
// the caller; NaN increments and undeclared labels were accepted; an observable callback that
// never resolves hung every scrape, one that took 5 s made every scrape 5 s.

async function scrape(metrics: MetricsHandle): Promise<{ status: number; body: string; millis: number }> {
  const address = await metrics.listening;
  if (!address) throw new Error('no listener');
  const started = Date.now();
  const res = await httpRequest(address.port, '/metrics');
  return { status: res.status, body: res.body, millis: Date.now() - started };
}

describe('metrics under bad input and slow callbacks', () => {
  let metrics: MetricsHandle | undefined;
  afterEach(async () => {
    await metrics?.shutdown();
    metrics = undefined;
  });

  const make = () =>
    createMetrics(
      metricsConfig({ exporters: [prometheusExporter()] }),
      resourceFromAttributes({ 'service.name': 'faults' }),
    );

  it('never throws into the caller, coerces or rejects bad values at record time, counts them, and keeps scraping', async () => {
    metrics = make();
    const orders = metrics.counter('orders.created', { attributes: ['shop'] });
    const free = metrics.counter('free.labels');
    const latency = metrics.histogram('checkout.duration', { unit: 's' });
    const raw = metrics.meter.createCounter('raw.counter');
    expect(() => orders.inc({ shop: Symbol('eu') as never })).not.toThrow();
    expect(() => orders.inc({ shop: 10n as never })).not.toThrow();
    expect(() => orders.inc({ shop: { nested: true } as never })).not.toThrow();
    expect(() => orders.inc({ shop: 'eu' }, Number.NaN)).not.toThrow();
    expect(() => orders.inc({ shop: 'eu' }, Number.POSITIVE_INFINITY)).not.toThrow();
    expect(() => orders.inc({ shop: 'eu', user: 'u-1' } as never)).not.toThrow();
    expect(() => free.inc({ anything: Symbol('x') as never })).not.toThrow();
    expect(() => latency.record(Number.NaN)).not.toThrow();
    expect(() => raw.add(1, { s: Symbol('raw') as never, b: 5n as never })).not.toThrow();
    orders.inc({ shop: 'eu' });

    for (let i = 0; i < 3; i++) {
      const r = await scrape(metrics);
      expect(r.status).toBe(200);
      const samples = parseExposition(r.body);
      // BigInt coerced to its decimal text; the undeclared `user` label dropped (the value kept).
      expect(find(samples, 'orders_created_total', { shop: '10' })[0]?.value).toBe(1);
      expect(find(samples, 'orders_created_total', { shop: 'eu' })[0]?.value).toBe(2);
      expect(find(samples, 'orders_created_total').every((s) => s.labels.user === undefined)).toBe(true);
      expect(find(samples, 'raw_counter_total', { b: '5' })[0]?.value).toBe(1);
    }
    const s = metrics.stats().measurements;
    // NaN and Infinity increments, the NaN histogram value: rejected.
    expect(s.rejected).toBe(3);
    // Symbol values (×3) and an object dropped; BigInt values (×2) coerced; one undeclared key dropped.
    expect(s.droppedAttributes).toBe(4);
    expect(s.coercedAttributes).toBe(2);
    expect(s.undeclaredAttributes).toBe(1);
  });

  it('gives observable callbacks a deadline per collection: stale value, error counts, the rest served', async () => {
    metrics = make();
    let slowCalls = 0;
    metrics.observableGauge('queue.depth', {
      callback: (observe) => {
        slowCalls++;
        if (slowCalls === 1) {
          observe(7, { queue: 'orders' });
          return;
        }
        // from the second collection on: never resolves
        return new Promise<void>(() => {});
      },
    });
    metrics.observableGauge('pool.size', {
      callback: (observe) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            observe(3);
            resolve();
          }, 5000).unref(),
        ),
    });
    metrics.observableGauge('broken.gauge', {
      callback: () => {
        throw new Error('kaboom');
      },
    });
    metrics.gauge('fine.gauge').set(42);

    const first = await scrape(metrics);
    expect(first.status).toBe(200);
    for (let i = 0; i < 3; i++) {
      // past the reuse window of an expensive (here: ~1 s) collection, so each scrape collects
      await new Promise((resolve) => setTimeout(resolve, 300));
      const r = await scrape(metrics);
      expect(r.status).toBe(200);
      // Generous bounds for a loaded machine: before, the hanging callback hung this scrape for good.
      expect(r.millis).toBeLessThan(4000);
      const samples = parseExposition(r.body);
      expect(find(samples, 'fine_gauge')[0]?.value).toBe(42);
      // The stale value of the callback that now hangs.
      expect(find(samples, 'queue_depth', { queue: 'orders' })[0]?.value).toBe(7);
    }
    const callbacks = metrics.stats().callbacks;
    expect(callbacks['queue.depth']?.timedOut).toBeGreaterThanOrEqual(1);
    expect(callbacks['pool.size']?.timedOut).toBeGreaterThanOrEqual(1);
    expect(callbacks['broken.gauge']?.failed).toBeGreaterThanOrEqual(4);
    // One call in flight at a time: the hanging callback is not called again while it hangs.
    expect(slowCalls).toBe(2);
  }, 60_000);

  it('coalesces concurrent scrapes into one collection', async () => {
    metrics = make();
    const c = metrics.counter('hits');
    for (let i = 0; i < 2000; i++) c.inc({ id: String(i) });
    const before = metrics.stats().scrapes.collections;
    // 20 scrapes arriving together (in one tick, so the count does not depend on machine load)
    const bodies = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<{ status: number; body: string }>((resolve) => {
            let status = 0;
            const res = {
              writableEnded: false,
              destroyed: false,
              headersSent: false,
              writeHead(s: number) {
                status = s;
                return res;
              },
              end(body?: string) {
                resolve({ status, body: body ?? '' });
              },
            };
            metrics?.handler({ method: 'GET', headers: {} } as never, res as never);
          }),
      ),
    );
    expect(bodies.every((r) => r.status === 200)).toBe(true);
    expect(new Set(bodies.map((r) => r.body)).size).toBe(1);
    // Before: one collection per scrape (20).
    expect(metrics.stats().scrapes.collections - before).toBe(1);
    expect(metrics.stats().scrapes.served).toBe(20);
  });
});
