// Regression (#17): loadConfig({ enviroment: {...} }) read process.env silently.
import { loadConfig } from '../../src/index';

describe('loadConfig options are strict', () => {
  it('rejects an unknown option with a did-you-mean', () => {
    expect(() => loadConfig({ confg: {}, env: {}, file: false } as never)).toThrow(
      'loadConfig: unknown option "confg" (did you mean "config"?); allowed: config, file, env, overrides, cwd',
    );
    expect(loadConfig({ config: {}, env: {}, file: false }).logging.level).toBe('info');
  });
});
