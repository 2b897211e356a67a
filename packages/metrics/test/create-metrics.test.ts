import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics as metricsApi } from '@opentelemetry/api';
import type { MetricExporterConfig } from '@otelkit/config';
import { closedPort, startOtlpReceiver } from '../../../test/support/otlp-receiver';
import { createMetrics } from '../src/create-metrics';
import { pointsOf } from './helpers/collect';
import { metricsConfig, prometheusExporter } from './helpers/config';
import { httpRequest } from './helpers/http';

function otlp(endpoint: string, extra: Partial<Record<string, unknown>> = {}): MetricExporterConfig {
  return {
    type: 'otlp',
    endpoint,
    protocol: 'http/protobuf',
    headers: {},
    compression: 'none',
    timeoutMillis: 10_000,
    temporality: 'cumulative',
    ...extra,
  } as MetricExporterConfig;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('createMetrics', () => {
  it('does not touch the global MeterProvider until register(), which warns on a second call', async () => {
    const a = createMetrics(metricsConfig());
    const b = createMetrics(metricsConfig());
    try {
      expect(metricsApi.getMeterProvider()).not.toBe(a.provider);
      expect(a.register()).toBe(true);
      expect(metricsApi.getMeterProvider()).toBe(a.provider);
      expect(b.register()).toBe(false);
      expect(metricsApi.getMeterProvider()).toBe(a.provider);
    } finally {
      metricsApi.disable();
      await Promise.all([a.shutdown(), b.shutdown()]);
    }
  });

  it('gives a no-op handle with the same surface when disabled', async () => {
    const m = createMetrics(metricsConfig({ enabled: false, exporters: [prometheusExporter()] }));
    expect(m.enabled).toBe(false);
    expect(await m.listening).toBeNull();
    const h = m.histogram('noop.duration', { unit: 's' });
    expect(h.time(() => 'x')).toBe('x');
    m.counter('noop.count').inc();
    const { resourceMetrics, errors } = await m.collect();
    expect(errors).toEqual([]);
    expect(resourceMetrics.scopeMetrics).toEqual([]);
    expect(m.stats().exports).toEqual({ succeeded: 0, failed: 0, failedByReason: {} });
    await m.forceFlush();
    await m.shutdown();
  });

  it.each([
    [{ cardinalityLimit: 0 }, /metrics\.cardinalityLimit: expected a number > 0, got 0/],
    [
      { exportIntervalMillis: -5 },
      /metrics\.exportIntervalMillis: expected a non-negative duration in milliseconds, got -5/,
    ],
    [{ durationBuckets: [1, 0.5] }, /metrics\.durationBuckets: expected strictly ascending numbers/],
    [
      { exporters: [{ type: 'statsd' }] },
      /metrics\.exporters\[0\]\.type: expected one of prometheus\|otlp\|console\|none.*got "statsd"/,
    ],
    [
      { exporters: [prometheusExporter({ mode: 'both' as never })] },
      /metrics\.exporters\[0\]\.mode: expected one of server\|handler, got "both"/,
    ],
    [
      { exporters: [prometheusExporter({ path: 'metrics' })] },
      /metrics\.exporters\[0\]\.path: expected a string starting with "\/", got "metrics"/,
    ],
    [
      { exporters: [prometheusExporter(), prometheusExporter()] },
      /metrics\.exporters: expected at most one prometheus exporter/,
    ],
    [
      { exporters: [otlp('http://127.0.0.1:1', { protocol: 'udp' })] },
      /metrics\.exporters\[0\]\.protocol: expected one of http\/protobuf\|http\/json\|grpc, got "udp"/,
    ],
    [
      { views: [{ instrument: 'http.*', name: 'renamed' }] },
      /metrics\.views\[0\]\.name: cannot rename a wildcard selector/,
    ],
    [
      { views: [{ instrument: 'x', buckets: [] }] },
      /metrics\.views\[0\]\.buckets: expected a list of >= 1 items/,
    ],
  ])('rejects bad config %j with a clear error', (overrides, message) => {
    expect(() => createMetrics(metricsConfig(overrides as never))).toThrow(message);
  });

  it('applies views from the config: buckets, attribute allow-list, rename, drop', async () => {
    const m = createMetrics(
      metricsConfig({
        views: [
          { instrument: 'rpc.duration', buckets: [1, 2] },
          { instrument: 'page.views', attributes: ['page'] },
          { instrument: 'old.name', name: 'new.name' },
          { instrument: 'noisy.*', drop: true },
        ],
      }),
    );
    try {
      m.histogram('rpc.duration', { unit: 's' }).record(1.5);
      m.counter('page.views').inc({ page: '/a', session: 's-1' });
      m.counter('old.name').inc();
      m.counter('noisy.debug').inc();
      const [rpc] = await pointsOf(m, 'rpc.duration');
      expect((rpc!.value as { buckets: unknown }).buckets).toEqual({ boundaries: [1, 2], counts: [0, 1, 0] });
      expect((await pointsOf(m, 'page.views'))[0]?.attributes).toEqual({ page: '/a' });
      expect(await pointsOf(m, 'old.name')).toHaveLength(0);
      expect(await pointsOf(m, 'new.name')).toHaveLength(1);
      expect(await pointsOf(m, 'noisy.debug')).toHaveLength(0);
    } finally {
      await m.shutdown();
    }
  });

  it('caps attribute sets per instrument at cardinalityLimit, also through a view', async () => {
    const m = createMetrics(
      metricsConfig({ cardinalityLimit: 10, views: [{ instrument: 'viewed', attributes: ['id'] }] }),
    );
    try {
      const plain = m.counter('plain');
      const viewed = m.counter('viewed');
      for (let i = 0; i < 100; i++) {
        plain.inc({ id: i });
        viewed.inc({ id: i });
      }
      for (const name of ['plain', 'viewed']) {
        const points = await pointsOf(m, name);
        expect(points).toHaveLength(10);
        expect(points.filter((p) => p.attributes['otel.metric.overflow'] === true)).toHaveLength(1);
        expect(points.reduce((a, p) => a + (p.value as number), 0)).toBe(100);
      }
      expect(m.stats().overflow.series).toBe(2);
    } finally {
      await m.shutdown();
    }
  });

  it('keeps the cap across collections (sdk-metrics alone caps each collection interval only)', async () => {
    const m = createMetrics(metricsConfig({ cardinalityLimit: 10 }));
    try {
      const c = m.counter('sessions');
      const h = m.histogram('session.length', { unit: 's' });
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 8; i++) {
          c.inc({ id: `${round}-${i}` });
          h.record(1, { id: `${round}-${i}` });
        }
        await m.collect();
      }
      for (const name of ['sessions', 'session.length']) {
        const points = await pointsOf(m, name);
        // Without the guard: 40 series, none of them the overflow one.
        expect(points).toHaveLength(10);
        expect(points.filter((p) => p.attributes['otel.metric.overflow'] === true)).toHaveLength(1);
      }
      const total = (await pointsOf(m, 'sessions')).reduce((a, p) => a + (p.value as number), 0);
      expect(total).toBe(40);
    } finally {
      await m.shutdown();
    }
  });

  it('reads in-process without stealing: collect() stays cumulative next to a delta OTLP exporter', async () => {
    const port = await freePort();
    const m = createMetrics(
      metricsConfig({ exporters: [otlp(`http://127.0.0.1:${port}/v1/metrics`, { temporality: 'delta' })] }),
    );
    try {
      const c = m.counter('reads');
      c.inc(3);
      expect((await pointsOf(m, 'reads'))[0]?.value).toBe(3);
      c.inc(2);
      expect((await pointsOf(m, 'reads'))[0]?.value).toBe(5);
    } finally {
      await m.shutdown();
    }
  });

  // gRPC here: the OTLP HTTP exporters cannot send from inside jest (test/support/README.md);
  // they are exercised from a child process in otlp.test.ts.
  it('counts OTLP export failures without throwing into the app', async () => {
    const receiver = await startOtlpReceiver({ grpc: true, behaviour: { mode: 'status', statuses: [503] } });
    const m = createMetrics(
      metricsConfig({
        exporters: [otlp(receiver.grpcUrl as string, { protocol: 'grpc', timeoutMillis: 2000 })],
      }),
    );
    try {
      m.counter('lost').inc();
      await m.forceFlush();
      await m.forceFlush();
      expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
      // gRPC UNAVAILABLE (the receiver's 503): the `reason` of the failure
      expect(m.stats().exports).toEqual({
        succeeded: 0,
        failed: receiver.requests.length,
        failedByReason: { unavailable: receiver.requests.length },
      });
      receiver.setBehaviour({ mode: 'ok' });
      await m.forceFlush();
      expect(m.stats().exports.succeeded).toBe(1);
      // The same counts are metrics themselves.
      const exportsPoints = await pointsOf(m, 'otelkit.metrics.exports');
      const byOutcome = Object.fromEntries(exportsPoints.map((p) => [p.attributes.outcome, p.value]));
      expect(byOutcome).toEqual({ success: 1, failure: m.stats().exports.failed });
      expect(exportsPoints.find((p) => p.attributes.outcome === 'failure')?.attributes.reason).toBe(
        'unavailable',
      );
    } finally {
      await m.shutdown();
      await receiver.close();
    }
  });

  it('counts a refused connection as a failed export', async () => {
    const dead = await closedPort();
    const m = createMetrics(
      metricsConfig({ exporters: [otlp(dead, { protocol: 'grpc', timeoutMillis: 2000 })] }),
    );
    m.counter('lost').inc();
    await m.forceFlush();
    expect(m.stats().exports.failed).toBe(1);
    // gRPC reports a refused connection as UNAVAILABLE
    expect(m.stats().exports.failedByReason).toEqual({ unavailable: 1 });
    await m.shutdown();
  });

  it('flushes on shutdown, resolves within its budget when the collector hangs, and is idempotent', async () => {
    const receiver = await startOtlpReceiver({ grpc: true, behaviour: { mode: 'hang' } });
    const m = createMetrics(
      metricsConfig({
        shutdownTimeoutMillis: 500,
        exporters: [otlp(receiver.grpcUrl as string, { protocol: 'grpc', timeoutMillis: 30_000 })],
      }),
    );
    m.counter('stuck').inc();
    try {
      const t0 = Date.now();
      const first = m.shutdown();
      expect(m.shutdown()).toBe(first);
      await expect(first).resolves.toBeUndefined();
      expect(Date.now() - t0).toBeLessThan(3000);
      await receiver.waitFor(1);
      expect(receiver.requests[0]?.answer).toBe('hang');
      await m.forceFlush();
    } finally {
      await receiver.close();
    }
  });

  it('closes its Prometheus listener on shutdown and then answers 503 from handler', async () => {
    const m = createMetrics(metricsConfig({ exporters: [prometheusExporter()] }));
    const address = await m.listening;
    await m.shutdown();
    await expect(httpRequest(address!.port, '/metrics')).rejects.toThrow(/ECONNREFUSED/);
    const app = createServer(m.handler);
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    try {
      expect((await httpRequest((app.address() as AddressInfo).port, '/')).status).toBe(503);
    } finally {
      app.close();
    }
  });
});
