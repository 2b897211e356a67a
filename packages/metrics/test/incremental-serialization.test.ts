import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createMetrics } from '../src';
import { prometheusTextSteps, runInSlices, runToEnd } from '../src/exporters/incremental';
import { serializeOpenMetrics, serializeOpenMetricsIncremental } from '../src/exporters/openmetrics';
import { metricsConfig, prometheusExporter } from './helpers/config';

describe('incremental exposition', () => {
  it('writes the upstream 0.0.4 text byte for byte, and the same OpenMetrics, in slices', async () => {
    const metrics = createMetrics(
      metricsConfig({ exporters: [prometheusExporter({ mode: 'handler' })] }),
      resourceFromAttributes({ 'service.name': 'slices' }),
    );
    const c = metrics.counter('orders.created', { description: 'Orders "created"\n', unit: '{order}' });
    const h = metrics.histogram('checkout.duration', { unit: 's' });
    const g = metrics.gauge('empty.gauge');
    for (let i = 0; i < 1000; i++) c.inc({ id: `o-${i}`, note: 'a\\b"c' });
    for (let i = 0; i < 600; i++) h.record(i / 100, { route: `/r/${i}` });
    void g;
    metrics.counter('one.point').inc();
    const { resourceMetrics } = await metrics.collect();
    const upstream = new PrometheusSerializer('', false, undefined, false, false).serialize(resourceMetrics);
    const withTarget = new PrometheusSerializer('', false, undefined, false, false);
    const withoutTarget = new PrometheusSerializer('', false, undefined, true, false);
    expect(runToEnd(prometheusTextSteps(resourceMetrics, withTarget, withoutTarget))).toBe(upstream);
    expect(await runInSlices(prometheusTextSteps(resourceMetrics, withTarget, withoutTarget), 0)).toBe(
      upstream,
    );
    expect(await serializeOpenMetricsIncremental(resourceMetrics, 0)).toBe(
      serializeOpenMetrics(resourceMetrics),
    );
    await metrics.shutdown();
  });
});
