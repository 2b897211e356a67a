import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMonitoring } from '@otelkit/service';
import { createFakeServer, type FakeServer } from '@otelkit/testing';

// Issue 14 item 13: drops are visible — log drops and metric-export failures as metrics with a
// `reason` (like span drops, which get one too), read here through the real Prometheus listener;
// and /health reports a degraded exporter without failing liveness or readiness.

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** `name{a="x",b="y"} value` lines of an exposition, as [labels, value] for one family. */
function series(exposition: string, name: string): Array<[Record<string, string>, number]> {
  const out: Array<[Record<string, string>, number]> = [];
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^[^{ ]+(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] as string] = l[2] as string;
    out.push([labels, Number(m[2])]);
  }
  return out;
}

function value(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  return series(exposition, name).find(([l]) => Object.entries(labels).every(([k, v]) => l[k] === v))?.[1];
}

describe('drops as metrics, degraded exporters on /health', () => {
  let refusing: FakeServer;
  let healthServer: http.Server;
  let m: ReturnType<typeof startMonitoring>;
  let metricsUrl: string;
  let healthUrl: string;

  beforeAll(async () => {
    // answers 400 to everything: OTLP traces, metrics, logs and Elasticsearch _bulk are refused
    refusing = await createFakeServer({ behaviour: { kind: 'status', status: 400, body: 'no' } });
    m = startMonitoring(
      {
        service: { name: 'drops' },
        logging: {
          level: 'info',
          outputs: [
            // every write fails with ENOSPC
            { type: 'file', path: '/dev/full' },
            { type: 'elasticsearch', node: refusing.url, flushInterval: '50ms', maxRetries: 0 },
            { type: 'otlp', endpoint: `${refusing.url}/v1/logs` },
          ],
        },
        tracing: {
          sampler: 'always_on',
          exporter: { type: 'otlp', endpoint: `${refusing.url}/v1/traces` },
          batch: { maxQueueSize: 5, maxExportBatchSize: 5, scheduledDelayMillis: 60_000 },
        },
        metrics: {
          exporters: [
            { type: 'prometheus', host: '127.0.0.1', port: 0 },
            { type: 'otlp', endpoint: `${refusing.url}/v1/metrics` },
          ],
          interval: 60,
        },
        resources: { enabled: false },
        // every probe runs the checks: the second test must not read the first one's cached answer
        // (it came within the default 1 s cache once our own diagnostics stopped feeding the
        // failing pipes, which had made each flush slow)
        health: { cacheMillis: 0 },
        shutdown: { timeout: '3s', handleSignals: false },
      },
      { env: {}, file: false },
    );
    const address = await m.metrics.listening;
    if (!address) throw new Error('no Prometheus listener');
    metricsUrl = `http://127.0.0.1:${address.port}/metrics`;
    healthServer = http.createServer(m.health.handler());
    await new Promise<void>((resolve) => healthServer.listen(0, '127.0.0.1', resolve));
    healthUrl = `http://127.0.0.1:${(healthServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await m.shutdown();
    await new Promise((resolve) => healthServer.close(resolve));
    await refusing.close();
  });

  it('starts healthy, with the drop series at zero', async () => {
    const health = await get(`${healthUrl}/health`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'telemetry', status: 'pass' })]),
    );
    const text = (await get(metricsUrl)).body;
    expect(value(text, 'otelkit_tracing_spans_dropped_total', { reason: 'queue_full' })).toBe(0);
    expect(value(text, 'otelkit_tracing_spans_dropped_total', { reason: 'shutdown' })).toBe(0);
  });

  it('counts every drop by reason, and /health says degraded while staying 200', async () => {
    for (let i = 0; i < 200; i++) m.tracer.startSpan(`s${i}`).end();
    for (let i = 0; i < 30; i++) m.logger.info({ i }, 'line');
    await m.forceFlush();
    // the Elasticsearch shipper sends on its own interval
    for (let t = 0; t < 100 && (m.logger.stats().outputs[1]?.dropped ?? 0) < 30; t++)
      await new Promise((r) => setTimeout(r, 50));
    // past the scrape cache (a scrape within 250 ms of the last collection reuses its exposition)
    await new Promise((r) => setTimeout(r, 300));

    const text = (await get(metricsUrl)).body;
    const tracing = m.tracing.stats();
    // 200 spans at once into a queue of 5 (one batch in flight): most dropped because it was full,
    // the rest failed at the refusing collector
    expect(tracing.droppedByReason).toEqual({ queue_full: tracing.dropped, shutdown: 0 });
    expect(tracing.dropped).toBeGreaterThan(150);
    expect(tracing.exported + tracing.dropped + tracing.failed).toBe(tracing.ended);
    expect(value(text, 'otelkit_tracing_spans_dropped_total', { reason: 'queue_full' })).toBe(
      tracing.dropped,
    );

    const logs = m.logger.stats().outputs;
    const file = logs.find((o) => o.type === 'file');
    const es = logs.find((o) => o.type === 'elasticsearch');
    const otlp = logs.find((o) => o.type === 'otlp');
    expect(file?.droppedByReason.write_error).toBeGreaterThanOrEqual(30);
    expect(es?.droppedByReason).toEqual({ rejected: es?.dropped });
    expect(es?.dropped).toBeGreaterThanOrEqual(30);
    expect(otlp?.droppedByReason.export_failed).toBeGreaterThanOrEqual(30);
    const dropped = 'otelkit_logging_lines_dropped_total';
    expect(value(text, dropped, { output: 'file', reason: 'write_error' })).toBe(
      file?.droppedByReason.write_error,
    );
    expect(value(text, dropped, { output: 'elasticsearch', reason: 'rejected' })).toBe(es?.dropped);
    expect(value(text, dropped, { output: 'otlp', reason: 'export_failed' })).toBe(
      otlp?.droppedByReason.export_failed,
    );

    // the OTLP metric export was refused with 400: a non-retryable status
    expect(m.metrics.stats().exports.failedByReason.rejected).toBeGreaterThanOrEqual(1);
    const exportsText = (await get(metricsUrl)).body;
    expect(
      value(exportsText, 'otelkit_metrics_exports_total', { outcome: 'failure', reason: 'rejected' }),
    ).toBeGreaterThanOrEqual(1);

    // degraded, not down: /health and readiness answer 200 with the check at `warn`, liveness untouched
    const health = await get(`${healthUrl}/health`);
    expect(health.status).toBe(200);
    const report = JSON.parse(health.body);
    expect(report.status).toBe('warn');
    const check = report.checks.find((c: { name: string }) => c.name === 'telemetry');
    expect(check).toMatchObject({
      status: 'warn',
      details: { traces: 'degraded', metrics: 'degraded', logs: 'degraded' },
    });
    // a generic reason: no collector URL or error text on the health endpoint
    expect(check.message).not.toContain(refusing.url);
    expect((await get(`${healthUrl}/health/ready`)).status).toBe(200);
    const live = await get(`${healthUrl}/health/live`);
    expect(live.status).toBe(200);
    expect(JSON.parse(live.body).checks.map((c: { name: string }) => c.name)).not.toContain('telemetry');
  }, 30_000);
});
