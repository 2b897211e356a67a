// A resource detector that never settles (a hung file read, a stuck command) must not hang the
// Prometheus scrape: the handler waits for detected attributes at most a second, then serves
// what is known (target_info with the settled attributes).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { detectResources, resourceFromAttributes } from '@opentelemetry/resources';
import { createMetrics } from '../../src/create-metrics';
import { metricsConfig, prometheusExporter } from '../helpers/config';

describe('Prometheus scrape with a resource attribute that never settles', () => {
  it('is served within the settle bound, with the settled attributes', async () => {
    const hung = detectResources({
      detectors: [{ detect: () => ({ attributes: { 'host.id': new Promise<string>(() => {}) } }) }],
    });
    expect(hung.asyncAttributesPending).toBe(true);
    const resource = resourceFromAttributes({ 'service.name': 'settle-test' }).merge(hung);
    const metrics = createMetrics(
      metricsConfig({ exporters: [prometheusExporter({ mode: 'handler' })] }),
      resource,
    );
    const server = createServer(metrics.handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      metrics.counter('settle.requests').inc();
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(10_000); // bounded (1 s wait), never the test timeout
      expect(text).toMatch(/target_info\{[^}]*service_name="settle-test"/);
      expect(text).not.toContain('host_id');
      expect(text).toContain('settle_requests');
    } finally {
      server.close();
      await metrics.shutdown();
    }
  }, 30_000);
});
