// Regression (#12 point 5): the logger's shutdown budget was an ad-hoc createLogger option
// (`options.shutdownTimeoutMillis`), beside the config's one budget; it is a field of the logging
// slice now, and shutdown() takes no arguments.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@otelkit/config';
import { createLogger } from '../../src/index';

const noHooks = { handleSignals: false, logUncaught: false } as const;

describe('the logger budget comes from the logging slice', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'otelkit-budget-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses the old option, naming where the budget lives now', () => {
    expect(() => createLogger({}, undefined, { ...noHooks, shutdownTimeoutMillis: 10 } as never)).toThrow(
      'createLogger: options.shutdownTimeoutMillis is a field of the logging slice now',
    );
  });

  it('a loadConfig slice carries shutdown.timeout; shutdown() has no parameters, is memoised and resolves', async () => {
    const config = loadConfig({
      config: {
        shutdown: { timeout: '1500ms' },
        logging: { outputs: [{ type: 'file', path: join(dir, 'a.log') }] },
      },
      env: {},
      file: false,
    });
    expect(config.logging.shutdownTimeoutMillis).toBe(1500);
    const logger = createLogger(config.logging, undefined, noHooks);
    expect(logger.shutdown.length).toBe(0);
    logger.info('one line');
    const first = logger.shutdown();
    expect(logger.shutdown()).toBe(first);
    await expect(first).resolves.toBeUndefined();
    expect(logger.stats().outputs[0]).toMatchObject({ lines: 1, dropped: 0 });
  });
});
