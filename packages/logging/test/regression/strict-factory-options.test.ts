// Regression (#17): a typo in a hand-written logging slice or in the options was ignored.
import { loadConfig } from '@otelkit/config';
import { createLogger } from '../../src/index';

describe('createLogger strict keys', () => {
  const slice = () => loadConfig({ config: { logging: { level: 'info' } }, env: {}, file: false }).logging;

  it('rejects an unknown key of the slice with a did-you-mean and the allowed keys', () => {
    expect(() => createLogger({ ...slice(), levle: 'debug' } as never)).toThrow(
      'logging.levle: unknown key (did you mean "level"?); allowed: enabled, level, format, correlation, outputs, redact',
    );
  });

  it('rejects an unknown option, and accepts the known ones', async () => {
    expect(() => createLogger(slice(), undefined, { handle_signals: false } as never)).toThrow(
      'createLogger: options: option "handle_signals" is spelled "handleSignals" here',
    );
    const logger = createLogger(slice(), undefined, { handleSignals: false, logUncaught: false });
    await logger.shutdown();
  });
});
