// The resource manager inside the one config: `pools` in the config → startMonitoring creates it,
// exposes it, feeds readiness and alerts through the same monitor, and shuts it down in order.
// Checked with a real PostgreSQL pool (127.0.0.1:5432).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertEvent } from '@otelkit/resource-monitor';
import { startMonitoring } from '@otelkit/service';
import { Pool, type PoolClient } from 'pg';

jest.setTimeout(60_000);

function configFor(dir: string, extra: Record<string, unknown> = {}) {
  return {
    service: { name: 'pools-test' },
    logging: { level: 'warn', outputs: [{ type: 'file', path: join(dir, 'app.log') }] },
    metrics: { collectors: ['prometheus'], exporters: ['handler'] },
    tracing: { exporter: 'memory' },
    resources: { interval: 60 },
    shutdown: { timeout: '3s', handleSignals: false },
    ...extra,
  } as never;
}

describe('startMonitoring with pools', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'otelkit-pools-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('has no resource manager unless the config turns it on', async () => {
    const m = startMonitoring(configFor(dir), { env: {}, file: false });
    try {
      expect(m.resources).toBeUndefined();
      expect(m.summary()).toContain('  pools      off');
    } finally {
      const report = await m.shutdown();
      expect(report.steps.map((s) => s.name)).not.toContain('resource manager');
    }
  });

  it('creates it from the config: thresholds and readiness through the monitoring handle, shut down first', async () => {
    const m = startMonitoring(
      configFor(dir, {
        pools: {
          interval: 60,
          kinds: ['pg'],
          thresholds: [{ resourceId: 'main-db', metric: 'connection_pool_usage', critical: 0.9 }],
        },
      }),
      { env: {}, file: false },
    );
    const pool = new Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 1 });
    const events: AlertEvent[] = [];
    let client: PoolClient | undefined;
    try {
      const manager = m.resources!;
      expect(manager).toBeDefined();
      expect(manager.monitor).toBe(m.monitor);
      expect(m.summary()).toContain('  pools      on  every 1m, kinds pg, discovery off, 1 threshold');
      m.monitor.onAlert((e) => {
        events.push(e);
      });
      manager.register({ id: 'main-db', type: 'pg', resource: pool });
      expect(m.health.names()).toContain('resource:main-db');

      client = await pool.connect(); // the only connection: usage 1
      await m.forceFlush();
      await m.monitor.flushAlerts();
      expect(events.filter((e) => e.state === 'firing')).toEqual([
        expect.objectContaining({ resourceId: 'main-db', level: 'critical' }),
      ]);
      expect((await m.health.check('readiness')).status).toBe('fail');
      client.release();
      client = undefined;
      await m.forceFlush();
      await m.monitor.flushAlerts();
      // Health results are cached briefly (HealthRegistry cacheMillis): ask until the cache turns over.
      const deadline = Date.now() + 10_000;
      let ready = await m.health.check('readiness');
      while (ready.status !== 'pass' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        ready = await m.health.check('readiness');
      }
      expect(ready.status).toBe('pass');
      expect(ready.checks.find((c) => c.name === 'resource:main-db')?.status).toBe('pass');
    } finally {
      client?.release();
      const report = await m.shutdown();
      await pool.end();
      expect(report.ok).toBe(true);
      const names = report.steps.map((s) => s.name);
      expect(names.indexOf('resource manager')).toBeGreaterThan(-1);
      expect(names.indexOf('resource manager')).toBeLessThan(names.indexOf('resource monitor'));
      expect(report.resources).toMatchObject({ collectErrors: 0 });
    }
    expect(m.resources!.getResources()).toEqual([]);
    expect(m.health.names()).not.toContain('resource:main-db');
  });
});
