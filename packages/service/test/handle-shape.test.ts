// Every package handle has the same shape: forceFlush(), shutdown() without arguments (budget
// from config, idempotent, never rejects) and stats(); and there is one shutdown budget in config.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@otelkit/config';
import { startMonitoring } from '@otelkit/service';

jest.setTimeout(30_000);

describe('one handle shape', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'otelkit-handles-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('tracing, metrics, logger, monitor and resource manager: forceFlush(), shutdown(), stats()', async () => {
    const m = startMonitoring(
      {
        service: { name: 'handles' },
        logging: { level: 'warn', outputs: [{ type: 'file', path: join(dir, 'app.log') }] },
        metrics: { collectors: ['prometheus'], exporters: ['handler'] },
        tracing: { exporter: 'memory' },
        resources: { interval: 60 },
        pools: { interval: 60, kinds: ['custom'] },
        shutdown: { timeout: '2s', handleSignals: false },
      } as never,
      { env: {}, file: false },
    );
    const handles = {
      tracing: m.tracing,
      metrics: m.metrics,
      logger: m.logger,
      monitor: m.monitor,
      resources: m.resources!,
    };
    try {
      for (const [name, h] of Object.entries(handles)) {
        const handle = h as unknown as Record<string, unknown>;
        for (const method of ['forceFlush', 'shutdown', 'stats'])
          expect([name, method, typeof handle[method]]).toEqual([name, method, 'function']);
        await expect((handle.forceFlush as () => Promise<void>)()).resolves.toBeUndefined();
        const stats = (handle.stats as () => unknown)();
        expect([name, typeof stats]).toEqual([name, 'object']);
        expect(stats).not.toBeNull();
      }
      expect(m.monitor.stats()).toEqual(m.monitor.getCounters());
      expect(m.resources!.stats()).toEqual(m.resources!.getCounters());
    } finally {
      await m.shutdown();
    }
    // After the ordered shutdown, each handle's own shutdown() is a no-op that resolves.
    for (const h of Object.values(handles)) {
      const started = Date.now();
      await expect((h.shutdown as () => Promise<void>)()).resolves.toBeUndefined();
      await expect((h.shutdown as () => Promise<void>)()).resolves.toBeUndefined();
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });

  it('the shutdown budget is set once: tracing and metrics take shutdown.timeout unless given their own', () => {
    const one = loadConfig({ env: {}, file: false, config: { shutdown: { timeout: '2s' } } });
    expect([one.tracing.shutdownTimeoutMillis, one.metrics.shutdownTimeoutMillis]).toEqual([2000, 2000]);
    const own = loadConfig({
      env: {},
      file: false,
      config: { shutdown: { timeout: '2s' }, tracing: { shutdownTimeout: 1 } },
    });
    expect([own.tracing.shutdownTimeoutMillis, own.metrics.shutdownTimeoutMillis]).toEqual([1000, 2000]);
  });
});
