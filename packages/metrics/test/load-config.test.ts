import { loadConfig } from '@otelkit/config';
import { startOtlpReceiver } from '../../../test/support/otlp-receiver';
import { createMetrics } from '../src/create-metrics';
import { find, parseExposition } from './helpers/exposition';
import { httpRequest } from './helpers/http';

describe('createMetrics with the config from loadConfig()', () => {
  it("takes the shorthand collectors: ['prometheus'], exporters: ['http'], interval: 10", async () => {
    const config = loadConfig({
      config: { metrics: { collectors: ['prometheus'], exporters: ['http'], interval: 10 } },
      env: {},
      file: false,
    });
    expect(config.metrics.exportIntervalMillis).toBe(10_000);
    // Same config, on a free port instead of 9464 (other processes on this machine may hold it).
    const metrics = createMetrics({
      ...config.metrics,
      exporters: config.metrics.exporters.map((e) => ({ ...e, port: 0 })),
    });
    try {
      metrics.counter('shorthand.works').inc();
      const address = await metrics.listening;
      expect(address?.address).toBe('127.0.0.1');
      const body = (await httpRequest(address!.port, '/metrics')).body;
      expect(find(parseExposition(body), 'shorthand_works_total')[0]?.value).toBe(1);
      // The default skip list covers the metrics and health paths.
      expect(metrics.ignorePaths).toEqual(expect.arrayContaining(['/metrics', '/health']));
    } finally {
      await metrics.shutdown();
    }
  });

  it("takes collectors: ['prometheus', 'otlp'], exporters: ['handler', 'grpc'] with an endpoint", async () => {
    const receiver = await startOtlpReceiver({ grpc: true });
    const config = loadConfig({
      config: {
        metrics: {
          exporters: [
            { type: 'prometheus', mode: 'handler' },
            { type: 'otlp', protocol: 'grpc', endpoint: receiver.grpcUrl },
          ],
        },
      },
      env: {},
      file: false,
    });
    const metrics = createMetrics(config.metrics);
    try {
      expect(await metrics.listening).toBeNull();
      metrics.histogram('job.duration', { unit: 's' }).record(0.2, { job: 'mail' });
      await metrics.forceFlush();
      await receiver.waitFor((r) => r.metricList().some((m) => m.name === 'job.duration'));
      const [point] =
        receiver.metricList().find((m) => m.name === 'job.duration')?.histogram?.dataPoints ?? [];
      expect(point?.count).toBe('1');
      expect(point?.explicitBounds).toEqual([...config.metrics.durationBuckets]);
    } finally {
      await metrics.shutdown();
      await receiver.close();
    }
  });
});
