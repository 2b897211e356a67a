// Regression (#17): a typo in a hand-written slice or options object was ignored and the default used.
import { loadConfig } from '@otelkit/config';
import { createTracing, traced } from '../../src/index';

const slice = () => loadConfig({ config: { tracing: { exporters: [] } }, env: {}, file: false }).tracing;

describe('createTracing strict keys', () => {
  it('rejects an unknown key of the slice with a did-you-mean and the allowed keys', () => {
    expect(() => createTracing({ ...slice(), samplr: 0.1 } as never)).toThrow(
      'tracing.samplr: unknown key (did you mean "sampler"?); allowed: enabled, sampler, exporter, exporters, propagators, batch, shutdownTimeout, shutdownTimeoutMillis, attributeValueLengthLimit',
    );
    expect(() => createTracing({ ...slice(), shutdown_timeout_millis: 1 } as never)).toThrow(
      'tracing.shutdown_timeout_millis: unknown key (did you mean "shutdownTimeoutMillis"?)',
    );
  });

  it('rejects an unknown option, and accepts the known ones', async () => {
    expect(() => createTracing(slice(), undefined, { metre: {} } as never)).toThrow(
      'createTracing: options: unknown option "metre" (did you mean "meter"?); allowed: meter',
    );
    const handle = createTracing(slice(), undefined, {});
    await handle.shutdown();
  });
});

describe('@traced options are strict', () => {
  it('names the unknown key at decoration time', () => {
    expect(() => traced({ nmae: 'x' } as never)).toThrow(
      '@traced(options): unknown option "nmae" (did you mean "name"?)',
    );
  });
});
