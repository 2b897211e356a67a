import type { TraceExporterConfig } from '@otelkit/config';
import { createTracing, type TracingHandle, withSpan } from '../../src';
import { testResource, tracingConfig } from '../support/config';
import { startRecorder } from '../support/http';
import { buildTree } from '../support/tree';

const zipkin = (url: string, timeoutMillis = 5000): TraceExporterConfig => ({
  type: 'zipkin',
  endpoint: `${url}/api/v2/spans`,
  headers: { 'x-zipkin-tenant': 'acme' },
  timeoutMillis,
});

interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: string;
  timestamp: number;
  duration: number;
  localEndpoint: { serviceName: string };
  tags: Record<string, string>;
  annotations?: Array<{ timestamp: number; value: string }>;
}

describe('zipkin exporter (v2 JSON, checked field by field)', () => {
  let tracing: TracingHandle | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });

  it('posts the span tree as Zipkin v2 JSON', async () => {
    const recorder = await startRecorder((_req, res) => {
      res.writeHead(202);
      res.end();
    });
    try {
      tracing = createTracing(
        tracingConfig({ exporters: [zipkin(recorder.url)] }),
        testResource('orders-zipkin'),
      );
      tracing.register();
      const beforeMicros = Date.now() * 1000;
      const ids = buildTree();
      const afterMicros = Date.now() * 1000 + 1000;
      await tracing.forceFlush();

      expect(recorder.requests).toHaveLength(1);
      const req = recorder.requests[0]!;
      expect(req.method).toBe('POST');
      expect(req.url).toBe('/api/v2/spans');
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['x-zipkin-tenant']).toBe('acme');
      const spans = JSON.parse(req.body.toString('utf8')) as ZipkinSpan[];
      expect(spans).toHaveLength(3);
      const server = spans.find((s) => s.name === 'GET /orders/:id')!;
      const db = spans.find((s) => s.name === 'db.query')!;
      const render = spans.find((s) => s.name === 'render')!;

      for (const s of spans) {
        expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(s.traceId).toBe(ids.traceId);
        expect(s.id).toMatch(/^[0-9a-f]{16}$/);
        expect(Number.isInteger(s.timestamp)).toBe(true);
        expect(s.timestamp).toBeGreaterThanOrEqual(beforeMicros - 1000);
        expect(s.timestamp).toBeLessThanOrEqual(afterMicros);
        expect(Number.isInteger(s.duration)).toBe(true);
        expect(s.duration).toBeGreaterThanOrEqual(0);
        expect(s.localEndpoint).toEqual({ serviceName: 'orders-zipkin' });
        for (const v of Object.values(s.tags)) expect(typeof v).toBe('string');
        expect(s.tags['service.name']).toBe('orders-zipkin');
      }
      expect(server.id).toBe(ids.server);
      expect('parentId' in server).toBe(false);
      expect(server.kind).toBe('SERVER');
      expect(server.tags).toEqual({
        'http.request.method': 'GET',
        'http.route': '/orders/:id',
        'app.items': '3',
        'app.cached': 'true',
        'service.name': 'orders-zipkin',
      });
      expect(server.annotations).toBeUndefined();

      expect(db.id).toBe(ids.db);
      expect(db.parentId).toBe(server.id);
      expect(db.kind).toBeUndefined(); // INTERNAL spans are local in Zipkin: no kind
      expect(db.tags['db.system.name']).toBe('postgresql');
      expect(db.tags['otel.status_code']).toBe('ERROR');
      expect(db.tags.error).toBe('db down');
      expect(db.annotations).toHaveLength(1);
      expect(db.annotations![0]!.value).toBe('exception');
      expect(db.annotations![0]!.timestamp).toBeGreaterThanOrEqual(db.timestamp);
      expect(db.annotations![0]!.timestamp).toBeLessThanOrEqual(db.timestamp + db.duration + 1);

      expect(render.parentId).toBe(server.id);
      expect(render.tags['otel.status_code']).toBeUndefined();
      // children lie within their parent, up to 1 ms: the SDK anchors each span's clock on
      // Date.now() (millisecond resolution), so sibling clocks may differ by < 1 ms.
      for (const child of [db, render]) {
        expect(child.timestamp).toBeGreaterThanOrEqual(server.timestamp - 1000);
        expect(child.timestamp + child.duration).toBeLessThanOrEqual(
          server.timestamp + server.duration + 1000,
        );
      }
      expect(tracing.stats()).toMatchObject({ ended: 3, exported: 3, failed: 0, dropped: 0 });
    } finally {
      await recorder.close();
    }
  });

  it('does not follow a redirect: a 3xx is a failed export', async () => {
    const target = await startRecorder();
    const redirector = await startRecorder((_req, res) => {
      res.writeHead(308, { location: `${target.url}/api/v2/spans` });
      res.end();
    });
    try {
      tracing = createTracing(tracingConfig({ exporters: [zipkin(redirector.url)] }), testResource());
      withSpan('x', () => undefined, { tracer: tracing.tracer });
      await tracing.forceFlush();
      expect(redirector.requests).toHaveLength(1);
      expect(target.requests).toHaveLength(0);
      expect(tracing.stats()).toMatchObject({ ended: 1, exported: 0, failed: 1 });
    } finally {
      await redirector.close();
      await target.close();
    }
  });

  it('times out on a server that never answers and counts the spans as failed', async () => {
    const hanging = await startRecorder(() => undefined);
    try {
      tracing = createTracing(tracingConfig({ exporters: [zipkin(hanging.url, 300)] }), testResource());
      withSpan('x', () => undefined, { tracer: tracing.tracer });
      withSpan('y', () => undefined, { tracer: tracing.tracer });
      await tracing.forceFlush();
      expect(hanging.requests).toHaveLength(1);
      expect(tracing.stats()).toMatchObject({ ended: 2, exported: 0, failed: 2, dropped: 0, queued: 0 });
    } finally {
      await hanging.close();
    }
  });
});
