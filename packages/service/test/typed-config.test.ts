// startMonitoring / defineConfig are typed by the config's input type: a misspelt key in a config
// literal is a compile error. The `@ts-expect-error` lines are checked by `pnpm typecheck` (CI):
// if the key stopped being an error, the unused directive would fail the type check. At run time
// the same mistakes are ConfigErrors, for JavaScript callers and JSON.
import { defineConfig, loadConfig } from '@otelkit/config';
import { startMonitoring } from '@otelkit/service';

describe('typed config input', () => {
  it('rejects a misspelt section at compile time and at run time', () => {
    const start = () =>
      startMonitoring(
        // @ts-expect-error `tracng` is not a config section
        { tracng: { sampler: 0.1 } },
        { env: {}, file: false },
      );
    expect(start).toThrow(/tracng: unknown key \(did you mean "tracing"\?\)/);

    // @ts-expect-error `samplr` is not a tracing field
    const literal = defineConfig({ tracing: { samplr: 0.1 } });
    expect(() => loadConfig({ config: literal, env: {}, file: false })).toThrow(
      /tracing\.samplr: unknown key \(did you mean "sampler"\?\)/,
    );

    // next to a correct key, and deep in a list: defineConfig checks every key of the literal
    // @ts-expect-error `samplr` beside `sampler`
    const beside = defineConfig({ tracing: { sampler: 0.1, samplr: 0.2 } });
    expect(() => loadConfig({ config: beside, env: {}, file: false })).toThrow(
      /tracing\.samplr: unknown key/,
    );
    const deep = defineConfig({
      // @ts-expect-error `maxFile` is not a rotation field
      logging: { outputs: [{ type: 'file', rotation: { maxSize: '1MB', maxFile: 3 } }] },
    });
    expect(() => loadConfig({ config: deep, env: {}, file: false })).toThrow(
      /logging\.outputs\[0\]\.rotation\.maxFile: unknown key \(did you mean "maxFiles"\?\)/,
    );
  });

  // The input type is derived from the schema (`InputOf<typeof xSchema>`), so it knows each
  // field's value type and which keys a list element needs, at any depth, not only the key names.
  it('rejects a wrong value type or a missing required key at any depth, as the parser does', () => {
    const wrong = [
      // @ts-expect-error maxQueueSize is a number
      () => defineConfig({ tracing: { batch: { maxQueueSize: '10' } } }),
      // @ts-expect-error maxFiles is a number
      () => defineConfig({ logging: { outputs: [{ type: 'file', rotation: { maxFiles: 'three' } }] } }),
      // @ts-expect-error discovery is a boolean, a list or { enabled, kinds }
      () => defineConfig({ pools: { discovery: 5 } }),
      // @ts-expect-error slowMillis is a number
      () => defineConfig({ dashboard: { buffer: { slowMillis: '1s' } } }),
      // @ts-expect-error an alert rule needs its condition
      () => defineConfig({ alerts: [{ name: 'slow' }] }),
      // @ts-expect-error a webhook object needs its url
      () => defineConfig({ alerts: { webhooks: [{ timeout: '2s' }] } }),
      // @ts-expect-error a pool threshold names its resource
      () => defineConfig({ pools: { thresholds: [{ metric: 'waiting', warning: 5 }] } }),
    ];
    for (const make of wrong) expect(() => loadConfig({ config: make(), env: {}, file: false })).toThrow();

    // what the grammar allows type-checks: durations as strings, sizes with units, shorthands
    const fine = defineConfig({
      tracing: { sampler: 0.1, exporter: 'console', batch: { scheduledDelayMillis: '2s' } },
      logging: { outputs: ['stdout', { type: 'file', rotation: { maxSize: '10MB', interval: '1d' } }] },
      resources: { interval: '5s', thresholds: { cpu_usage: 80, memory_usage_bytes: { warning: '512MiB' } } },
      alerts: {
        rules: [{ name: 'cpu', condition: 'cpu_usage > 80', for: '1m' }],
        webhooks: ['http://hooks.test/'],
      },
      pools: { discovery: ['database'], reportWindow: null },
      dashboard: true,
    });
    const config = loadConfig({ config: fine, env: {}, file: false });
    expect(config.tracing.batch.scheduledDelayMillis).toBe(2000);
    expect(config.logging.outputs.map((o) => o.type)).toEqual(['console', 'file']);
  });

  it('accepts an `as const` config and frozen lists (readonly arrays at every depth)', async () => {
    const AS_CONST = {
      logging: {
        outputs: ['console', { type: 'file', rotation: { maxSize: '10MB' } }],
        redact: ['req.body.card'],
      },
      tracing: { sampler: 0.1, exporters: [{ type: 'otlp', endpoint: 'http://collector.test:4318' }] },
      alerts: [{ name: 'cpu', condition: 'cpu_usage > 80' }],
      metrics: { durationBuckets: [0.1, 1], http: { ignorePaths: Object.freeze(['/internal']) } },
      pools: { discovery: ['database'], thresholds: [{ resourceId: 'db', metric: 'waiting', warning: 5 }] },
      instrumentations: ['http', 'pg'],
    } as const;
    const monitoring = startMonitoring(AS_CONST, { env: {}, file: false });
    try {
      expect(monitoring.config.metrics.http.ignorePaths).toContain('/internal');
      expect(monitoring.config.instrumentations.enabled).toEqual(['http', 'pg']);
    } finally {
      await monitoring.shutdown();
    }
  });

  it('accepts a config kept in a const without `as const` (widened strings), checked at run time', () => {
    const MONITORING_CONFIG = {
      logging: { level: 'INFO', format: 'structured', outputs: ['console', 'file'], correlation: true },
      metrics: { collectors: ['prometheus'], interval: 10, exporters: ['handler'] },
      tracing: { enabled: true, sampler: 0.1, exporter: 'memory' },
      alerts: [{ name: 'slow', condition: 'p95(response_time) > 1', severity: 'critical' }],
    };
    const config = loadConfig({ config: MONITORING_CONFIG, env: {}, file: false });
    expect(config.logging.format).toBe('json');
    expect(config.tracing.exporters.map((e) => e.type)).toEqual(['memory']);

    const typo = { ...MONITORING_CONFIG, logging: { ...MONITORING_CONFIG.logging, format: 'jsn' } };
    expect(() => loadConfig({ config: typo, env: {}, file: false })).toThrow(/logging\.format/);
  });
});
