// The seed-style facades (`@otelkit/service/seed`) are thin: the telemetry they produce is what the
// one config and the factories produce for the same calls — compared on the wire (Prometheus text,
// the documents a fake Elasticsearch stores, the spans an independent OTLP decoder reads).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { loadConfig, toResourceAttributes } from '@otelkit/config';
import { createLogger } from '@otelkit/logging';
import { createMetrics, type MetricsHandle } from '@otelkit/metrics';
import { startMonitoring } from '@otelkit/service';
import {
  ElasticLogger,
  elasticsearchNode,
  Gauge,
  Histogram,
  JaegerTracer,
  PrometheusMetrics,
} from '@otelkit/service/seed';
import { createTracing } from '@otelkit/tracing';
import { type OtlpReceiver, startOtlpReceiver } from '../../../../test/support/otlp-receiver';
import { startBulkServer } from '../../../logging/test/support/bulk-server';

jest.setTimeout(30_000);

function metricsHandle(): MetricsHandle {
  const config = loadConfig({
    config: { service: { name: 'seed' }, metrics: { exporters: [{ type: 'prometheus', mode: 'handler' }] } },
    env: {},
    file: false,
  });
  return createMetrics(config.metrics, resourceFromAttributes(toResourceAttributes(config.service)));
}

async function scrape(handle: MetricsHandle): Promise<string> {
  const server = createServer(handle.handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    return await res.text();
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

describe('PrometheusMetrics, Histogram, Gauge', () => {
  it('expose exactly the series the metrics handle exposes for the same calls', async () => {
    const viaFacade = metricsHandle();
    const viaFactory = metricsHandle();

    // seed 004: PrometheusMetrics().counter / .histogram, PerformanceMetrics' Histogram / Gauge
    const metrics = new PrometheusMetrics({ metrics: viaFacade });
    const counter = metrics.counter('requests_total', 'Total requests processed');
    const histogram = metrics.histogram('response_time_seconds', 'Response time in seconds', {
      buckets: [0.1, 0.5, 1],
    });
    const gauge = metrics.gauge('queue_depth', 'Jobs waiting');
    const requestTimes = new Histogram({
      name: 'request_duration_seconds',
      buckets: [0.1, 0.5, 1.0, 2.0, 5.0],
      metrics: viaFacade,
    });
    const activeRequests = new Gauge({ name: 'active_requests', metrics: viaFacade });
    counter.inc();
    counter.inc(2, { route: '/a' });
    histogram.observe(0.2);
    histogram.observe(0.7, { route: '/a' });
    gauge.set(5);
    gauge.dec(2);
    requestTimes.observe(1.5);
    activeRequests.inc();
    activeRequests.inc();
    activeRequests.dec();

    // the same through @otelkit/metrics
    const c = viaFactory.counter('requests_total', { description: 'Total requests processed' });
    const h = viaFactory.histogram('response_time_seconds', {
      description: 'Response time in seconds',
      buckets: [0.1, 0.5, 1],
      unit: 's',
    });
    const g = viaFactory.gauge('queue_depth', { description: 'Jobs waiting' });
    const rt = viaFactory.histogram('request_duration_seconds', {
      buckets: [0.1, 0.5, 1.0, 2.0, 5.0],
      unit: 's',
    });
    const ar = viaFactory.gauge('active_requests');
    c.add(1);
    c.add(2, { route: '/a' });
    h.record(0.2);
    h.record(0.7, { route: '/a' });
    g.set(3);
    rt.record(1.5);
    ar.set(1);

    const [a, b] = [await scrape(viaFacade), await scrape(viaFactory)];
    expect(a).toBe(b);
    expect(a).toContain('# HELP requests_total Total requests processed');
    expect(a).toMatch(/^requests_total\{route="\/a"[^}]*\} 2$/m);
    expect(a).toMatch(/^queue_depth(\{[^}]*\})? 3$/m);
    expect(a).toMatch(/^active_requests(\{[^}]*\})? 1$/m);
    expect(a).toMatch(/^request_duration_seconds_bucket\{[^}]*le="2"[^}]*\} 1$/m);
    expect(activeRequests.get()).toBe(1);
    await Promise.all([viaFacade.shutdown(), viaFactory.shutdown()]);
  });

  it('time() records seconds as a disposable (await using) and as a wrapper, also on a throw', async () => {
    const handle = metricsHandle();
    const requestTimes = new Histogram({
      name: 'request_duration_seconds',
      buckets: [0.01, 0.05, 1],
      metrics: handle,
    });
    {
      await using _timer = requestTimes.time();
      await new Promise((r) => setTimeout(r, 20));
    }
    const result = await requestTimes.time(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(() =>
      requestTimes.time(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    const timer = requestTimes.time();
    expect(timer.end()).toBeGreaterThanOrEqual(0);
    expect(timer.end()).toBeUndefined();
    const text = await scrape(handle);
    expect(text).toMatch(/^request_duration_seconds_count\{[^}]*error_type="Error"[^}]*\} 1$/m);
    // unlabelled: the two 20 ms waits (past the 0.01 s bucket, inside 0.05 s... or 1 s on a busy
    // machine) and the timer ended at once (inside 0.01 s)
    expect(text).toMatch(/^request_duration_seconds_count\{otel_scope_name="[^"]*"\} 3$/m);
    expect(text).toMatch(/^request_duration_seconds_bucket\{otel_scope_name="[^"]*",le="0.01"\} 1$/m);
    expect(text).toMatch(/^request_duration_seconds_bucket\{otel_scope_name="[^"]*",le="1"\} 3$/m);
    const sum = Number(/^request_duration_seconds_sum\{otel_scope_name="[^"]*"\} (\S+)$/m.exec(text)?.[1]);
    expect(sum).toBeGreaterThanOrEqual(0.038);
    expect(sum).toBeLessThan(1);
    await handle.shutdown();
  });

  it('created before monitoring starts (as in a @service constructor), they record into it once it runs', async () => {
    const requests = new PrometheusMetrics().counter('late_requests_total', 'Requests counted after start');
    const latency = new Histogram({ name: 'late_duration_seconds', buckets: [1] });
    const monitoring = startMonitoring(
      {
        service: { name: 'late' },
        metrics: { exporters: [{ type: 'prometheus', port: 0 }] },
        tracing: { exporters: [] },
        shutdown: { handleSignals: false },
      },
      { env: {}, file: false },
    );
    try {
      requests.inc();
      latency.observe(0.5);
      const { port } = (await monitoring.metrics.listening) as AddressInfo;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(/^late_requests_total(\{[^}]*\})? 1$/m);
      expect(text).toMatch(/^late_duration_seconds_bucket\{[^}]*le="1"[^}]*\} 1$/m);
    } finally {
      await monitoring.shutdown();
    }
  });

  it('reject unknown options and bad positional arguments', () => {
    expect(() => new PrometheusMetrics({ metric: {} } as never)).toThrow(
      'PrometheusMetrics: unknown option "metric" (did you mean "metrics"?)',
    );
    const m = new PrometheusMetrics({ metrics: metricsHandle() });
    expect(() => m.histogram('x_seconds', 'x', { bucket: [1] } as never)).toThrow(
      'PrometheusMetrics.histogram("x_seconds"): unknown option "bucket" (did you mean "buckets"?)',
    );
    expect(() => m.counter('x_total', undefined as never)).toThrow('help must be a string');
    expect(() => new Histogram({ name: 'h', label_names: ['a'] } as never)).toThrow(
      'Histogram: option "label_names" is spelled "labelNames" here',
    );
    expect(() => new Gauge({} as never)).toThrow('Gauge: name must be a non-empty string');
  });
});

describe('ElasticLogger', () => {
  it('host:port without a scheme is http://; URLs are kept; an empty hosts list is refused', () => {
    expect(elasticsearchNode('elasticsearch:9200')).toBe('http://elasticsearch:9200');
    expect(elasticsearchNode('https://es.internal:9200')).toBe('https://es.internal:9200');
    expect(() => new ElasticLogger({ index: 'i', hosts: [] })).toThrow(
      'ElasticLogger: hosts must name at least one node',
    );
    expect(() => new ElasticLogger({ index: 'i', host: ['a:9200'] } as never)).toThrow(
      'ElasticLogger: unknown option "host" (did you mean "hosts"?)',
    );
  });

  it('stores the same documents as createLogger with the equivalent elasticsearch output', async () => {
    const es = await startBulkServer();
    try {
      const host = es.url.replace('http://', '');
      const facade = new ElasticLogger({ index: 'service-logs', hosts: [host], serviceName: 'orders' });
      expect(facade.node).toBe(es.url);
      const config = loadConfig({
        config: {
          service: { name: 'orders' },
          logging: {
            format: 'ecs',
            outputs: [{ type: 'elasticsearch', node: es.url, index: 'service-logs', dataStream: false }],
          },
        },
      });
      const direct = createLogger(
        config.logging,
        resourceFromAttributes(toResourceAttributes(config.service)),
        {
          handleSignals: false,
        },
      );
      facade.info({ orderId: 'o-1', via: 'same' }, 'order placed');
      direct.info({ orderId: 'o-1', via: 'same' }, 'order placed');
      await Promise.all([facade.shutdown(), direct.shutdown()]);
      const docs = [...es.stored.values()];
      expect(docs).toHaveLength(2);
      expect(docs.map((d) => d.index)).toEqual(['service-logs', 'service-logs']);
      const strip = (doc: Record<string, unknown>) => {
        const { '@timestamp': ts, ...rest } = doc;
        expect(typeof ts).toBe('string');
        return rest;
      };
      expect(strip(docs[0]!.doc)).toEqual(strip(docs[1]!.doc));
      expect(docs[0]!.doc).toMatchObject({
        message: 'order placed',
        orderId: 'o-1',
        'service.name': 'orders',
      });
      expect(es.requests.every((r) => Object.keys(r.actions[0] ?? {})[0] === 'index')).toBe(true);
    } finally {
      await es.close();
    }
  });
});

describe('JaegerTracer', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver.close());

  it('agentHost means Jaeger over OTLP/HTTP at :4318/v1/traces', async () => {
    const t = new JaegerTracer({ serviceName: 'my-service', agentHost: 'jaeger-agent' });
    expect(t.endpoint).toBe('http://jaeger-agent:4318/v1/traces');
    await t.shutdown();
    expect(() => new JaegerTracer({ service_name: 'x' } as never)).toThrow(
      'JaegerTracer: option "service_name" is spelled "serviceName" here',
    );
    expect(() => new JaegerTracer({ serviceName: 'x', agentHost: 'http://j:6831' })).toThrow(
      'agentHost must be a host name or address',
    );
  });

  it('sends the spans createTracing sends with the equivalent jaeger exporter', async () => {
    const port = Number(new URL(receiver.url).port);
    const facade = new JaegerTracer({ serviceName: 'my-service', agentHost: '127.0.0.1', otlpPort: port });
    const config = loadConfig({
      config: {
        service: { name: 'my-service' },
        tracing: {
          exporters: [{ type: 'jaeger', endpoint: receiver.urls.traces, protocol: 'http/protobuf' }],
        },
      },
    });
    const direct = createTracing(
      config.tracing,
      resourceFromAttributes(toResourceAttributes(config.service)),
    );
    const work = (tracer: { startActiveSpan: JaegerTracer['startActiveSpan'] }) =>
      tracer.startActiveSpan('checkout', (span) => {
        span.setAttribute('order.items', 3);
        span.end();
      });
    work(facade);
    work(direct.provider.getTracer('my-service'));
    await Promise.all([facade.shutdown(), direct.shutdown()]);
    await receiver.waitFor((r) => r.spans().length >= 2);
    const spans = receiver.spans().map((s) => ({
      name: s.name,
      kind: s.kind,
      attributes: s.attributes,
      resource: s.resource.attributes,
      scope: s.scope.name,
    }));
    expect(spans).toHaveLength(2);
    expect(spans[0]).toEqual(spans[1]);
    expect(spans[0]).toMatchObject({ name: 'checkout', scope: 'my-service' });
    expect(spans[0]!.resource['service.name']).toBe('my-service');
    expect(receiver.requests.every((r) => r.path === '/v1/traces')).toBe(true);
  });

  it("several hosts are the cluster's nodes: with the first one down, the lines reach the next", async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadHost = `127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((r) => dead.close(() => r()));
    const es = await startBulkServer();
    try {
      const facade = new ElasticLogger({
        index: 'service-logs',
        hosts: [deadHost, es.url.replace('http://', '')],
        serviceName: 'orders',
      });
      expect(facade.nodes).toEqual([`http://${deadHost}`, es.url]);
      for (let i = 0; i < 20; i++) facade.info({ i }, `line ${i}`);
      await facade.shutdown();
      expect(es.stored.size).toBe(20);
    } finally {
      await es.close();
    }
  }, 60_000);
});
