import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { MetricExporterConfig, OtlpProtocol } from '@otelkit/config';
import {
  type DecodedDataPoint,
  type OtlpReceiver,
  startOtlpReceiver,
} from '../../../test/support/otlp-receiver';
import { createMetrics } from '../src/create-metrics';
import { metricsConfig } from './helpers/config';

const CHILD = join(__dirname, 'fixtures', 'metrics-child.js');

function runChild(
  config: unknown,
  flushes = 1,
): Promise<{ stats: { exports: { succeeded: number; failed: number } } }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CHILD, JSON.stringify(config), String(flushes)],
      { timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`child failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop() as string));
      },
    );
  });
}

function otlp(
  endpoint: string,
  protocol: OtlpProtocol,
  temporality: 'cumulative' | 'delta' | 'lowmemory' = 'cumulative',
): MetricExporterConfig {
  return {
    type: 'otlp',
    endpoint,
    protocol,
    headers: { 'x-api-key': 'k-1' },
    compression: 'none',
    timeoutMillis: 10_000,
    temporality,
  };
}

const CUMULATIVE = 2;
const DELTA = 1;

function points(receiver: OtlpReceiver, name: string, request = -1): DecodedDataPoint[] {
  const bodies = receiver.requests.filter((r) => r.answer === 200 || r.answer === 'grpc:0' || r.answer === 0);
  const chosen = request === -1 ? bodies[bodies.length - 1] : bodies[request];
  const out: DecodedDataPoint[] = [];
  for (const rm of chosen?.body?.resourceMetrics ?? []) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        if (m.name !== name) continue;
        out.push(...(m.sum?.dataPoints ?? m.histogram?.dataPoints ?? m.gauge?.dataPoints ?? []));
      }
    }
  }
  return out;
}

function expectDecodedBatch(receiver: OtlpReceiver) {
  const list = receiver.metricList();
  const orders = list.find((m) => m.name === 'orders.created');
  expect(orders?.resource.attributes['service.name']).toBe('metrics-child');
  expect(orders?.scope.name).toBe('@otelkit/metrics');
  expect(orders?.description).toBe('Orders created');
  expect(orders?.sum?.isMonotonic).toBe(true);
  expect(orders?.sum?.aggregationTemporality).toBe(CUMULATIVE);
  const byShop = Object.fromEntries(
    (orders?.sum?.dataPoints ?? []).map((p) => [
      p.attributes.shop,
      [p.asDouble ?? Number(p.asInt), p.attributes.note],
    ]),
  );
  expect(byShop).toEqual({ eu: [2, undefined], us: [1, 'naïve "quoted"'] });
  const checkout = list.find((m) => m.name === 'checkout.duration');
  expect(checkout?.unit).toBe('s');
  const [h] = checkout?.histogram?.dataPoints ?? [];
  expect(h?.count).toBe('3');
  expect(h?.sum).toBeCloseTo(4.32);
  expect(h?.explicitBounds).toEqual(metricsConfig().durationBuckets);
  // 0.02 → (0.01, 0.025]; 0.3 → (0.25, 0.5]; 4 → (2.5, 5]
  const counts = (h?.bucketCounts ?? []).map(Number);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
  expect(counts[2]).toBe(1);
  expect(counts[7]).toBe(1);
  expect(counts[11]).toBe(1);
  const stock = list.find((m) => m.name === 'stock.level');
  expect(stock?.gauge?.dataPoints[0]?.asDouble).toBe(10);
}

describe('OTLP push, decoded by the shared receiver (official protobuf definitions)', () => {
  let receiver: OtlpReceiver;
  afterEach(async () => {
    await receiver?.close();
  });

  it.each([['http/protobuf'], ['http/json']] as const)(
    'exports %s from a service process',
    async (protocol) => {
      receiver = await startOtlpReceiver();
      const { stats } = await runChild(metricsConfig({ exporters: [otlp(receiver.urls.metrics, protocol)] }));
      // One forceFlush, then the final flush of shutdown.
      expect(stats.exports).toEqual({ succeeded: 2, failed: 0, failedByReason: {} });
      expect(receiver.requests).toHaveLength(2);
      const [req] = receiver.requests;
      expect(req?.path).toBe('/v1/metrics');
      expect(req?.contentType).toBe(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
      expect(req?.headers['x-api-key']).toBe('k-1');
      expect(req?.decodeError).toBeUndefined();
      expectDecodedBatch(receiver);
    },
    60_000,
  );

  it('exports delta temporality when configured', async () => {
    receiver = await startOtlpReceiver();
    const { stats } = await runChild(
      metricsConfig({ exporters: [otlp(receiver.urls.metrics, 'http/protobuf', 'delta')] }),
      2,
    );
    expect(stats.exports.failed).toBe(0);
    const first = points(receiver, 'orders.created', 0).find((p) => p.attributes.shop === 'eu');
    const second = points(receiver, 'orders.created', 1).find((p) => p.attributes.shop === 'eu');
    const sum = receiver.metricList().find((m) => m.name === 'orders.created')?.sum;
    expect(sum?.aggregationTemporality).toBe(DELTA);
    // Round 1 adds 2, round 2 adds 4: delta, not 6.
    expect(first?.asDouble ?? Number(first?.asInt)).toBe(2);
    expect(second?.asDouble ?? Number(second?.asInt)).toBe(4);
  }, 60_000);

  it('lowmemory temporality: delta for counters, cumulative for up-down counters (decoded as sent)', async () => {
    receiver = await startOtlpReceiver({ grpc: true });
    const metrics = createMetrics(
      metricsConfig({ exporters: [otlp(receiver.grpcUrl as string, 'grpc', 'lowmemory')] }),
    );
    try {
      metrics.counter('lm.requests').inc({}, 3);
      metrics.upDownCounter('lm.in_flight').inc({}, 2);
      await metrics.forceFlush();
      await receiver.waitFor((r) => r.metricList().some((m) => m.name === 'lm.requests'));
      const byName = (n: string) => receiver.metricList().find((m) => m.name === n)?.sum;
      expect(byName('lm.requests')?.aggregationTemporality).toBe(DELTA);
      expect(byName('lm.in_flight')?.aggregationTemporality).toBe(CUMULATIVE);
    } finally {
      await metrics.shutdown();
    }
  });

  it('exports over gRPC in-process, with headers as metadata', async () => {
    receiver = await startOtlpReceiver({ grpc: true });
    const metrics = createMetrics(metricsConfig({ exporters: [otlp(receiver.grpcUrl as string, 'grpc')] }));
    try {
      metrics.counter('grpc.calls').inc({ method: 'Get' }, 5);
      await metrics.forceFlush();
      await receiver.waitFor((r) => r.metricList().some((m) => m.name === 'grpc.calls'));
      const [p] = points(receiver, 'grpc.calls');
      expect(p?.asDouble ?? Number(p?.asInt)).toBe(5);
      expect(p?.attributes).toEqual({ method: 'Get' });
      expect(receiver.requests[0]?.headers['x-api-key']).toEqual(expect.stringContaining('k-1'));
      expect(metrics.stats().exports).toEqual({ succeeded: 1, failed: 0, failedByReason: {} });
    } finally {
      await metrics.shutdown();
    }
  });
});
