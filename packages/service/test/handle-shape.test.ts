// Every package handle has the same shape: forceFlush(), shutdown() without arguments (budget
// from config, idempotent, never rejects) and stats(); and there is one shutdown budget in config.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '@otelkit/config';
import { shutdownWithin } from '@otelkit/config/internal';
import { createLogger } from '@otelkit/logging';
import { createMetrics } from '@otelkit/metrics';
import { createResourceManager, ManagedResourceMonitor, ResourceManager } from '@otelkit/resource-manager';
import { ResourceMonitor } from '@otelkit/resource-monitor';
import { startMonitoring } from '@otelkit/service';
import { createTracing } from '@otelkit/tracing';
import ts from 'typescript';

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
      for (const [name, h] of Object.entries({ ...handles, monitoring: m })) {
        const handle = h as unknown as Record<string, unknown>;
        for (const method of ['forceFlush', 'shutdown', 'stats'])
          expect([name, method, typeof handle[method]]).toEqual([name, method, 'function']);
        // no arguments: the budget comes from config
        expect([name, (handle.shutdown as () => unknown).length]).toEqual([name, 0]);
        expect([name, 'forceFlush', (handle.forceFlush as () => unknown).length]).toEqual([
          name,
          'forceFlush',
          0,
        ]);
        // the share path is on no public type, and not an own enumerable key either
        expect(Object.keys(handle).filter((k) => /within|share/i.test(k))).toEqual([]);
        await expect((handle.forceFlush as () => Promise<void>)()).resolves.toBeUndefined();
        const stats = (handle.stats as () => unknown)();
        expect([name, typeof stats]).toEqual([name, 'object']);
        expect(stats).not.toBeNull();
      }
      expect(m.monitor.stats()).toEqual(m.monitor.getCounters());
      expect(m.resources!.stats()).toEqual(m.resources!.getCounters());
      // the startMonitoring handle's stats() is every package handle's
      expect(Object.keys(m.stats()).sort()).toEqual([
        'logging',
        'metrics',
        'monitor',
        'resources',
        'tracing',
      ]);
      expect(m.stats().monitor).toEqual(m.monitor.getCounters());
    } finally {
      await m.shutdown();
    }
    // After the ordered shutdown, each handle's own shutdown() is a no-op that resolves.
    for (const h of Object.values(handles)) {
      const started = performance.now();
      await expect((h.shutdown as () => Promise<void>)()).resolves.toBeUndefined();
      await expect((h.shutdown as () => Promise<void>)()).resolves.toBeUndefined();
      expect(performance.now() - started).toBeLessThan(2000);
    }
    // ... and the ordered shutdown gave the manager, tracing, metrics and logging their share:
    // the promise it started is the one their own shutdown() returns now
    for (const [name, h] of Object.entries(handles)) {
      if (name === 'monitor') continue; // the ordered shutdown only stops the monitor
      const first = h.shutdown();
      expect([name, h.shutdown() === first]).toEqual([name, true]);
    }
  });

  it('standalone handles: shutdown() has no parameters, a second call returns the same promise, it never rejects', async () => {
    const tracing = createTracing({ exporter: 'memory' });
    const metrics = createMetrics({ exporters: [] });
    const logger = createLogger({ outputs: [{ type: 'file', path: join(dir, 'solo.log') }] }, undefined, {
      handleSignals: false,
      logUncaught: false,
    });
    const monitor = new ResourceMonitor({ intervalMillis: 60_000 });
    const managed = new ManagedResourceMonitor({ intervalMillis: 60_000 });
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    const fromSlice = createResourceManager({ interval: 60 });
    const handles = { tracing, metrics, logger, monitor, managed, manager, fromSlice };
    // Sabotage: what each shutdown waits on throws or rejects; shutdown() still resolves.
    (tracing.provider as unknown as { shutdown: () => Promise<void> }).shutdown = () =>
      Promise.reject(new Error('tracer provider exploded'));
    (metrics.provider as unknown as { shutdown: () => never }).shutdown = () => {
      throw new Error('meter provider exploded');
    };
    logger.info('a line');
    monitor.stop = () => Promise.reject(new Error('monitor stop exploded'));
    manager.closeOnShutdown(() => {
      throw new Error('a closer exploded');
    });
    for (const [name, h] of Object.entries(handles)) {
      expect([name, h.shutdown.length]).toEqual([name, 0]);
      const first = h.shutdown();
      expect([name, h.shutdown() === first]).toEqual([name, true]);
      await expect(first).resolves.toBeUndefined();
      expect(h.shutdown()).toBe(first);
    }
  });

  it("the internal share path: shutdown within startMonitoring's share, never longer than the handle's own budget", async () => {
    const tracing = createTracing({ exporter: 'memory', shutdownTimeout: '5s' });
    const metrics = createMetrics({ exporters: [], shutdownTimeout: '5s' });
    const logger = createLogger(
      { outputs: [{ type: 'file', path: join(dir, 'share.log') }], shutdownTimeout: '5s' },
      undefined,
      { handleSignals: false, logUncaught: false },
    );
    // Providers that never finish: only the budget ends the shutdown.
    const hang = () => new Promise<void>(() => {});
    (tracing.provider as unknown as { shutdown: () => Promise<void> }).shutdown = hang;
    (metrics.provider as unknown as { shutdown: () => Promise<void> }).shutdown = hang;
    for (const [name, h] of Object.entries({ tracing, metrics })) {
      const started = performance.now();
      const share = shutdownWithin(h, 200);
      await share;
      const took = performance.now() - started;
      expect([name, took < 2500]).toEqual([name, true]);
      // the same memoised shutdown: a later shutdown() does not start another with the full budget
      const again = performance.now();
      await h.shutdown();
      expect([name, performance.now() - again < 500]).toEqual([name, true]);
    }
    await shutdownWithin(logger, 200);
    await expect(logger.shutdown()).resolves.toBeUndefined();
    // A share can only shorten: a share longer than the budget gets the budget.
    const short = createTracing({ exporter: 'memory', shutdownTimeoutMillis: 150 });
    (short.provider as unknown as { shutdown: () => Promise<void> }).shutdown = hang;
    const started = performance.now();
    await shutdownWithin(short, 60_000);
    expect(performance.now() - started).toBeLessThan(2500);
    // a handle without the share path (or a throwing one) still resolves
    await expect(
      shutdownWithin({ shutdown: () => Promise.reject(new Error('x')) }, 10),
    ).resolves.toBeUndefined();
  });

  it('TypeScript rejects an argument to every handle shutdown() and forceFlush() (test/fixtures/handle-shape.types.ts)', () => {
    const fixture = join(__dirname, 'fixtures', 'handle-shape.types.ts');
    const source = readFileSync(fixture, 'utf8');
    const marked = source
      .split('\n')
      .filter((l) => /^\/\/ @ts-expect-error (shutdown|forceFlush)\(\) takes no arguments/.test(l.trim()));
    expect(marked.length).toBe(8);
    // Without the directives, each marked call is exactly one "Expected 0 arguments" error.
    const stripped = source.replace(
      /\/\/ @ts-expect-error (shutdown|forceFlush)\(\) takes no arguments/g,
      '//',
    );
    const repo = resolve(__dirname, '..', '..', '..');
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(repo, 'node_modules', '@types')],
      // the built declarations (pnpm build ran): fast, and what a user's compiler sees
      baseUrl: repo,
      paths: { '@otelkit/*': ['packages/*/dist/index.d.ts'] },
    };
    const host = ts.createCompilerHost(options);
    const read = host.readFile.bind(host);
    host.readFile = (f) => (resolve(f) === fixture ? stripped : read(f));
    const program = ts.createProgram([fixture], options, host);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && resolve(d.file.fileName) === fixture)
      .map((d) => `${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diagnostics).toEqual(Array(8).fill('2554: Expected 0 arguments, but got 1.'));
  }, 120_000);

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
