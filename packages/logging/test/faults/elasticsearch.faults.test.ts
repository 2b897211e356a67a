import type { ElasticsearchLogOutputConfig } from '@otelkit/config';
import { createLogger } from '@otelkit/logging';
import { createFakeServer, flap } from '@otelkit/testing';
import { loggingConfig, waitUntil } from '../support/helpers';

// Fault runs of the Elasticsearch shipper against the fake Elasticsearch of @otelkit/testing.
// Every test ends with the accounting: produced = delivered + dropped (nothing left buffered).

const noHooks = { handleSignals: false, logUncaught: false } as const;

function esOutput(
  node: string,
  over: Partial<ElasticsearchLogOutputConfig> = {},
): ElasticsearchLogOutputConfig {
  return {
    type: 'elasticsearch',
    node,
    index: 'logs-faults-default',
    dataStream: true,
    headers: {},
    auth: null,
    flushIntervalMillis: 20,
    maxBatchSize: 50,
    maxBufferedLines: 10_000,
    maxRetries: 5,
    timeoutMillis: 1000,
    ...over,
  };
}

function esStats(logger: ReturnType<typeof createLogger>) {
  const s = logger.stats().outputs.find((o) => o.type === 'elasticsearch');
  if (!s) throw new Error('no elasticsearch output');
  return s;
}

describe('elasticsearch output under faults', () => {
  it('cuts a 200 answer whose body never ends, retries, and delivers everything', async () => {
    const es = await createFakeServer({ behaviour: [{ kind: 'endless' }, { kind: 'elasticsearch' }] });
    const logger = createLogger(
      loggingConfig({ outputs: [esOutput(es.url, { timeoutMillis: 60_000 })] }),
      undefined,
      noHooks,
    );
    for (let i = 0; i < 20; i++) logger.info({ i }, `line ${i}`);
    // Before the fix the first answer was read without a cap, for as long as it lasted (RSS +12 MB/s).
    await waitUntil(() => esStats(logger).delivered === 20, 15_000);
    await logger.shutdown();
    const s = esStats(logger);
    expect(s).toMatchObject({ lines: 20, delivered: 20, dropped: 0, buffered: 0 });
    expect(s.errors).toBeGreaterThanOrEqual(1);
    // The shipper stopped reading the endless body near its cap: what the server managed to write
    // before the cut is bounded by the cap plus socket buffers, not by time.
    expect(es.bytesSent).toBeLessThan(64 * 1024 * 1024);
    expect(es.documents.length).toBe(20);
    await es.close();
  }, 30_000);

  it('gives up on an answer that trickles a byte at a time at its total deadline, not never', async () => {
    const es = await createFakeServer({
      behaviour: [{ kind: 'trickle', everyMillis: 20 }, { kind: 'elasticsearch' }],
    });
    const logger = createLogger(
      loggingConfig({ outputs: [esOutput(es.url, { timeoutMillis: 500 })] }),
      undefined,
      noHooks,
    );
    for (let i = 0; i < 10; i++) logger.info({ i }, `line ${i}`);
    // The socket is never idle for 500 ms, so an idle timeout alone never fires.
    await waitUntil(() => esStats(logger).delivered === 10, 15_000);
    await logger.shutdown();
    expect(esStats(logger)).toMatchObject({ lines: 10, delivered: 10, dropped: 0, buffered: 0 });
    expect(es.requests.length).toBeGreaterThanOrEqual(2);
    await es.close();
  }, 30_000);

  it('treats a huge error answer as a failure without keeping more than its cap', async () => {
    const es = await createFakeServer({ behaviour: { kind: 'huge', status: 200, bytes: 200 * 1024 * 1024 } });
    const logger = createLogger(
      loggingConfig({ outputs: [esOutput(es.url, { maxRetries: 1, timeoutMillis: 60_000 })] }),
      undefined,
      noHooks,
    );
    for (let i = 0; i < 5; i++) logger.info(`line ${i}`);
    await waitUntil(() => esStats(logger).dropped === 5, 20_000);
    await logger.shutdown();
    const s = esStats(logger);
    expect(s.delivered).toBe(0);
    expect((s.delivered ?? 0) + s.dropped).toBe(5);
    expect(es.bytesSent).toBeLessThan(100 * 1024 * 1024);
    await es.close();
  }, 30_000);

  it('keeps the account exact across a flapping, refusing and hanging server', async () => {
    const es = await createFakeServer({
      behaviour: flap({ kind: 'elasticsearch' }, { kind: 'status', status: 503, retryAfter: 'abc' }, 1, 1),
    });
    const logger = createLogger(
      loggingConfig({ outputs: [esOutput(es.url, { maxRetries: 20, timeoutMillis: 300 })] }),
      undefined,
      noHooks,
    );
    for (let i = 0; i < 300; i++) logger.info({ i }, `line ${i}`);
    await waitUntil(() => (esStats(logger).delivered ?? 0) >= 100, 20_000);
    es.setBehaviour({ kind: 'hang' });
    for (let i = 300; i < 400; i++) logger.info({ i }, `line ${i}`);
    await new Promise((r) => setTimeout(r, 400));
    await es.refuse();
    await new Promise((r) => setTimeout(r, 200));
    await es.resume();
    es.setBehaviour({ kind: 'elasticsearch' });
    await waitUntil(() => esStats(logger).buffered === 0, 30_000);
    await logger.shutdown();
    const s = esStats(logger);
    expect((s.delivered ?? 0) + s.dropped).toBe(400);
    expect(s.buffered).toBe(0);
    // Idempotent ids: whatever was stored twice (an answer lost to a hang) has one id.
    expect(new Set(es.documents.map((d) => JSON.parse(d).i)).size).toBe(s.delivered);
    await es.close();
  }, 60_000);

  it('waits at least a second after a 429 whose Retry-After is 0, -1 or garbage', async () => {
    for (const retryAfter of ['0', '-1', 'abc']) {
      const es = await createFakeServer({
        behaviour: [{ kind: 'status', status: 429, retryAfter }, { kind: 'elasticsearch' }],
      });
      const logger = createLogger(loggingConfig({ outputs: [esOutput(es.url)] }), undefined, noHooks);
      logger.info('one');
      await waitUntil(() => esStats(logger).delivered === 1, 10_000);
      await logger.shutdown();
      const [first, second] = es.requests;
      expect(es.requests.length).toBe(2);
      // Before: the shipper ignored Retry-After and came back after 50–100 ms.
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
      await es.close();
    }
  }, 30_000);
});
