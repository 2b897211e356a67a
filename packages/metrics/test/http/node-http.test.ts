import { createServer, type RequestListener, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';
import { createMetrics } from '../../src/create-metrics';
import { setRequestRoute } from '../../src/http/http-server-metrics';
import { withHttpMetrics } from '../../src/http/with-http-metrics';
import type { MetricsHandle } from '../../src/types';
import { pointsOf } from '../helpers/collect';
import { metricsConfig } from '../helpers/config';
import { eventually } from '../helpers/eventually';
import { httpRequest } from '../helpers/http';
import { activeRequests, durationPoints } from '../helpers/http-points';
import { setupTracing } from '../helpers/tracing';

async function serve(listener: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

const userRoute = (req: { url?: string }) => (req.url?.startsWith('/users/') ? '/users/:id' : undefined);

describe('withHttpMetrics (node:http)', () => {
  let metrics: MetricsHandle;
  let server: Server | undefined;

  beforeEach(() => {
    metrics = createMetrics(metricsConfig());
  });
  afterEach(async () => {
    server?.closeAllConnections();
    server?.close();
    server = undefined;
    await metrics.shutdown();
  });

  it('records semconv duration, body sizes and active requests with the route template', async () => {
    const s = await serve(
      withHttpMetrics(
        metrics,
        (req, res) => {
          req.resume();
          req.on('end', () => {
            res.setHeader('content-length', 5);
            res.end('hello');
          });
        },
        { route: userRoute, tracer: false },
      ),
    );
    server = s.server;
    await httpRequest(s.port, '/users/42?x=1');
    await httpRequest(s.port, '/users/43', {
      method: 'POST',
      body: 'abc',
      headers: { 'content-length': '3' },
    });
    const points = await eventually(async () => {
      const p = await durationPoints(metrics);
      expect(p.reduce((a, x) => a + x.count, 0)).toBe(2);
      return p;
    });
    expect(points.map((p) => p.attributes)).toEqual(
      expect.arrayContaining([
        {
          'http.request.method': 'GET',
          'http.route': '/users/:id',
          'http.response.status_code': 200,
          'url.scheme': 'http',
        },
        {
          'http.request.method': 'POST',
          'http.route': '/users/:id',
          'http.response.status_code': 200,
          'url.scheme': 'http',
        },
      ]),
    );
    const duration = (await pointsOf(metrics, 'http.server.request.duration'))[0];
    expect((duration!.value as { buckets: { boundaries: number[] } }).buckets.boundaries).toEqual(
      metricsConfig().durationBuckets,
    );
    const reqSize = await pointsOf(metrics, 'http.server.request.body.size');
    expect(reqSize.map((p) => (p.value as { sum: number }).sum)).toEqual([3]);
    const resSize = await pointsOf(metrics, 'http.server.response.body.size');
    expect(resSize.reduce((a, p) => a + (p.value as { sum: number }).sum, 0)).toBe(10);
    expect(await activeRequests(metrics)).toBe(0);
  });

  it('never puts the raw URL in http.route and maps unknown methods to _OTHER', async () => {
    const s = await serve(withHttpMetrics(metrics, (_req, res) => res.end(), { tracer: false }));
    server = s.server;
    await httpRequest(s.port, '/orders/123');
    await httpRequest(s.port, '/x', { method: 'PURGE' });
    const points = await eventually(async () => {
      const p = await durationPoints(metrics);
      expect(p).toHaveLength(2);
      return p;
    });
    for (const p of points) expect(p.attributes['http.route']).toBeUndefined();
    expect(points.map((p) => p.attributes['http.request.method']).sort()).toEqual(['GET', '_OTHER']);
  });

  it('skips the metrics and health paths (exact and prefix)', async () => {
    const s = await serve(withHttpMetrics(metrics, (_req, res) => res.end('ok'), { tracer: false }));
    server = s.server;
    await httpRequest(s.port, '/metrics');
    await httpRequest(s.port, '/health');
    await httpRequest(s.port, '/health/live?probe=1');
    await httpRequest(s.port, '/healthy');
    const points = await eventually(async () => {
      const p = await durationPoints(metrics);
      expect(p).toHaveLength(1);
      return p;
    });
    expect(points[0]!.count).toBe(1);
    expect(await pointsOf(metrics, 'http.server.active_requests')).toHaveLength(1);
  });

  it('counts an aborted request once, as aborted, and active requests go back to zero', async () => {
    let arrived!: () => void;
    const arrival = new Promise<void>((r) => {
      arrived = r;
    });
    const s = await serve(
      withHttpMetrics(
        metrics,
        () => {
          arrived(); // never answers
        },
        { tracer: false },
      ),
    );
    server = s.server;
    const req = request({ host: '127.0.0.1', port: s.port, path: '/slow', agent: false });
    req.on('error', () => {});
    req.end();
    await arrival;
    expect(await activeRequests(metrics)).toBe(1);
    req.destroy();
    const points = await eventually(async () => {
      const p = await durationPoints(metrics);
      expect(p).toHaveLength(1);
      return p;
    });
    expect(points[0]!.count).toBe(1);
    expect(points[0]!.attributes['error.type']).toBe('aborted');
    expect(points[0]!.attributes['http.response.status_code']).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50));
    expect(await activeRequests(metrics)).toBe(0);
    expect((await durationPoints(metrics))[0]!.count).toBe(1);
  });

  it('passes a rejected promise through and records the error class as error.type', async () => {
    class PaymentError extends Error {}
    const failure = new PaymentError('card declined');
    const seen: unknown[] = [];
    const wrapped = withHttpMetrics(
      metrics,
      async () => {
        throw failure;
      },
      { tracer: false },
    );
    const s = await serve((req, res) => {
      (wrapped(req, res) as unknown as Promise<void>).catch((err) => {
        seen.push(err);
        res.statusCode = 500;
        res.end();
      });
    });
    server = s.server;
    expect((await httpRequest(s.port, '/pay')).status).toBe(500);
    expect(seen).toEqual([failure]);
    const points = await eventually(async () => {
      const p = await durationPoints(metrics);
      expect(p).toHaveLength(1);
      return p;
    });
    expect(points[0]!.attributes['error.type']).toBe('PaymentError');
    expect(points[0]!.attributes['http.response.status_code']).toBe(500);
  });

  it('records 5xx answers with the status code as error.type and 4xx without error.type', async () => {
    const s = await serve(
      withHttpMetrics(
        metrics,
        (req, res) => {
          res.statusCode = req.url === '/bad' ? 400 : 503;
          res.end();
        },
        { tracer: false },
      ),
    );
    server = s.server;
    await httpRequest(s.port, '/bad');
    await httpRequest(s.port, '/down');
    const points = await eventually(async () => {
      const p = await durationPoints(metrics);
      expect(p).toHaveLength(2);
      return p;
    });
    const byStatus = Object.fromEntries(
      points.map((p) => [p.attributes['http.response.status_code'], p.attributes['error.type']]),
    );
    expect(byStatus).toEqual({ 400: undefined, 503: '503' });
  });

  it('setRequestRoute names the request from inside the handler, once; unmeasured responses are ignored', async () => {
    const s = await serve(
      withHttpMetrics(
        metrics,
        (req, res) => {
          setRequestRoute(res, req.url === '/orders/7' ? '/orders/:id' : undefined);
          setRequestRoute(res, '');
          res.end();
        },
        { tracer: false },
      ),
    );
    server = s.server;
    await httpRequest(s.port, '/orders/7');
    await httpRequest(s.port, '/other');
    const points = await eventually(async () => {
      const p = await durationPoints(metrics);
      expect(p).toHaveLength(2);
      return p;
    });
    expect(points.map((p) => p.attributes['http.route']).sort()).toEqual(['/orders/:id', undefined]);
    expect(() => setRequestRoute({} as ServerResponse, '/x')).not.toThrow();
  });

  describe('with tracing', () => {
    let tracing: ReturnType<typeof setupTracing>;
    beforeEach(() => {
      tracing = setupTracing();
    });
    afterEach(async () => {
      await tracing.teardown();
    });

    it('calls the handler with the server as `this` and the same arguments, with and without a span', async () => {
      for (const tracer of [tracing.tracer, false as const]) {
        const seen: unknown[] = [];
        const s = await serve(
          withHttpMetrics(
            metrics,
            function (this: unknown, ...args: unknown[]) {
              seen.push(this, args.length, trace.getActiveSpan() !== undefined);
              (args[1] as { end(): void }).end();
            },
            { tracer },
          ),
        );
        await httpRequest(s.port, '/x');
        s.server.closeAllConnections();
        s.server.close();
        expect(seen).toEqual([s.server, 2, tracer !== false]);
      }
    });

    it('starts a server span per request, continuing the W3C trace from the headers', async () => {
      let activeInHandler: string | undefined;
      const s = await serve(
        withHttpMetrics(
          metrics,
          (_req, res) => {
            activeInHandler = trace.getActiveSpan()?.spanContext().spanId;
            res.statusCode = 502;
            res.end();
          },
          { tracer: tracing.tracer, route: userRoute },
        ),
      );
      server = s.server;
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const parentId = 'b7ad6b7169203331';
      await httpRequest(s.port, '/users/7', { headers: { traceparent: `00-${traceId}-${parentId}-01` } });
      const span = await eventually(() => {
        const [only] = tracing.exporter.getFinishedSpans();
        expect(only).toBeDefined();
        return only!;
      });
      expect(span.name).toBe('GET /users/:id');
      expect(span.kind).toBe(SpanKind.SERVER);
      expect(span.spanContext().traceId).toBe(traceId);
      expect(span.parentSpanContext?.spanId).toBe(parentId);
      expect(activeInHandler).toBe(span.spanContext().spanId);
      expect(span.attributes).toMatchObject({
        'http.request.method': 'GET',
        'http.route': '/users/:id',
        'http.response.status_code': 502,
        'url.path': '/users/7',
        'url.scheme': 'http',
        [ATTR_SERVER_ADDRESS]: '127.0.0.1',
        [ATTR_SERVER_PORT]: s.port,
        'error.type': '502',
      });
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
    });

    it('an unsampled request gets a non-recording span: context propagates, no span attribute work, metrics unchanged', async () => {
      const calls: string[] = [];
      const spied: Tracer = {
        startSpan: (name, options, ctx) => {
          const span = tracing.tracer.startSpan(name, options, ctx);
          for (const method of ['setAttribute', 'setAttributes', 'updateName', 'setStatus'] as const) {
            const original = span[method].bind(span) as (...a: unknown[]) => Span;
            (span as unknown as Record<string, unknown>)[method] = (...a: unknown[]) => {
              calls.push(method);
              return original(...a);
            };
          }
          return span;
        },
        startActiveSpan: tracing.tracer.startActiveSpan.bind(tracing.tracer) as Tracer['startActiveSpan'],
      };
      let inHandler: { traceId?: string; recording?: boolean } = {};
      const s = await serve(
        withHttpMetrics(
          metrics,
          (_req, res) => {
            const active = trace.getActiveSpan();
            inHandler = { traceId: active?.spanContext().traceId, recording: active?.isRecording() };
            res.statusCode = 503;
            res.end();
          },
          { tracer: spied, route: userRoute },
        ),
      );
      server = s.server;
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      await httpRequest(s.port, '/users/7', {
        headers: { traceparent: `00-${traceId}-b7ad6b7169203331-00` },
      });
      const points = await eventually(async () => {
        const p = await durationPoints(metrics);
        expect(p).toHaveLength(1);
        return p;
      });
      expect(inHandler).toEqual({ traceId, recording: false });
      expect(calls).toEqual([]);
      expect(tracing.exporter.getFinishedSpans()).toHaveLength(0);
      expect(points[0]!.attributes).toEqual({
        'http.request.method': 'GET',
        'url.scheme': 'http',
        'http.response.status_code': 503,
        'http.route': '/users/:id',
        'error.type': '503',
      });
      // the same request sampled: every attribute call is made on the recording span
      await httpRequest(s.port, '/users/8', {
        headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
      });
      await eventually(() => expect(tracing.exporter.getFinishedSpans()).toHaveLength(1));
      expect(calls).toEqual(expect.arrayContaining(['setAttribute', 'updateName', 'setStatus']));
    });

    it('uses the global tracer by default once a provider is registered, and none before', async () => {
      const s = await serve(withHttpMetrics(metrics, (_req, res) => res.end()));
      server = s.server;
      await httpRequest(s.port, '/before');
      await eventually(async () => expect(await durationPoints(metrics)).toHaveLength(1));
      expect(tracing.exporter.getFinishedSpans()).toHaveLength(0);
      trace.setGlobalTracerProvider(tracing.provider);
      await httpRequest(s.port, '/after');
      const span = await eventually(() => {
        const [only] = tracing.exporter.getFinishedSpans();
        expect(only).toBeDefined();
        return only!;
      });
      expect(span.name).toBe('GET');
      expect(span.attributes['url.path']).toBe('/after');
    });
  });
});
