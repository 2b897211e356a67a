// Regression (#17): a typo in a hand-written metrics slice was ignored and the default used.
import { loadConfig } from '@otelkit/config';
import { createMetrics } from '../../src/index';

describe('createMetrics strict keys', () => {
  it('rejects an unknown key of the slice with a did-you-mean and the allowed keys', async () => {
    const slice = loadConfig({ config: { metrics: { exporters: [] } }, env: {}, file: false }).metrics;
    expect(() => createMetrics({ ...slice, cardinalityLimt: 5 } as never)).toThrow(
      'createMetrics: metrics config: unknown option "cardinalityLimt" (did you mean "cardinalityLimit"?); allowed: enabled, exportIntervalMillis,',
    );
    expect(() => createMetrics({ ...slice, export_interval_millis: 5 } as never)).toThrow(
      'option "export_interval_millis" is spelled "exportIntervalMillis" here',
    );
    const handle = createMetrics(slice);
    await handle.shutdown();
  });
});
