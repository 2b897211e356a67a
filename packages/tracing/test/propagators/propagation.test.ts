import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, SpanKind } from '@opentelemetry/api';
import type { PropagatorName } from '@otelkit/config';
import { createTracing, type TracingHandle, withSpan } from '../../src';
import { memoryExporter, testResource, tracingConfig } from '../support/config';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

function fetchText(url: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/**
 * Two real node:http servers. A (frontend) handles the request in a SERVER span and calls B
 * through a CLIENT span, injecting headers with the global propagator; B (backend) extracts
 * them and starts its own SERVER span. Returns what B received and the spans of both.
 */
async function crossTwoServers(names: PropagatorName[]) {
  const tracing: TracingHandle = createTracing(
    tracingConfig({ propagators: names, exporters: [memoryExporter()] }),
    testResource('propagation'),
  );
  expect(tracing.register()).toBe(true);
  let backendHeaders: IncomingHttpHeaders = {};
  let backendBaggage: string | undefined;
  const backend = createServer((req, res) => {
    backendHeaders = req.headers;
    const extracted = propagation.extract(context.active(), req.headers);
    backendBaggage = propagation.getBaggage(extracted)?.getEntry('tenant')?.value;
    context.with(extracted, () =>
      withSpan('backend GET /data', () => res.end('data'), { kind: SpanKind.SERVER }),
    );
  });
  const backendUrl = await listen(backend);
  const frontend = createServer((_req, res) => {
    void withSpan(
      'frontend GET /',
      async () => {
        const bag = propagation.createBaggage({ tenant: { value: 'acme' } });
        await context.with(propagation.setBaggage(context.active(), bag), () =>
          withSpan(
            'GET backend',
            async () => {
              const headers: Record<string, string> = {};
              propagation.inject(context.active(), headers);
              const body = await fetchText(`${backendUrl}/data`, headers);
              res.end(body);
            },
            { kind: SpanKind.CLIENT },
          ),
        );
      },
      { kind: SpanKind.SERVER },
    );
  });
  const frontendUrl = await listen(frontend);
  try {
    expect(await fetchText(frontendUrl)).toBe('data');
    await tracing.forceFlush();
    const spans = tracing.memoryExporter!.getFinishedSpans();
    const find = (name: string) => spans.find((s) => s.name === name)!;
    return {
      backendHeaders,
      backendBaggage,
      frontend: find('frontend GET /'),
      client: find('GET backend'),
      backend: find('backend GET /data'),
    };
  } finally {
    frontend.close();
    backend.close();
    await tracing.shutdown();
  }
}

describe('trace context across two real node:http servers', () => {
  it('W3C trace-context + baggage by default: backend span is a child of the frontend client span', async () => {
    const r = await crossTwoServers(['tracecontext', 'baggage']);
    const traceId = r.frontend.spanContext().traceId;
    expect(r.backendHeaders.traceparent).toBe(`00-${traceId}-${r.client.spanContext().spanId}-01`);
    expect(r.backendHeaders.baggage).toBe('tenant=acme');
    expect(r.backendBaggage).toBe('acme');
    expect(r.client.parentSpanContext?.spanId).toBe(r.frontend.spanContext().spanId);
    expect(r.backend.spanContext().traceId).toBe(traceId);
    expect(r.backend.parentSpanContext?.spanId).toBe(r.client.spanContext().spanId);
    expect(r.backend.parentSpanContext?.isRemote).toBe(true);
    expect(r.backendHeaders.b3).toBeUndefined();
    expect(r.backendHeaders['uber-trace-id']).toBeUndefined();
  });

  it('b3 (single header) when chosen, and no traceparent', async () => {
    const r = await crossTwoServers(['b3']);
    const traceId = r.frontend.spanContext().traceId;
    expect(r.backendHeaders.b3).toBe(`${traceId}-${r.client.spanContext().spanId}-1`);
    expect(r.backendHeaders.traceparent).toBeUndefined();
    expect(r.backend.spanContext().traceId).toBe(traceId);
    expect(r.backend.parentSpanContext?.spanId).toBe(r.client.spanContext().spanId);
  });

  it('b3multi (X-B3-* headers) when chosen', async () => {
    const r = await crossTwoServers(['b3multi']);
    const traceId = r.frontend.spanContext().traceId;
    expect(r.backendHeaders['x-b3-traceid']).toBe(traceId);
    expect(r.backendHeaders['x-b3-spanid']).toBe(r.client.spanContext().spanId);
    expect(r.backendHeaders['x-b3-sampled']).toBe('1');
    expect(r.backend.spanContext().traceId).toBe(traceId);
    expect(r.backend.parentSpanContext?.spanId).toBe(r.client.spanContext().spanId);
  });

  it('jaeger (uber-trace-id) when chosen', async () => {
    const r = await crossTwoServers(['jaeger']);
    const traceId = r.frontend.spanContext().traceId;
    const header = decodeURIComponent(String(r.backendHeaders['uber-trace-id']));
    expect(header).toBe(`${traceId}:${r.client.spanContext().spanId}:0:01`);
    expect(r.backendHeaders.traceparent).toBeUndefined();
    expect(r.backend.spanContext().traceId).toBe(traceId);
    expect(r.backend.parentSpanContext?.spanId).toBe(r.client.spanContext().spanId);
  });

  it('rejects an unknown propagator name at creation', () => {
    expect(() => createTracing(tracingConfig({ propagators: ['tracecontext', 'xray' as never] }))).toThrow(
      /tracing\.propagators\[1\]: expected one of tracecontext\|baggage\|b3\|b3multi\|jaeger, got "xray"/,
    );
  });
});
