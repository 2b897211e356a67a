// Regression (#17): a typo in a hand-written metrics slice was ignored and the default used.
import { loadConfig } from '@otelkit/config';
import { createMetrics, HttpServerMetrics } from '../../src/index';

describe('createMetrics strict keys', () => {
  it('rejects an unknown key of the slice with a did-you-mean and the allowed keys', async () => {
    const slice = loadConfig({ config: { metrics: { exporters: [] } }, env: {}, file: false }).metrics;
    expect(() => createMetrics({ ...slice, cardinalityLimt: 5 } as never)).toThrow(
      'metrics.cardinalityLimt: unknown key (did you mean "cardinalityLimit"?); allowed: enabled, collectors, exporters,',
    );
    expect(() => createMetrics({ ...slice, export_interval_millis: 5 } as never)).toThrow(
      'metrics.export_interval_millis: unknown key (did you mean "exportIntervalMillis"?)',
    );
    const handle = createMetrics(slice);
    await handle.shutdown();
  });
});

describe('instrument helper options are strict', () => {
  it('names the unknown key of counter, histogram and observableGauge options', async () => {
    const handle = createMetrics(
      loadConfig({ config: { metrics: { exporters: [] } }, env: {}, file: false }).metrics,
    );
    expect(() => handle.counter('c', { descripton: 'x' } as never)).toThrow(
      'metrics.counter("c"): unknown option "descripton" (did you mean "description"?)',
    );
    expect(() => handle.histogram('h', { bucket: [1] } as never)).toThrow(
      'metrics.histogram("h"): unknown option "bucket" (did you mean "buckets"?)',
    );
    expect(() => handle.observableGauge('o', { callbak: () => {} } as never)).toThrow(
      'metrics.observableGauge("o"): unknown option "callbak" (did you mean "callback"?)',
    );
    expect(handle.histogram('ok', { buckets: [1], unit: 's', help: 'x' }).name).toBe('ok');
    await handle.shutdown();
  });
});

describe('HTTP metrics options are strict', () => {
  it('names the unknown key of the node:http / Express / Fastify options', async () => {
    const handle = createMetrics(
      loadConfig({ config: { metrics: { exporters: [] } }, env: {}, file: false }).metrics,
    );
    expect(() => new HttpServerMetrics(handle, { ignorePath: ['/x'] } as never)).toThrow(
      '@otelkit/metrics: HTTP metrics options: unknown option "ignorePath" (did you mean "ignorePaths"?)',
    );
    await handle.shutdown();
  });
});
