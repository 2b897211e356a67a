import { hardenOtlpRetries, type TraceExporterConfig } from '@otelkit/config';
import { createFakeServer } from '@otelkit/testing';
import { createTracing, type TracingHandle } from '../../src';
import { createExporter } from '../../src/exporters/create-exporter';
import { otlpExporter, testResource, tracingConfig } from '../support/config';

// Trace exporters against the fake collector of @otelkit/testing. Account after each run:
// ended = exported + dropped + failed.

const zipkin = (url: string, timeoutMillis: number): TraceExporterConfig => ({
  type: 'zipkin',
  endpoint: `${url}/api/v2/spans`,
  headers: {},
  timeoutMillis,
});

function endSpans(tracing: TracingHandle, n: number): void {
  for (let i = 0; i < n; i++) tracing.tracer.startSpan(`s${i}`).end();
}

function expectAccount(tracing: TracingHandle, ended: number): void {
  const s = tracing.stats();
  expect(s.ended).toBe(ended);
  expect(s.exported + s.dropped + s.failed).toBe(ended);
}

describe('trace exporters under faults', () => {
  it('zipkin: a 202 with an endless body is a success read only up to its cap', async () => {
    const server = await createFakeServer({ behaviour: { kind: 'endless', status: 202 } });
    const tracing = createTracing(tracingConfig({ exporters: [zipkin(server.url, 20_000)] }), testResource());
    try {
      endSpans(tracing, 5);
      // Before: the body was drained until the idle timeout, which an endless body never hits.
      await tracing.forceFlush();
      expect(tracing.stats()).toMatchObject({ exported: 5, failed: 0 });
      expect(server.bytesSent).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await tracing.shutdown();
      await server.close();
    }
    expectAccount(tracing, 5);
  }, 30_000);

  it('zipkin: an answer that trickles fails at the total deadline', async () => {
    const server = await createFakeServer({ behaviour: { kind: 'trickle', status: 202, everyMillis: 20 } });
    const tracing = createTracing(tracingConfig({ exporters: [zipkin(server.url, 300)] }), testResource());
    try {
      endSpans(tracing, 3);
      const started = performance.now(); // monotonic: a wall-clock step does not count
      await tracing.forceFlush();
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(tracing.stats()).toMatchObject({ exported: 0, failed: 3 });
    } finally {
      await tracing.shutdown();
      await server.close();
    }
    expectAccount(tracing, 3);
  }, 30_000);

  it.each(['http/protobuf', 'http/json'] as const)(
    'otlp %s: a 200 with an endless body fails at the response cap, not never',
    async (protocol) => {
      const server = await createFakeServer({ behaviour: { kind: 'endless' } });
      const tracing = createTracing(
        tracingConfig({
          exporters: [otlpExporter(`${server.url}/v1/traces`, protocol, { timeoutMillis: 20_000 })],
        }),
        testResource(),
      );
      try {
        endSpans(tracing, 3);
        const started = performance.now();
        await tracing.forceFlush();
        expect(performance.now() - started).toBeLessThan(15_000);
        expect(tracing.stats()).toMatchObject({ exported: 0, failed: 3 });
        // read up to the transport's 4 MiB cap, plus what socket buffers held when it cut
        expect(server.bytesSent).toBeLessThan(64 * 1024 * 1024);
      } finally {
        await tracing.shutdown();
        await server.close();
      }
      expectAccount(tracing, 3);
    },
    30_000,
  );

  it('otlp: answers that trickle fail at the export deadline and leave no connection behind', async () => {
    const server = await createFakeServer({ behaviour: { kind: 'trickle', everyMillis: 20 } });
    const tracing = createTracing(
      tracingConfig({
        exporters: [otlpExporter(`${server.url}/v1/traces`, 'http/protobuf', { timeoutMillis: 300 })],
        batch: {
          maxQueueSize: 2048,
          maxExportBatchSize: 512,
          scheduledDelayMillis: 50,
          exportTimeoutMillis: 500,
        },
      }),
      testResource(),
    );
    try {
      for (let round = 0; round < 5; round++) {
        endSpans(tracing, 2);
        const started = performance.now();
        await tracing.forceFlush();
        expect(performance.now() - started).toBeLessThan(10_000);
      }
      expect(tracing.stats()).toMatchObject({ exported: 0, failed: 10 });
      // every trickling answer was cut: the server has no open connection left
      await new Promise((r) => setTimeout(r, 300));
      expect(server.openConnections()).toBe(0);
    } finally {
      await tracing.shutdown();
      await server.close();
    }
    expectAccount(tracing, 10);
  }, 60_000);

  it.each(['0', '-1', 'abc'])(
    'otlp: a 429 with Retry-After %s is retried after at least a second',
    async (retryAfter) => {
      const server = await createFakeServer({ behaviour: { kind: 'status', status: 429, retryAfter } });
      const tracing = createTracing(
        tracingConfig({
          exporters: [otlpExporter(`${server.url}/v1/traces`, 'http/json', { timeoutMillis: 2500 })],
        }),
        testResource(),
      );
      try {
        endSpans(tracing, 2);
        await tracing.forceFlush();
        // Before: upstream retried at once, 6 requests in ~30 ms. Now: one, then one per ≥ 1 s.
        expect(server.requests.length).toBeGreaterThanOrEqual(1);
        expect(server.requests.length).toBeLessThanOrEqual(3);
        const gaps = server.requests.slice(1).map((r, i) => r.at - (server.requests[i]?.at ?? 0));
        for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(950);
      } finally {
        await tracing.shutdown();
        await server.close();
      }
      expectAccount(tracing, 2);
    },
    30_000,
  );

  it('finds the upstream retrying transport of the OTLP HTTP trace exporters (pinned shape)', () => {
    for (const protocol of ['http/protobuf', 'http/json'] as const) {
      const exporter = createExporter(otlpExporter('http://127.0.0.1:1/v1/traces', protocol), 0);
      expect(hardenOtlpRetries(exporter)).toBe(true);
      void exporter.shutdown();
    }
    // The 0.223 gRPC exporter does not retry (no retrying transport, no retry timers): nothing to harden.
    const grpc = createExporter(otlpExporter('http://127.0.0.1:1', 'grpc'), 0);
    expect(hardenOtlpRetries(grpc)).toBe(false);
    void grpc.shutdown();
  });
});
