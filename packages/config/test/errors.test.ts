import { ConfigErrorCode, loadConfig } from '@otelkit/config';
import { configErrorOf } from './config-error-of';

describe('ConfigError', () => {
  it('names all five paths of a config with five different mistakes, in one error', () => {
    const err = configErrorOf(() =>
      loadConfig({
        env: {},
        config: {
          tracing: { sampler: 1.5 as never },
          logging: { level: 'loud' },
          metrics: { interval: 'often' },
          health: { path: 'health' },
          alerts: [{ name: 'x', condition: 'latency >' }],
        },
      }),
    );
    expect(err.code).toBe(ConfigErrorCode.INVALID);
    expect(err.issues.map((i) => i.path).sort()).toEqual(
      ['alerts[0].condition', 'health.path', 'logging.level', 'metrics.interval', 'tracing.sampler'].sort(),
    );
    expect(err.message).toContain('5 problems');
  });

  it('says what was given and what is allowed', () => {
    const err = configErrorOf(() => loadConfig({ env: {}, config: { tracing: { sampler: 1.5 as never } } }));
    expect(err.issues[0]!.message).toBe(
      'expected a ratio between 0 and 1 or one of always_on|always_off|traceidratio|parentbased_always_on|parentbased_always_off|parentbased_traceidratio (or { type, ratio }), got 1.5',
    );
    expect(err.message).toContain('tracing.sampler: expected a ratio between 0 and 1');
  });

  it('rejects unknown keys with a "did you mean"', () => {
    const err = configErrorOf(() =>
      loadConfig({ env: {}, config: { tracing: { samplr: 0.1 }, loging: {} } as never }),
    );
    const byPath = Object.fromEntries(err.issues.map((i) => [i.path, i]));
    expect(byPath['tracing.samplr']!.suggestion).toBe('sampler');
    expect(byPath['tracing.samplr']!.message).toMatch(
      /^unknown key \(did you mean "sampler"\?\); allowed: enabled, sampler/,
    );
    expect(byPath.loging!.suggestion).toBe('logging');
  });

  it('suggests the closest exporter name', () => {
    const err = configErrorOf(() =>
      loadConfig({ env: {}, config: { tracing: { exporter: 'jeager' as never } } }),
    );
    expect(err.issues[0]).toMatchObject({ path: 'tracing.exporter' });
    expect(err.issues[0]!.message).toContain('(did you mean "jaeger"?)');
    expect(err.issues[0]!.message).toContain('got "jeager"');
  });

  it('reports problems inside list items and nested objects with their index', () => {
    const err = configErrorOf(() =>
      loadConfig({
        env: {},
        config: {
          logging: {
            outputs: ['console', { type: 'file', rotation: { maxFiles: 0 } }, { type: 'kafka' } as never],
          },
          tracing: {
            exporters: [{ type: 'otlp', endpoint: 'ftp://collector', protocol: 'thrift' as never }],
          },
        },
      }),
    );
    const paths = err.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'logging.outputs[1].rotation.maxFiles',
        'logging.outputs[2].type',
        'tracing.exporters[0].endpoint',
        'tracing.exporters[0].protocol',
      ]),
    );
    const endpoint = err.issues.find((i) => i.path === 'tracing.exporters[0].endpoint')!;
    expect(endpoint.message).toBe(
      'expected an http(s) URL such as "http://localhost:4318", got "ftp://collector"',
    );
  });

  it('asks for something to rotate on', () => {
    const err = configErrorOf(() =>
      loadConfig({ env: {}, config: { logging: { outputs: [{ type: 'file', rotation: {} }] } } }),
    );
    expect(err.issues).toEqual([
      {
        path: 'logging.outputs[0].rotation',
        message: 'expected maxSize and/or interval to rotate on, got {}',
        source: 'code',
      },
    ]);
  });

  it('requires exporter endpoints to be http(s) URLs everywhere', () => {
    const err = configErrorOf(() =>
      loadConfig({
        env: {},
        config: {
          metrics: { exporters: [{ type: 'otlp', endpoint: 'not a url' }] },
          logging: { outputs: [{ type: 'elasticsearch', node: 'file:///etc/passwd' }] },
          alerts: { webhooks: ['javascript:alert(1)'] },
        },
      }),
    );
    expect(err.issues.map((i) => i.path).sort()).toEqual(
      ['alerts.webhooks[0].url', 'logging.outputs[0].node', 'metrics.exporters[0].endpoint'].sort(),
    );
  });

  it('rejects contradictory and out-of-range values', () => {
    const err = configErrorOf(() =>
      loadConfig({
        env: {},
        config: {
          tracing: {
            exporter: 'console',
            exporters: ['otlp'],
            batch: { maxQueueSize: 10, maxExportBatchSize: 100 },
          },
          metrics: { interval: 10, exportIntervalMillis: 1000, exporters: ['http'] },
          resources: {
            historySize: -1,
            thresholds: { cpu: { warning: 90, critical: 80 }, mem: {} },
          },
          alerts: [
            { name: 'a', condition: 'x > 1' },
            { name: 'a', condition: 'y > 1' },
          ],
        },
      }),
    );
    const paths = err.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'tracing.exporter',
        'tracing.batch.maxExportBatchSize',
        'metrics.interval',
        'metrics.exporters[0]',
        'resources.historySize',
        'resources.thresholds.cpu.warning',
        'resources.thresholds.mem',
        'alerts[1].name',
      ]),
    );
    expect(err.issues.find((i) => i.path === 'metrics.exporters[0]')!.message).toContain('is a transport');
  });

  it('explains a bad alert condition with the column where it went wrong', () => {
    const err = configErrorOf(() =>
      loadConfig({ env: {}, config: { alerts: [{ name: 'a', condition: 'p97(latency) > 1' }] } }),
    );
    expect(err.issues[0]!.message).toBe(
      'invalid alert condition "p97(latency) > 1" at column 1: unknown aggregation "p97" (allowed: last, avg, min, max, p50, p95, p99, rate)',
    );
  });

  it('is an Error with a stable code and frozen issues', () => {
    const err = configErrorOf(() => loadConfig({ env: {}, config: { enabled: 'yes' as never } }));
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ConfigError');
    expect(Object.isFrozen(err.issues)).toBe(true);
    expect(err.issues[0]).toEqual({
      path: 'enabled',
      message: 'expected true or false, got "yes"',
      source: 'code',
    });
  });

  it('reports a required field that is missing', () => {
    const err = configErrorOf(() => loadConfig({ env: {}, config: { alerts: [{ name: 'a' } as never] } }));
    expect(err.issues[0]).toMatchObject({
      path: 'alerts[0].condition',
      message: 'required: expected a string',
    });
  });
});
