import { closedPort, type OtlpReceiver, startOtlpReceiver } from '../../../../test/support/otlp-receiver';
import { createTracing } from '../../src';
import { runTracingChild } from '../support/child';
import { otlpExporter, testResource, tracingConfig } from '../support/config';
import { startRecorder } from '../support/http';
import { buildTree } from '../support/tree';

// The HTTP protocols run in a child process (see test/fixtures/run-tracing.js for why); gRPC
// runs in-process. Every payload is decoded by the shared receiver with the official OTLP
// protobuf definitions, never with the encoder under test.

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver({ grpc: true });
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.reset();
  receiver.setBehaviour({ mode: 'ok' });
});

function expectTree(
  service: string,
  ids: { traceId?: string; server?: string; db?: string; render?: string },
) {
  const spans = receiver.spans();
  expect(spans.map((s) => s.name).sort()).toEqual(['GET /orders/:id', 'db.query', 'render']);
  const server = spans.find((s) => s.name === 'GET /orders/:id')!;
  const db = spans.find((s) => s.name === 'db.query')!;
  const render = spans.find((s) => s.name === 'render')!;
  // ids and parent/child links
  for (const s of spans) expect(s.traceId).toBe(ids.traceId);
  expect(server.spanId).toBe(ids.server);
  expect(server.parentSpanId).toBe('');
  expect(db.spanId).toBe(ids.db);
  expect(db.parentSpanId).toBe(server.spanId);
  expect(render.parentSpanId).toBe(server.spanId);
  // kinds (proto enum: INTERNAL = 1, SERVER = 2), attributes, statuses (ERROR = 2)
  expect(server.kind).toBe(2);
  expect(db.kind).toBe(1);
  expect(server.attributes).toEqual({
    'http.request.method': 'GET',
    'http.route': '/orders/:id',
    'app.items': 3,
    'app.cached': true,
  });
  expect(db.attributes['db.system.name']).toBe('postgresql');
  expect(db.status.code).toBe(2);
  expect(db.status.message).toBe('db down');
  const exception = db.events.find((e) => e.name === 'exception')!;
  expect(exception.attributes['exception.message']).toBe('db down');
  expect(exception.attributes['exception.type']).toBe('Error');
  expect(render.status.code ?? 0).toBe(0);
  // end after start, nanoseconds
  for (const s of spans) expect(BigInt(s.endTimeUnixNano) >= BigInt(s.startTimeUnixNano)).toBe(true);
  // resource and scope
  expect(server.resource.attributes['service.name']).toBe(service);
  expect(server.scope.name).toBe('@otelkit/tracing');
}

describe('OTLP exporters, decoded by the shared receiver', () => {
  it('http/protobuf: delivers the span tree with links, names, attributes, status and service.name', async () => {
    const result = await runTracingChild({
      service: 'orders-proto',
      config: tracingConfig({ exporters: [otlpExporter(receiver.urls.traces, 'http/protobuf')] }),
    });
    expectTree('orders-proto', result.ids);
    expect(receiver.requests[0]!.contentType).toBe('application/x-protobuf');
    expect(result.stats).toMatchObject({ started: 3, ended: 3, exported: 3, dropped: 0, failed: 0 });
  });

  it('http/json: delivers the same tree as OTLP/JSON', async () => {
    const result = await runTracingChild({
      service: 'orders-json',
      config: tracingConfig({ exporters: [otlpExporter(receiver.urls.traces, 'http/json')] }),
    });
    expectTree('orders-json', result.ids);
    expect(receiver.requests[0]!.contentType).toBe('application/json');
    expect(result.stats).toMatchObject({ ended: 3, exported: 3, dropped: 0, failed: 0 });
  });

  it('jaeger (OTLP intake) with gzip and configured headers', async () => {
    const exporter = {
      ...otlpExporter(receiver.urls.traces, 'http/protobuf', {
        type: 'jaeger',
        headers: { 'x-api-key': 'k1' },
      }),
      compression: 'gzip' as const,
    };
    const result = await runTracingChild({
      service: 'orders-jaeger',
      config: tracingConfig({ exporters: [exporter] }),
    });
    expectTree('orders-jaeger', result.ids);
    expect(receiver.requests[0]!.headers['x-api-key']).toBe('k1');
    expect(receiver.requests[0]!.contentEncoding).toBe('gzip');
    expect(result.stats.exporters).toEqual([{ type: '0:jaeger', exported: 3, failed: 0 }]);
  });

  it('grpc: delivers the span tree in-process', async () => {
    const tracing = createTracing(
      tracingConfig({
        exporters: [otlpExporter(receiver.grpcUrl!, 'grpc', { headers: { 'x-tenant': 't1' } })],
      }),
      testResource('orders-grpc'),
    );
    expect(tracing.register()).toBe(true);
    const ids = buildTree();
    await tracing.forceFlush();
    await receiver.waitFor((r) => r.spans().length >= 3, 10_000);
    expectTree('orders-grpc', ids);
    expect(receiver.requests[0]!.headers['x-tenant']).toBe('t1');
    expect(tracing.stats()).toMatchObject({ ended: 3, exported: 3, failed: 0, dropped: 0 });
    await tracing.shutdown();
  });
});

describe('OTLP export faults: the app keeps running, shutdown stays in budget, every span is accounted for', () => {
  const budget = 1500;
  // Generous slack for a busy machine; the point is "bounded", not "fast".
  const slack = 1500;

  it('collector down (closed port): spans count as failed, shutdown within budget', async () => {
    const url = `${await closedPort()}/v1/traces`;
    const result = await runTracingChild({
      service: 'faults',
      config: tracingConfig({
        exporters: [otlpExporter(url, 'http/protobuf', { timeoutMillis: 500 })],
        shutdownTimeoutMillis: budget,
      }),
    });
    const s = result.stats;
    expect(s.ended).toBe(3);
    expect(s.exported).toBe(0);
    expect(s.exported + s.dropped + s.failed).toBe(s.ended);
    expect(result.shutdownMillis).toBeLessThan(budget + slack);
  });

  it('collector accepts and never answers: shutdown resolves within budget, spans accounted as failed', async () => {
    receiver.setBehaviour({ mode: 'hang' });
    const result = await runTracingChild({
      service: 'faults',
      spans: 20,
      config: tracingConfig({
        exporters: [otlpExporter(receiver.urls.traces, 'http/protobuf', { timeoutMillis: 30_000 })],
        shutdownTimeoutMillis: budget,
      }),
    });
    const s = result.stats;
    expect(receiver.requests.length).toBeGreaterThanOrEqual(1);
    expect(receiver.requests[0]!.answer).toBe('hang');
    expect(s.ended).toBe(20);
    expect(s.exported).toBe(0);
    expect(s.failed + s.dropped).toBe(20);
    expect(result.shutdownMillis).toBeLessThan(budget + slack);
    expect(result.shutdownMillis).toBeGreaterThanOrEqual(budget * 0.5);
  });

  it('503 then 200: retried and delivered exactly once', async () => {
    receiver.setBehaviour({ mode: 'status', statuses: [503, 200] });
    const result = await runTracingChild({
      service: 'faults',
      config: tracingConfig({ exporters: [otlpExporter(receiver.urls.traces, 'http/protobuf')] }),
    });
    expect(receiver.requests.map((r) => r.answer)).toEqual([503, 200]);
    expect(receiver.spans()).toHaveLength(3);
    expect(new Set(receiver.spans().map((s) => s.spanId)).size).toBe(3);
    expect(result.stats).toMatchObject({ ended: 3, exported: 3, failed: 0, dropped: 0 });
  });

  it('a 3xx redirect is not followed: the export fails and the redirect target receives nothing', async () => {
    const redirector = await startRecorder((_req, res) => {
      res.writeHead(307, { location: receiver.urls.traces });
      res.end();
    });
    try {
      const result = await runTracingChild({
        service: 'faults',
        config: tracingConfig({ exporters: [otlpExporter(`${redirector.url}/v1/traces`, 'http/protobuf')] }),
      });
      expect(redirector.requests).toHaveLength(1);
      expect(receiver.requests).toHaveLength(0);
      expect(result.stats).toMatchObject({ ended: 3, exported: 0, failed: 3 });
    } finally {
      await redirector.close();
    }
  });
});
