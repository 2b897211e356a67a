import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMonitoring } from '@otelkit/service';
import { createFakeServer, type FakeServer } from '@otelkit/testing';

// Issue 14 item 5: telemetry about telemetry. Elasticsearch shipping failures were logged, and the
// warning itself was shipped to the Elasticsearch that was failing (retried, failing again, warned
// again…); OTLP log export failures likewise went out as OTLP logs. Our own diagnostics never go
// through a pipe that is failing: they are withheld from it (counted) and still reach the others.

jest.setTimeout(60_000);

async function waitUntil(predicate: () => boolean, timeoutMillis: number): Promise<void> {
  const started = performance.now();
  while (!predicate()) {
    if (performance.now() - started > timeoutMillis) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('own diagnostics and a failing pipe', () => {
  let dir: string;
  let es: FakeServer;
  let otlp: FakeServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otelkit-own-diag-'));
    // Elasticsearch that is down (503 to every _bulk), a collector that refuses every log export
    es = await createFakeServer({ behaviour: { kind: 'status', status: 503, body: '{"error":"down"}' } });
    otlp = await createFakeServer({ behaviour: { kind: 'status', status: 400, body: 'no' } });
  });
  afterAll(async () => {
    await es.close();
    await otlp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are withheld from the pipe that fails, counted, and written to the healthy ones', async () => {
    const file = join(dir, 'app.log');
    const m = startMonitoring(
      {
        service: { name: 'own-diag' },
        logging: {
          level: 'info',
          outputs: [
            { type: 'file', path: file },
            { type: 'elasticsearch', node: es.url, flushInterval: '50ms', maxRetries: 1 },
            { type: 'otlp', endpoint: `${otlp.url}/v1/logs`, protocol: 'http/json' },
          ],
        },
        tracing: { enabled: false },
        metrics: { exporters: [] },
        resources: { enabled: false },
        diagnostics: { logLevel: 'debug' },
        shutdown: { timeout: '2s', handleSignals: false },
      },
      { env: {}, file: false },
    );
    try {
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < 5; i++) m.logger.info({ round, i }, 'user line');
        await m.forceFlush();
        await new Promise((r) => setTimeout(r, 150));
      }
      // several failed requests on each pipe, each followed by its warning
      await waitUntil(() => es.requests.length >= 4 && otlp.requests.length >= 4, 20_000);
    } finally {
      await m.shutdown();
    }

    // The healthy file has the diagnostics about both failing pipes.
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const diags = lines.filter((l) => l.component === 'otel.diag');
    expect(diags.some((l) => /Elasticsearch/.test(l.msg))).toBe(true);
    expect(diags.some((l) => /OTLP export of \d+ log record/.test(l.msg))).toBe(true);

    // The failing pipes carried the user's lines, and none of the diagnostics about themselves
    // (a diagnostic about the other pipe may reach one that was not failing yet at the time).
    const esBodies = es.requests.map((r) => r.body.toString('utf8')).join('\n');
    expect(esBodies).toContain('user line');
    expect(esBodies).not.toMatch(/Elasticsearch|_bulk/);
    const otlpBodies = otlp.requests.map((r) => r.body.toString('utf8')).join('\n');
    expect(otlpBodies).toContain('user line');
    expect(otlpBodies).not.toMatch(/log record|non-retryable|Bad Request|OTLP/);

    // Withheld is counted apart from drops: the user's lines are the drops.
    const [, e, o] = m.logger.stats().outputs;
    expect(e?.withheld).toBeGreaterThan(0);
    expect(o?.withheld).toBeGreaterThan(0);
    // everything they accepted was lost (they are down) and counted; the withheld never entered
    expect(e?.dropped).toBe(e?.lines);
    expect(o?.dropped).toBe(o?.lines);
    expect(e?.lines).toBeGreaterThanOrEqual(20);
  });
});
