import * as path from 'node:path';
import { createLogger } from '@otelkit/logging';
import { fileOutput, loggingConfig, readJsonLines, tmpDir } from '../support/helpers';

// Issue 14 item 14: query-string tokens and URL credentials inside string fields reached every
// output — the redactor only looked at keys (`password: …`), never inside a URL-valued field.

const noHooks = { handleSignals: false, logUncaught: false } as const;

describe('secrets inside URL-valued log fields and messages', () => {
  it('redacts userinfo and secret query values in any string field, for JSON and ECS', async () => {
    for (const format of ['json', 'ecs'] as const) {
      const dir = tmpDir();
      const file = path.join(dir, 'app.log');
      const logger = createLogger(loggingConfig({ format, outputs: [fileOutput(file)] }), undefined, noHooks);
      logger.info({ url: 'https://api.example.com/v1/items?token=CANARY-1&page=2' }, 'query token');
      logger.info({ target: 'https://bob:CANARY-2@db.example.com:5432/x' }, 'userinfo');
      logger.info({ dsn: 'postgres://app:CANARY-3@127.0.0.1/orders?sslmode=require' }, 'connection string');
      logger.info({ conn: 'host=db user=app password=CANARY-4 dbname=orders' }, 'libpq key-values');
      logger.info({ nested: { links: ['/cb?api_key=CANARY-5', 'plain'] } }, 'array in object');
      logger.info({ req: { method: 'GET', url: '/login?password=CANARY-6&next=%2Fhome' } }, 'request');
      logger.info({ u: 'https://s3.example.com/o?X-Amz-Signature=CANARY-7&X-Amz-Expires=60' }, 'signed');
      logger.info('GET https://api.example.com/x?access_token=CANARY-8 answered 200');
      logger.warn('retrying %s', 'https://u:CANARY-9@hooks.example.com/y');
      logger.info({ note: 'keep me: a=b, user@example.com, https://example.com/?page=3' }, 'untouched');
      await logger.shutdown();
      const text = (await import('node:fs')).readFileSync(file, 'utf8');
      expect(text).not.toMatch(/CANARY/);
      const lines = readJsonLines(file);
      const by = (msg: string) => lines.find((l) => (l.msg ?? l.message) === msg) as Record<string, unknown>;
      expect(by('query token').url).toBe('https://api.example.com/v1/items?token=REDACTED&page=2');
      expect(by('userinfo').target).toBe('https://REDACTED:REDACTED@db.example.com:5432/x');
      expect(by('libpq key-values').conn).toBe('host=db user=app password=REDACTED dbname=orders');
      expect((by('array in object').nested as { links: string[] }).links).toEqual([
        '/cb?api_key=REDACTED',
        'plain',
      ]);
      expect(by('signed').u).toBe('https://s3.example.com/o?X-Amz-Signature=REDACTED&X-Amz-Expires=60');
      expect(by('GET https://api.example.com/x?access_token=REDACTED answered 200')).toBeDefined();
      expect(by('retrying https://REDACTED:REDACTED@hooks.example.com/y')).toBeDefined();
      expect(by('untouched').note).toBe('keep me: a=b, user@example.com, https://example.com/?page=3');
    }
  });

  it('leaves the caller’s objects alone', async () => {
    const dir = tmpDir();
    const logger = createLogger(
      loggingConfig({ outputs: [fileOutput(path.join(dir, 'a.log'))] }),
      undefined,
      noHooks,
    );
    const fields = { url: 'https://x.example.com/?token=abc' };
    logger.info(fields, 'x');
    await logger.shutdown();
    expect(fields.url).toBe('https://x.example.com/?token=abc');
  });
});
