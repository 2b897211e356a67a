import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ElasticsearchLogOutputConfig } from '@otelkit/config';
import { createLogger } from '@otelkit/logging';
import { startBulkServer } from '../support/bulk-server';
import { loggingConfig, waitUntil } from '../support/helpers';

const noHooks = { handleSignals: false, logUncaught: false } as const;

function esOutput(
  node: string,
  over: Partial<ElasticsearchLogOutputConfig> = {},
): ElasticsearchLogOutputConfig {
  return {
    type: 'elasticsearch',
    node,
    index: 'logs-checkout-default',
    dataStream: true,
    headers: {},
    auth: null,
    flushIntervalMillis: 50,
    maxBatchSize: 100,
    maxBufferedLines: 10_000,
    maxRetries: 3,
    timeoutMillis: 5000,
    ...over,
  };
}

function esStats(logger: ReturnType<typeof createLogger>) {
  const s = logger.stats().outputs.find((o) => o.type === 'elasticsearch');
  if (!s) throw new Error('no elasticsearch output');
  return s;
}

describe('elasticsearch output', () => {
  it('ships every line exactly once as NDJSON create pairs into the data stream', async () => {
    const es = await startBulkServer();
    const logger = createLogger(
      loggingConfig({
        outputs: [
          esOutput(es.url, {
            auth: { username: 'elastic', password: 'changeme' },
            headers: { 'x-tenant': 't1' },
          }),
        ],
      }),
      undefined,
      noHooks,
    );
    for (let i = 0; i < 1000; i++) logger.info({ i }, `line ${i}`);
    await logger.shutdown();
    expect(es.protocolErrors).toEqual([]);
    expect(es.stored.size).toBe(1000);
    expect(new Set(es.messages())).toEqual(new Set([...Array(1000).keys()].map((i) => `line ${i}`)));
    const first = es.requests[0];
    expect(first?.path).toBe('/_bulk');
    expect(first?.headers['content-type']).toBe('application/x-ndjson');
    expect(first?.headers.authorization).toBe(`Basic ${Buffer.from('elastic:changeme').toString('base64')}`);
    expect(first?.headers['x-tenant']).toBe('t1');
    expect(Object.keys(first?.actions[0] ?? {})).toEqual(['create']);
    expect(first?.actions[0]?.create?._index).toBe('logs-checkout-default');
    expect(Math.max(...es.requests.map((r) => r.actions.length))).toBeLessThanOrEqual(100);
    const doc = [...es.stored.values()][0]?.doc ?? {};
    expect(typeof doc['@timestamp']).toBe('string');
    expect(new Date(doc['@timestamp'] as string).getTime()).toBe(doc.time);
    expect(esStats(logger)).toMatchObject({ lines: 1000, delivered: 1000, dropped: 0, buffered: 0 });
    await es.close();
  });

  it('uses index with an ApiKey header when dataStream is false', async () => {
    const es = await startBulkServer();
    const logger = createLogger(
      loggingConfig({
        outputs: [esOutput(es.url, { dataStream: false, index: 'app-logs', auth: { apiKey: 'a2V5' } })],
      }),
      undefined,
      noHooks,
    );
    logger.info('one');
    await logger.shutdown();
    expect(es.requests[0]?.headers.authorization).toBe('ApiKey a2V5');
    expect(es.requests[0]?.actions[0]?.index?._index).toBe('app-logs');
    expect(es.stored.size).toBe(1);
    await es.close();
  });

  it('retries 429 and 5xx answers and failed items, and stores each document exactly once', async () => {
    // 1st request: 429 for all; 2nd: 503; then items: every 3rd document fails once with 429, every 7th once with 503.
    const es = await startBulkServer((n) => {
      if (n === 0) return { kind: 'status', status: 429 };
      if (n === 1) return { kind: 'status', status: 503 };
      return {
        kind: 'items',
        item: (doc, attempt) => {
          const i = doc.i as number;
          if (attempt === 1 && i % 3 === 0) return 429;
          if (attempt === 1 && i % 7 === 0) return 503;
          return 201;
        },
      };
    });
    const logger = createLogger(
      loggingConfig({ outputs: [esOutput(es.url, { maxRetries: 4 })], shutdownTimeoutMillis: 30_000 }),
      undefined,
      noHooks,
    );
    for (let i = 0; i < 300; i++) logger.info({ i }, `line ${i}`);
    await logger.shutdown();
    expect(es.stored.size).toBe(300);
    const ids = es.requests.flatMap((r) => r.actions.map((a) => a.create?._id));
    expect(ids.length).toBeGreaterThan(300);
    expect(es.messages().sort()).toEqual([...Array(300).keys()].map((i) => `line ${i}`).sort());
    const stats = esStats(logger);
    expect(stats).toMatchObject({ delivered: 300, dropped: 0 });
    expect(stats.retried).toBeGreaterThan(0);
    await es.close();
  });

  it('counts a retried document whose first answer was lost as delivered once (409 on create)', async () => {
    const es = await startBulkServer((n) => (n === 0 ? { kind: 'lose-answer' } : { kind: 'ok' }));
    const logger = createLogger(loggingConfig({ outputs: [esOutput(es.url)] }), undefined, noHooks);
    for (let i = 0; i < 50; i++) logger.info({ i }, `line ${i}`);
    await logger.shutdown();
    expect(es.requests[0]?.answer).toBe('lost');
    expect(es.requests.length).toBeGreaterThanOrEqual(2);
    expect(es.stored.size).toBe(50);
    expect(esStats(logger)).toMatchObject({ delivered: 50, dropped: 0 });
    await es.close();
  });

  it('gives up after maxRetries and counts the drops', async () => {
    const es = await startBulkServer(() => ({ kind: 'status', status: 503 }));
    const logger = createLogger(
      loggingConfig({ outputs: [esOutput(es.url, { maxRetries: 2 })], shutdownTimeoutMillis: 15_000 }),
      undefined,
      noHooks,
    );
    for (let i = 0; i < 20; i++) logger.info(`line ${i}`);
    await logger.flush();
    await waitUntil(() => esStats(logger).dropped === 20, 15_000, '20 drops');
    expect(es.requests).toHaveLength(3);
    expect(esStats(logger)).toMatchObject({ lines: 20, delivered: 0, dropped: 20, buffered: 0 });
    await logger.shutdown();
    await es.close();
  });

  it('drops and counts documents Elasticsearch refuses (mapping errors) without retrying them', async () => {
    const es = await startBulkServer(() => ({
      kind: 'items',
      item: (doc) => ((doc.i as number) % 10 === 0 ? 400 : 201),
    }));
    const logger = createLogger(loggingConfig({ outputs: [esOutput(es.url)] }), undefined, noHooks);
    for (let i = 0; i < 100; i++) logger.info({ i }, `line ${i}`);
    await logger.shutdown();
    expect(es.stored.size).toBe(90);
    expect(es.requests).toHaveLength(1);
    expect(esStats(logger)).toMatchObject({ delivered: 90, dropped: 10 });
    await es.close();
  });

  it('refuses an answer without x-elastic-product: Elasticsearch and counts the lines as dropped', async () => {
    const es = await startBulkServer(() => ({ kind: 'not-elasticsearch' }));
    const logger = createLogger(loggingConfig({ outputs: [esOutput(es.url)] }), undefined, noHooks);
    for (let i = 0; i < 10; i++) logger.info(`line ${i}`);
    await logger.shutdown();
    expect(esStats(logger)).toMatchObject({ delivered: 0, dropped: 10 });
    await es.close();
  });

  it('never follows a redirect', async () => {
    const target = await startBulkServer();
    const es = await startBulkServer(() => ({
      kind: 'status',
      status: 307,
      headers: { location: `${target.url}/_bulk` },
    }));
    const logger = createLogger(loggingConfig({ outputs: [esOutput(es.url)] }), undefined, noHooks);
    for (let i = 0; i < 10; i++) logger.info(`line ${i}`);
    await logger.shutdown();
    expect(target.requests).toHaveLength(0);
    expect(es.requests).toHaveLength(1);
    expect(esStats(logger)).toMatchObject({ delivered: 0, dropped: 10 });
    await es.close();
    await target.close();
  });

  it('keeps memory bounded while Elasticsearch is down, counts the drops and shuts down within its budget', async () => {
    // A port that refuses connections.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise((r) => probe.close(r));
    const logger = createLogger(
      loggingConfig({
        outputs: [esOutput(`http://127.0.0.1:${port}`, { maxBufferedLines: 500, maxRetries: 20 })],
        shutdownTimeoutMillis: 1000,
      }),
      undefined,
      noHooks,
    );
    for (let i = 0; i < 20_000; i++) logger.info({ i }, 'while es is down');
    const during = esStats(logger);
    expect(during.buffered).toBeLessThanOrEqual(500);
    expect(during.dropped).toBe(20_000 - 500);
    const started = Date.now();
    await logger.shutdown();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(esStats(logger)).toMatchObject({ delivered: 0, dropped: 20_000, buffered: 0 });
  });

  it('fails over to the next node of nodes: a refused connection, then a 503 node, then a healthy one', async () => {
    // a port nobody listens on (bound, then closed)
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((r) => dead.close(() => r()));
    const busy = await startBulkServer(() => ({ kind: 'status', status: 503 }));
    const healthy = await startBulkServer();
    const logger = createLogger(
      loggingConfig({
        outputs: [
          esOutput(deadUrl, { nodes: [deadUrl, busy.url, healthy.url], maxRetries: 4, timeoutMillis: 2000 }),
        ],
        shutdownTimeoutMillis: 30_000,
      }),
      undefined,
      noHooks,
    );
    for (let i = 0; i < 200; i++) logger.info({ i }, `line ${i}`);
    await logger.shutdown();
    expect(busy.requests.length).toBeGreaterThan(0); // it was tried, and answered 503
    expect(busy.stored.size).toBe(0);
    expect(healthy.stored.size).toBe(200);
    expect(new Set(healthy.messages())).toEqual(new Set([...Array(200).keys()].map((i) => `line ${i}`)));
    expect(esStats(logger)).toMatchObject({
      delivered: 200,
      dropped: 0,
      target: `${healthy.url}/logs-checkout-default`,
    });
    await busy.close();
    await healthy.close();
  }, 60_000);

  it('rejects a bad node URL at creation', () => {
    expect(() =>
      createLogger(loggingConfig({ outputs: [esOutput('not a url')] }), undefined, noHooks),
    ).toThrow(/logging\.outputs\[0\]\.node: expected an http\(s\) URL .*got "not a url"/);
  });
});
