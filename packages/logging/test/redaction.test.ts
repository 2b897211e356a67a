import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { DEFAULT_REDACT_PATHS } from '@otelkit/config';
import { createLogger } from '@otelkit/logging';
import { startBulkServer } from './support/bulk-server';
import { fileOutput, loggingConfig, readJsonLines, tmpDir } from './support/helpers';

/** Logs every way a secret turns up in practice; each canary is unique so a leak names itself. */
async function logCanaries(logger: ReturnType<typeof createLogger>): Promise<void> {
  logger.info({ password: 'CANARY-01', user: 'alice' }, 'top level');
  logger.info({ user: { credentials: { apiKey: 'CANARY-02' }, name: 'alice' } }, 'nested');
  logger.info(
    {
      req: {
        method: 'GET',
        headers: { authorization: 'Bearer CANARY-03', cookie: 'sid=CANARY-04', accept: '*/*' },
      },
    },
    'plain req headers',
  );
  logger.info(
    { res: { statusCode: 200, headers: { 'set-cookie': ['sid=CANARY-05; HttpOnly'] } } },
    'set-cookie',
  );
  logger.info(
    { config: { headers: { 'X-API-Key': 'CANARY-06', Authorization: 'Basic CANARY-07' } } },
    'case variants',
  );
  logger.info({ a: { b: { c: { d: { e: { client_secret: 'CANARY-08' } } } } } }, 'deep');
  logger.info({ list: [{ accessToken: 'CANARY-09' }, { refresh_token: 'CANARY-10' }] }, 'array');
  const err = Object.assign(new Error('request failed'), {
    config: { headers: { Authorization: 'Bearer CANARY-11' } },
  });
  logger.error({ err }, 'http client error');
  logger.child({ token: 'CANARY-12', component: 'auth' }).info('child bindings');
  logger.info({ body: { cardNumber: 'CANARY-13', amount: 5 } }, 'configured exact path');
  logger.info(
    { 'x-amz-security-token': 'CANARY-14', private_key: 'CANARY-15', passwd: 'CANARY-16' },
    'more keys',
  );

  // A real node:http request logged as `req` / `res`.
  await new Promise<void>((resolve, reject) => {
    const server = http.createServer((req, res) => {
      res.setHeader('set-cookie', 'session=CANARY-17');
      res.end('ok');
      logger.info({ req, res }, 'real request');
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      http
        .get(
          {
            host: '127.0.0.1',
            port,
            path: '/',
            headers: { authorization: 'Bearer CANARY-18', cookie: 'sid=CANARY-19' },
          },
          (res) => {
            res.resume();
            res.on('end', () => server.close(() => resolve()));
          },
        )
        .on('error', reject);
    });
  });
}

const LINES = 12;

describe('redaction', () => {
  let dir: string;
  beforeEach(() => {
    dir = tmpDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(['json', 'ecs'] as const)('keeps canary secrets out of every output (%s)', async (format) => {
    const file = path.join(dir, 'app.log');
    const es = await startBulkServer();
    const logger = createLogger(
      loggingConfig({
        format,
        // The paths loadConfig() puts by default, plus one exact path of the app's own.
        redact: {
          enabled: true,
          paths: [...DEFAULT_REDACT_PATHS, 'body.cardNumber'],
          censor: '[REDACTED]',
        },
        outputs: [
          fileOutput(file),
          {
            type: 'elasticsearch',
            node: es.url,
            index: 'logs-app-default',
            dataStream: true,
            headers: {},
            auth: null,
            flushIntervalMillis: 50,
            maxBatchSize: 100,
            maxBufferedLines: 1000,
            maxRetries: 1,
            timeoutMillis: 5000,
          },
        ],
      }),
      undefined,
      { handleSignals: false, logUncaught: false },
    );
    await logCanaries(logger);
    await logger.shutdown();

    const fileText = fs.readFileSync(file, 'utf8');
    const esText = JSON.stringify([...es.stored.values()]);
    expect(readJsonLines(file)).toHaveLength(LINES);
    expect(es.stored.size).toBe(LINES);
    expect(fileText.match(/CANARY-\d+/g) ?? []).toEqual([]);
    expect(esText.match(/CANARY-\d+/g) ?? []).toEqual([]);
    // Redacted, not removed, and the rest of each line is intact.
    expect(fileText).toContain('[REDACTED]');
    expect(fileText).toContain('alice');
    expect(fileText).toContain('"amount":5');
    expect(fileText).toContain('request failed');
    await es.close();
  });

  it('uses the configured censor and can be turned off', async () => {
    const file = path.join(dir, 'app.log');
    const on = createLogger(
      loggingConfig({
        redact: { enabled: true, paths: DEFAULT_REDACT_PATHS, censor: '***' },
        outputs: [fileOutput(file)],
      }),
      undefined,
      {
        handleSignals: false,
      },
    );
    on.info({ password: 'p1' }, 'on');
    await on.shutdown();
    const offFile = path.join(dir, 'off.log');
    const off = createLogger(
      loggingConfig({ redact: { enabled: false, paths: [], censor: '***' }, outputs: [fileOutput(offFile)] }),
      undefined,
      {
        handleSignals: false,
      },
    );
    off.info({ password: 'p1' }, 'off');
    await off.shutdown();
    expect(readJsonLines(file)[0]?.password).toBe('***');
    expect(readJsonLines(offFile)[0]?.password).toBe('p1');
  });

  it('never modifies the objects the application passes in', async () => {
    const file = path.join(dir, 'app.log');
    const logger = createLogger(loggingConfig({ outputs: [fileOutput(file)] }), undefined, {
      handleSignals: false,
    });
    const headers = { authorization: 'Bearer keep-me' };
    const obj = { req: { headers }, list: [{ token: 't' }] };
    logger.info(obj, 'x');
    await logger.shutdown();
    expect(obj.req.headers).toBe(headers);
    expect(headers.authorization).toBe('Bearer keep-me');
    expect(obj.list[0]?.token).toBe('t');
  });
});
