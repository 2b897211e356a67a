import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '@otelkit/config';
import { createLogger } from '@otelkit/logging';
import { readJsonLines, tmpDir } from './support/helpers';

describe('createLogger with the config loadConfig() produces', () => {
  it('takes the normalised logging section as is: level in any case, structured alias, default redaction', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'logs', 'shop.log');
    const config = loadConfig({
      config: {
        service: { name: 'shop' },
        logging: {
          level: 'DEBUG',
          format: 'structured',
          outputs: [{ type: 'file', path: file, rotation: { maxSize: '1MB', maxFiles: 2 } }],
        },
      },
      env: {},
      file: false,
    });
    const logger = createLogger(config.logging, undefined, { handleSignals: false });
    logger.debug(
      {
        headers: { authorization: 'Bearer CANARY-L1', Cookie: 'CANARY-L2' },
        user: { profile: { apiKey: 'CANARY-L3' } },
        'set-cookie': 'CANARY-L4',
      },
      'with defaults',
    );
    await logger.shutdown();
    const text = fs.readFileSync(file, 'utf8');
    expect(readJsonLines(file)[0]).toMatchObject({
      level: 20,
      msg: 'with defaults',
      headers: { authorization: '[REDACTED]', Cookie: '[REDACTED]' },
    });
    expect(text).not.toMatch(/CANARY/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
