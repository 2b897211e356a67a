import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { startMonitoring } from '@otelkit/service';
import { createFakeServer, type FakeServer } from '@otelkit/testing';

// Issue 14 item 10: under startMonitoring with a hanging collector and Elasticsearch, the trace
// flush waited for the 30 s export timeout and used the whole 5 s budget; provider and log
// shutdown got "no time left", and 2 560 spans (queued + in flight) and 10 000 Elasticsearch
// lines were never counted. Now each step has a fair share of the one budget, and every signal
// counts what it has not delivered when its share ends: produced = delivered + dropped + failed.

jest.setTimeout(60_000);

const BUDGET_MILLIS = 3000;
const SPANS = 2560;
const LINES = 10_000;

describe('shutdown budget under startMonitoring: a hanging collector and a healthy Elasticsearch', () => {
  let collector: FakeServer;
  let es: FakeServer;

  beforeAll(async () => {
    // traces and metrics go to a collector that reads each request and never answers
    collector = await createFakeServer({ behaviour: { kind: 'hang' } });
    // one _bulk of 10 000 lines is ~2 MB: keep all of it
    es = await createFakeServer({ behaviour: { kind: 'elasticsearch' }, maxKeptRequestBytes: 64 << 20 });
  });
  afterAll(async () => {
    await collector.close();
    await es.close();
  });

  it('the healthy signal delivers everything in its share, the hanging ones count every loss, within the budget', async () => {
    const m = startMonitoring(
      {
        service: { name: 'budget' },
        logging: {
          level: 'info',
          outputs: [
            {
              type: 'elasticsearch',
              node: es.url,
              // nothing is shipped before the shutdown: all 10 000 lines wait for its flush
              flushInterval: '60s',
              maxBatchSize: 20_000,
              maxBufferedLines: 20_000,
            },
          ],
        },
        tracing: {
          sampler: 'always_on',
          exporter: { type: 'otlp', endpoint: `${collector.url}/v1/traces`, timeout: '30s' },
          batch: { maxQueueSize: 4096, maxExportBatchSize: 512, scheduledDelayMillis: 60_000 },
        },
        metrics: {
          exporters: [{ type: 'otlp', endpoint: `${collector.url}/v1/metrics`, timeout: '30s' }],
          interval: 60,
        },
        resources: { enabled: false },
        shutdown: { timeout: `${BUDGET_MILLIS}ms`, handleSignals: false },
      },
      { env: {}, file: false },
    );
    const counter = m.metrics.counter('budget.work');
    for (let i = 0; i < SPANS; i++) m.tracer.startSpan(`s${i}`).end();
    for (let i = 0; i < 20; i++) counter.add(1, { shard: String(i) });
    for (let i = 0; i < LINES; i++) m.logger.info({ i }, 'line');
    // the first batch of spans is out at the collector (and will never be answered)
    await collector.waitFor((s) => s.requests.some((r) => r.url === '/v1/traces'), 10_000);

    expect(es.documents).toHaveLength(0);
    const started = performance.now();
    const report = await m.shutdown();
    const took = performance.now() - started;

    // within the one budget (a small slack for timers on a loaded machine)
    expect(took).toBeLessThan(BUDGET_MILLIS + 400);
    expect(report.durationMillis).toBeLessThanOrEqual(BUDGET_MILLIS + 400);

    // Logging had its share: every line reached Elasticsearch, none counted as dropped.
    const logs = report.steps.find((s) => s.name === 'logs');
    expect(logs).toMatchObject({ ok: true });
    expect(logs?.shareMillis).toBeGreaterThanOrEqual(BUDGET_MILLIS / 3);
    const delivered = es.documents.filter((d) => JSON.parse(d).msg === 'line');
    expect(delivered).toHaveLength(LINES);
    const esStats = m.logger.stats().outputs[0];
    expect(esStats).toMatchObject({ type: 'elasticsearch', dropped: 0, buffered: 0 });
    expect(esStats?.delivered).toBe(es.documents.length);

    // Traces: nothing delivered, every span counted, by reason: the batch at the collector as
    // failed, the queued rest as dropped, both `shutdown`.
    const t = m.tracing.stats();
    expect(t.ended).toBe(SPANS);
    expect(t.exported).toBe(0);
    expect(t.queued + t.inFlight).toBe(0);
    expect(t.failedByReason).toEqual({ export_error: 0, timeout: 0, shutdown: 512 });
    expect(t.failed).toBe(512);
    expect(t.droppedByReason).toEqual({ queue_full: 0, shutdown: SPANS - 512 });
    expect(t.exported + t.dropped + t.failed).toBe(t.ended);

    // Metrics: every export handed to the collector is unanswered: failed, reason `shutdown`,
    // its data points with it; nothing is left in flight.
    const mm = m.metrics.stats();
    expect(mm.exports.succeeded).toBe(0);
    expect(mm.exports.failed).toBeGreaterThanOrEqual(1);
    expect(mm.exports.failedByReason).toEqual({ shutdown: mm.exports.failed });
    expect(mm.points.inFlight).toBe(0);
    expect(mm.points.exported).toBe(0);
    expect(mm.points.failed).toBeGreaterThanOrEqual(20);
    expect(mm.points.failedByReason).toEqual({ shutdown: mm.points.failed });

    // The report says the same, per signal and reason.
    expect(report.undelivered).toEqual({
      traces: { dropped: { shutdown: SPANS - 512 }, failed: { shutdown: 512 }, total: SPANS },
      metrics: {
        exports: { shutdown: mm.exports.failed },
        points: { shutdown: mm.points.failed },
        total: mm.points.failed,
      },
      logs: { outputs: { '0:elasticsearch': {} }, total: 0 },
      total: SPANS + mm.points.failed,
    });
    // ... and so did the last line of the logger, shipped through the pipe that works.
    const final = es.documents
      .map((d) => JSON.parse(d))
      .find((d) => d.msg === 'otelkit shutdown: telemetry not delivered');
    expect(final?.undelivered?.traces).toEqual({
      dropped: { shutdown: SPANS - 512 },
      failed: { shutdown: 512 },
      total: SPANS,
    });

    // The hanging steps timed out within their own shares; nothing said "no time left".
    expect(report.steps.map((s) => s.error).filter(Boolean)).not.toContain('no time left');
    // the flushes are best effort; the providers' steps say they had to give up
    expect(report.steps.find((s) => s.name === 'tracer provider')).toMatchObject({
      ok: false,
      error: 'timed out',
    });
    expect(report.steps.find((s) => s.name === 'meter provider')).toMatchObject({
      ok: false,
      error: 'timed out',
    });
    expect(report.ok).toBe(false);
  });
});

describe('after a shutdown that gave up on a hanging collector', () => {
  it('the process exits at once: the unanswered requests are cut, nothing waits for their 30 s timeout', async () => {
    const collector = await createFakeServer({ behaviour: { kind: 'hang' } });
    try {
      const result = await new Promise<{ code: number | null; afterEndMillis: number; report: string }>(
        (resolve) => {
          const child = spawn(
            process.execPath,
            [
              path.join(__dirname, '..', 'fixtures', 'hanging-collector-exit.js'),
              JSON.stringify({ url: collector.url }),
            ],
            { stdio: ['ignore', 'ignore', 'pipe'] },
          );
          let endedAt = 0;
          let report = '';
          child.stderr.setEncoding('utf8').on('data', (d: string) => {
            const m = /END (.*)/.exec(d);
            if (m && !endedAt) {
              endedAt = performance.now();
              report = m[1] as string;
            }
          });
          const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
          child.on('exit', (code) => {
            clearTimeout(timer);
            resolve({ code, afterEndMillis: endedAt ? performance.now() - endedAt : -1, report });
          });
        },
      );
      // the collector got the requests (and still holds them open)
      expect(collector.requests.some((r) => r.url === '/v1/traces')).toBe(true);
      expect(collector.requests.some((r) => r.url === '/v1/metrics')).toBe(true);
      expect(result.code).toBe(0);
      const undelivered = JSON.parse(result.report);
      expect(undelivered.traces.total).toBe(300);
      expect(undelivered.metrics.exports.shutdown).toBeGreaterThanOrEqual(1);
      // Before: the sockets to the collector held the process until the exporters' 30 s timeout.
      expect(result.afterEndMillis).toBeGreaterThanOrEqual(0);
      expect(result.afterEndMillis).toBeLessThan(5000);
    } finally {
      await collector.close();
    }
  }, 60_000);
});
