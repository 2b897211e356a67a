import { loadConfig } from '@otelkit/config';
import { createTracing } from '../src';
import { testResource } from './support/config';

// The normalised slice from @otelkit/config (env: {} so the machine's environment never leaks in).
const slice = (tracing: NonNullable<Parameters<typeof loadConfig>[0]>['config']) =>
  loadConfig({ config: tracing, env: {}, file: false }).tracing;

describe('createTracing with slices from loadConfig()', () => {
  it("accepts the shorthand { sampler: 0.1, exporter: 'jaeger' } (parent-based ratio, OTLP to Jaeger on 4318)", async () => {
    const config = slice({ tracing: { sampler: 0.1, exporter: 'jaeger' } });
    expect(config.sampler).toEqual({ type: 'parentbased_traceidratio', ratio: 0.1 });
    const tracing = createTracing(config, testResource());
    expect(tracing.stats().exporters).toEqual([{ type: '0:jaeger', exported: 0, failed: 0 }]);
    await expect(tracing.shutdown()).resolves.toBeUndefined();
  });

  it('builds every exporter type the config offers, and shuts down within the default budget', async () => {
    const config = slice({
      tracing: { exporters: ['otlp', 'jaeger', 'zipkin', 'console', 'memory'] },
    });
    const tracing = createTracing(config, testResource());
    expect(tracing.stats().exporters.map((e) => e.type)).toEqual([
      '0:otlp',
      '1:jaeger',
      '2:zipkin',
      '3:console',
    ]);
    expect(tracing.memoryExporter).toBeDefined();
    const started = performance.now(); // monotonic: a wall-clock step does not count
    await tracing.shutdown();
    expect(performance.now() - started).toBeLessThan(config.shutdownTimeoutMillis);
  });

  it('enabled: false in config gives the no-op handle', async () => {
    const tracing = createTracing(slice({ tracing: { enabled: false } }));
    expect(tracing.enabled).toBe(false);
    await tracing.shutdown();
  });
});

describe('console exporter', () => {
  it('prints finished spans through the console', async () => {
    const printed: unknown[] = [];
    const spy = jest.spyOn(console, 'dir').mockImplementation((value) => {
      printed.push(value);
    });
    try {
      const tracing = createTracing(slice({ tracing: { exporter: 'console' } }), testResource());
      tracing.tracer.startSpan('printed-span').end();
      await tracing.forceFlush();
      expect(printed).toEqual([expect.objectContaining({ name: 'printed-span' })]);
      expect(tracing.stats()).toMatchObject({ ended: 1, exported: 1 });
      await tracing.shutdown();
    } finally {
      spy.mockRestore();
    }
  });
});
