import { startMonitoring } from '@otelkit/service';
import { createFakeServer, type FakeServer } from '@otelkit/testing';
import { liveHeapBytes, MiB } from '../../../../test/support/heap';

// The fault suite's "memory under a ceiling": the integrated toolkit under sustained load while
// every backend misbehaves — the collector reads each request and never answers, Elasticsearch
// answers 200 with a body that never ends — holds a bounded amount of memory whatever the volume:
// 100 000 spans, 100 000 log lines and 50 000 distinct metric label values are produced, and the
// live heap (after full GCs, measured while the faults are still on and everything is alive)
// grows by less than the ceiling. Then shutdown stays within its budget and every item is
// accounted for: produced = delivered + dropped + failed.
//
// The ceiling: the bounds add up to the span queue (2 048 spans + one 512 batch in flight), the
// Elasticsearch buffer (10 000 lines), the cardinality limit (2 000 series per instrument + the
// overflow series) and one capped response body. Unbounded, the same run holds the 100 000 spans
// (~1 KB each) or the endless body (+12 MB/s before the cap).

jest.setTimeout(120_000);

const SPANS = 100_000;
const LINES = 100_000;
const LABELS = 50_000;
const CEILING = 48 * MiB;
const BUDGET_MILLIS = 3_000;

describe('memory under a ceiling, with a hanging collector and an endless Elasticsearch', () => {
  let collector: FakeServer;
  let es: FakeServer;

  beforeAll(async () => {
    collector = await createFakeServer({ behaviour: { kind: 'hang' }, maxKeptRequestBytes: 1024 });
    es = await createFakeServer({ behaviour: { kind: 'endless' }, maxKeptRequestBytes: 1024 });
  });
  afterAll(async () => {
    await collector.close();
    await es.close();
  });

  it('holds the live heap under the ceiling, then shuts down in budget with every item counted', async () => {
    const m = startMonitoring(
      {
        service: { name: 'memory-ceiling' },
        logging: {
          level: 'info',
          outputs: [
            {
              type: 'elasticsearch',
              node: es.url,
              flushInterval: '50ms',
              maxBatchSize: 500,
              maxBufferedLines: 10_000,
              timeout: '1s',
            },
          ],
        },
        tracing: {
          sampler: 'always_on',
          exporter: { type: 'otlp', endpoint: `${collector.url}/v1/traces`, timeout: '30s' },
          batch: { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 50 },
        },
        metrics: {
          exporters: [{ type: 'otlp', endpoint: `${collector.url}/v1/metrics`, timeout: '30s' }],
          interval: '1s',
        },
        resources: { enabled: false },
        shutdown: { timeout: `${BUDGET_MILLIS}ms`, handleSignals: false },
      },
      { env: {}, file: false },
    );
    try {
      const before = await liveHeapBytes();
      const counter = m.metrics.counter('ceiling.work');
      const attrs = { 'http.route': '/orders/:id', 'user.note': 'x'.repeat(200) };
      // in slices with turns of the event loop between, so the pipes run while the load goes on
      for (let slice = 0; slice < 20; slice++) {
        for (let i = 0; i < SPANS / 20; i++) m.tracer.startSpan(`op ${i % 50}`, { attributes: attrs }).end();
        for (let i = 0; i < LINES / 20; i++)
          m.logger.info({ i, slice, note: attrs['user.note'] }, 'work done');
        for (let i = 0; i < LABELS / 20; i++) counter.add(1, { customer: `c${slice * (LABELS / 20) + i}` });
        await new Promise((r) => setTimeout(r, 20));
      }
      // the faults are on: requests are out at the hanging collector and at the endless ES
      await collector.waitFor((s) => s.requests.some((r) => r.url === '/v1/traces'), 20_000);
      await collector.waitFor((s) => s.requests.some((r) => r.url === '/v1/metrics'), 20_000);
      await es.waitFor((s) => s.requests.length >= 2, 20_000);
      const during = await liveHeapBytes();
      const growth = during - before;
      console.log(
        `memory ceiling: live heap +${(growth / MiB).toFixed(1)} MiB for ${SPANS} spans, ${LINES} lines, ` +
          `${LABELS} label values (ceiling ${CEILING / MiB} MiB); ES answer bytes written ${es.bytesSent}`,
      );
      expect(growth).toBeLessThan(CEILING);
    } finally {
      const started = performance.now();
      const report = await m.shutdown();
      const took = performance.now() - started;
      // within the one budget, with slack for timers on a loaded 2-core machine
      expect(took).toBeLessThan(BUDGET_MILLIS + 1_500);
      expect(report.durationMillis).toBeLessThanOrEqual(BUDGET_MILLIS + 1_500);
    }

    // spans: nothing reached the hanging collector; every one counted
    const t = m.tracing.stats();
    expect(t.ended).toBe(SPANS);
    expect(t.exported).toBe(0);
    expect(t.queued + t.inFlight).toBe(0);
    expect(t.exported + t.dropped + t.failed).toBe(t.ended);
    expect(t.droppedByReason.queue_full).toBeGreaterThan(0);

    // log lines: the endless answers are cut and count as failures; every line is accounted for
    const out = m.logger.stats().outputs[0]!;
    expect(out.type).toBe('elasticsearch');
    // handed to the output = accepted into its buffer (`lines`) + refused at a full buffer
    const handed = out.lines + (out.droppedByReason.buffer_full ?? 0);
    expect(handed).toBeGreaterThanOrEqual(LINES); // our own warnings may add to the app's lines
    expect(out.droppedByReason.buffer_full).toBeGreaterThan(0);
    expect(out.buffered).toBe(0);
    expect((out.delivered ?? 0) + out.dropped).toBe(handed);
    expect(out.errors).toBeGreaterThanOrEqual(1);
    // the endless bodies were read up to their cap, not for as long as they lasted
    expect(es.bytesSent).toBeLessThan(es.requests.length * 64 * MiB);

    // metrics: the label values beyond the cardinality limit fold into the overflow series; no
    // export was answered, and every exported point is counted as failed
    const mm = m.metrics.stats();
    expect(mm.exports.succeeded).toBe(0);
    expect(mm.points.exported).toBe(0);
    expect(mm.points.inFlight).toBe(0);
    expect(mm.exports.failed).toBeGreaterThanOrEqual(1);
  });
});
