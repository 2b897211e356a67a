import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { createMetrics } from '../src/create-metrics';
import { prefersOpenMetrics } from '../src/exporters/openmetrics';
import { withHttpMetrics } from '../src/http/with-http-metrics';
import type { MetricsHandle } from '../src/types';
import { metricsConfig, prometheusExporter } from './helpers/config';
import { httpRequest } from './helpers/http';
import { setupTracing } from './helpers/tracing';

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

describe('content negotiation', () => {
  it.each([
    [PROMETHEUS_ACCEPT, true],
    ['application/openmetrics-text', true],
    ['application/openmetrics-text; version=0.0.1', true],
    ['text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.5', false],
    ['application/openmetrics-text;version=2.0.0', false],
    ['application/openmetrics-text;q=0', false],
    ['text/plain', false],
    ['*/*', false],
    ['', false],
    [undefined, false],
  ])('%s → OpenMetrics %s', (accept, expected) => {
    expect(prefersOpenMetrics(accept)).toBe(expected);
  });
});

describe('OpenMetrics exposition', () => {
  let metrics: MetricsHandle | undefined;
  let server: Server | undefined;
  let tracing: ReturnType<typeof setupTracing> | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    server?.close();
    server = undefined;
    await metrics?.shutdown();
    metrics = undefined;
    await tracing?.teardown();
    tracing = undefined;
  });

  async function serve(
    handle: MetricsHandle,
    options: Parameters<typeof withHttpMetrics>[2],
  ): Promise<number> {
    server = createServer(
      withHttpMetrics(
        handle,
        (req, res) => {
          if (req.url === '/metrics') return handle.handler(req, res);
          res.end('ok');
        },
        { route: () => '/r', ...options },
      ),
    );
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  }

  it('names counters by family, escapes HELP and labels, ends with # EOF', async () => {
    metrics = createMetrics(metricsConfig({ exporters: [prometheusExporter({ mode: 'handler' })] }));
    metrics
      .counter('jobs_done_total', { description: 'Jobs "done"\nback\\slash' })
      .add(3, { q: 'a"b\\c\nd' });
    metrics.upDownCounter('in_flight').add(-2);
    const port = await serve(metrics, { tracer: false });
    const res = await httpRequest(port, '/metrics', { headers: { accept: PROMETHEUS_ACCEPT } });
    expect(res.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(res.headers.vary).toBe('Accept');
    const text = res.body;
    expect(text).toContain('# TYPE jobs_done counter\n');
    expect(text).toContain('# HELP jobs_done Jobs \\"done\\"\\nback\\\\slash\n');
    expect(text).toMatch(/^jobs_done_total\{q="a\\"b\\\\c\\nd",otel_scope_name="[^"]+"[^}]*\} 3$/m);
    expect(text).toContain('# TYPE in_flight gauge\n');
    expect(text).toMatch(/^in_flight\{otel_scope_name="[^"]+"[^}]*\} -2$/m);
    expect(text.startsWith('# TYPE target info\n')).toBe(true);
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text.match(/# EOF/g)).toHaveLength(1);
    // Every family declared once.
    const types = text.match(/^# TYPE \S+/gm) ?? [];
    expect(new Set(types).size).toBe(types.length);
    // A plain scrape still gets the 0.0.4 text format.
    const plain = await httpRequest(port, '/metrics');
    expect(plain.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(plain.body).not.toContain('# EOF');
  });

  it('puts the sampled span of a request on its bucket as exemplar; unsampled requests leave none', async () => {
    tracing = setupTracing();
    metrics = createMetrics(metricsConfig({ exporters: [prometheusExporter({ mode: 'handler' })] }));
    const port = await serve(metrics, { tracer: tracing.tracer });
    // Sampled: a new root span (the provider samples everything).
    await httpRequest(port, '/r');
    // Unsampled: the caller's traceparent says not sampled, and the parent-based sampler follows it.
    await httpRequest(port, '/r', {
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00' },
    });
    const span = tracing.exporter.getFinishedSpans()[0];
    const text = (await httpRequest(port, '/metrics', { headers: { accept: PROMETHEUS_ACCEPT } })).body;
    const withExemplar = text.split('\n').filter((l) => l.includes(' # {'));
    expect(withExemplar).toHaveLength(1);
    const line = withExemplar[0] as string;
    expect(line).toMatch(
      /^http_server_request_duration_bucket\{.*le="[^"]+"\} \d+ # \{trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"\} [0-9.e-]+ \d+\.\d{3}$/,
    );
    expect(line).toContain(`trace_id="${span?.spanContext().traceId}"`);
    expect(line).toContain(`span_id="${span?.spanContext().spanId}"`);
    expect(text).not.toContain('0af7651916cd43dd8448eb211c80319c');
    // The exemplar's value lies in its bucket.
    const le = Number(/le="([^"]+)"/.exec(line)?.[1]);
    const value = Number(/\} ([0-9.e-]+) \d+\.\d{3}$/.exec(line)?.[1]);
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThanOrEqual(le);
  });

  it('takes exemplars from a span someone else started (tracer: false)', async () => {
    tracing = setupTracing();
    metrics = createMetrics(metricsConfig({ exporters: [prometheusExporter({ mode: 'handler' })] }));
    const handle = metrics;
    const outer = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    };
    const listener = withHttpMetrics(handle, (_req, res) => res.end('ok'), {
      tracer: false,
      route: () => '/r',
    });
    server = createServer((req, res) => {
      if (req.url === '/metrics') return handle.handler(req, res);
      // As instrumentation-http does: the request handler runs inside the server span's context.
      context.with(trace.setSpanContext(ROOT_CONTEXT, outer), () => listener(req, res));
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await httpRequest(port, '/r');
    const text = (await httpRequest(port, '/metrics', { headers: { accept: PROMETHEUS_ACCEPT } })).body;
    expect(text).toContain(`# {trace_id="${outer.traceId}",span_id="${outer.spanId}"}`);
  });
});
