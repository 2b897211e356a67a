import { resourceFromAttributes } from '@opentelemetry/resources';
import fc from 'fast-check';
import { createMetrics, type MetricsHandle } from '../../src';
import { metricsConfig, prometheusExporter } from '../helpers/config';
import { parseExposition } from '../helpers/exposition';
import { httpRequest } from '../helpers/http';

// Property test (issue 14 item 3, the fault suite): any attribute value — Symbol, BigInt, NaN,
// ±Infinity, objects, functions, arrays — and any measurement never throw into the caller, and
// the Prometheus scrape keeps answering 200 with a parseable exposition. Seeded.

const attributeValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.bigInt(),
  fc.string({ maxLength: 4 }).map((s) => Symbol(s)),
  fc.constantFrom(null, undefined, Number.NaN, Number.POSITIVE_INFINITY, -0),
  fc.object({ maxDepth: 1, maxKeys: 2 }),
  fc.func(fc.integer()),
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.bigInt()), { maxLength: 3 }),
);
const attributes = fc.oneof(
  fc.dictionary(fc.constantFrom('route', 'shop', 'status', 'le', '__name__', ''), attributeValue, {
    maxKeys: 3,
  }),
  fc.dictionary(fc.string({ maxLength: 6 }), attributeValue, { maxKeys: 3 }),
  fc.constantFrom(null, undefined),
);
const measurement = fc.oneof(
  fc.integer({ min: -5, max: 100 }),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0),
);
const recording = fc.record({
  instrument: fc.constantFrom('counter', 'declared', 'updown', 'histogram', 'gauge', 'raw'),
  attributes,
  value: measurement,
});

describe('metric attribute values and measurements (property)', () => {
  let metrics: MetricsHandle;
  beforeAll(() => {
    metrics = createMetrics(
      metricsConfig({ exporters: [prometheusExporter()] }),
      resourceFromAttributes({ 'service.name': 'labels-property' }),
    );
  });
  afterAll(() => metrics.shutdown());

  async function scrape(): Promise<void> {
    // past the scrape cache window, so that this scrape serialises what was recorded
    await new Promise((r) => setTimeout(r, 300));
    const address = await metrics.listening;
    if (!address) throw new Error('no listener');
    const res = await httpRequest(address.port, '/metrics');
    expect(res.status).toBe(200);
    const samples = parseExposition(res.body);
    expect(samples.some((s) => s.name.startsWith('prop_counter'))).toBe(true);
  }

  it('never throw into the caller, and every scrape still succeeds', async () => {
    const counter = metrics.counter('prop.counter');
    const declared = metrics.counter('prop.declared', { attributes: ['route', 'shop'] });
    const updown = metrics.upDownCounter('prop.updown');
    const histogram = metrics.histogram('prop.histogram', { unit: 's' });
    const gauge = metrics.gauge('prop.gauge');
    const raw = metrics.meter.createCounter('prop.raw');
    counter.inc();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(recording, { minLength: 1, maxLength: 20 }), async (batch) => {
        for (const r of batch) {
          const attrs = r.attributes as never;
          expect(() => {
            switch (r.instrument) {
              case 'counter':
                counter.inc(attrs, r.value);
                return;
              case 'declared':
                declared.add(r.value, attrs);
                return;
              case 'updown':
                updown.add(r.value, attrs);
                return;
              case 'histogram':
                histogram.record(r.value, attrs);
                return;
              case 'gauge':
                gauge.set(r.value, attrs);
                return;
              case 'raw':
                raw.add(r.value, attrs);
                return;
            }
          }).not.toThrow();
        }
        // an in-process collection never fails either
        const collected = await metrics.collect();
        expect(collected.errors).toEqual([]);
        if (++runs % 20 === 0) await scrape();
      }),
      { seed: 14_003, numRuns: 60 },
    );
    await scrape();
  }, 60_000);
});
