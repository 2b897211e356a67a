// Regressions for values that the config and a package each decided on their own and that had
// drifted apart (issue: one source of truth per config slice). Each test goes from loadConfig to
// the running package object, so it fails when the two disagree again.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LOG_LEVEL_ALLOWED, LOG_LEVELS, loadConfig, toLogLevel } from '@otelkit/config';
import { createLogger } from '@otelkit/logging';
import { createMetrics } from '@otelkit/metrics';

const load = (config: Record<string, unknown>, env: Record<string, string> = {}) =>
  loadConfig({ config: config as never, env, file: false });

function readLines(file: string): Array<Record<string, unknown>> {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('log levels: one table for the config and setLevel()', () => {
  const spellings = [
    'trace',
    'DEBUG',
    'Info',
    'warn',
    'warning',
    'error',
    'err',
    'fatal',
    'critical',
    'silent',
    'off',
    'none',
  ];

  it.each(spellings)('"%s" loads, and the level it loads to can be set again at run time', (spelling) => {
    const config = load({ logging: { level: spelling, outputs: [] } });
    expect(LOG_LEVELS).toContain(config.logging.level);
    const logger = createLogger(config.logging, undefined, { handleSignals: false, logUncaught: false });
    expect(logger.level).toBe(config.logging.level);
    logger.setLevel('info');
    expect(() => logger.setLevel(spelling)).not.toThrow();
    expect(logger.level).toBe(config.logging.level);
    expect(toLogLevel(spelling)).toBe(config.logging.level);
  });

  it('rejects the same unknown level in both places, naming what is allowed', () => {
    expect(() => load({ logging: { level: 'loud' } })).toThrow(LOG_LEVEL_ALLOWED);
    const logger = createLogger(load({ logging: { outputs: [] } }).logging, undefined, {
      handleSignals: false,
    });
    expect(() => logger.setLevel('loud')).toThrow(`setLevel(level) is "loud"; allowed: ${LOG_LEVEL_ALLOWED}`);
  });
});

describe('redaction: the slice is the whole list', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-drift-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function logWith(redact: unknown): Promise<Record<string, unknown>> {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.log`);
    const config = load({ logging: { outputs: [{ type: 'file', path: file }], redact } });
    const logger = createLogger(config.logging, undefined, { handleSignals: false, logUncaught: false });
    logger.info(
      { password: 'p-1', user: { token: 't-1' }, a: { b: 'ab-1' }, headers: { authorization: 'h-1' } },
      'x',
    );
    await logger.shutdown();
    return readLines(file)[0] as Record<string, unknown>;
  }

  it('replaceDefaults: true redacts only the paths given (password and token are kept)', async () => {
    const line = await logWith({ paths: ['a.b'], replaceDefaults: true });
    expect(line.a).toEqual({ b: '[REDACTED]' });
    expect(line.password).toBe('p-1');
    expect(line.user).toEqual({ token: 't-1' });
    expect(line.headers).toEqual({ authorization: 'h-1' });
  });

  it('by default the secret keys are redacted at any depth, and added paths on top', async () => {
    const line = await logWith(['a.b']);
    expect(line.a).toEqual({ b: '[REDACTED]' });
    expect(line.password).toBe('[REDACTED]');
    expect(line.user).toEqual({ token: '[REDACTED]' });
    expect(line.headers).toEqual({ authorization: '[REDACTED]' });
  });
});

describe('OTEL_SDK_DISABLED is resolved into every slice by loadConfig', () => {
  it('turns tracing, metrics, resources and auto-instrumentation off and drops OTLP log outputs', () => {
    const input = {
      logging: { outputs: ['console', { type: 'otlp' }] },
      tracing: { enabled: true },
      metrics: { enabled: true },
      resources: { enabled: true },
      instrumentations: ['http', 'pg'],
    };
    const on = load(input);
    expect([on.tracing.enabled, on.metrics.enabled, on.resources.enabled]).toEqual([true, true, true]);
    expect(on.instrumentations.enabled).toEqual(['http', 'pg']);
    expect(on.logging.outputs.map((o) => o.type)).toEqual(['console', 'otlp']);

    const off = load(input, { OTEL_SDK_DISABLED: 'true' });
    expect(off.enabled).toBe(false);
    expect([off.tracing.enabled, off.metrics.enabled, off.resources.enabled]).toEqual([false, false, false]);
    expect(off.instrumentations.enabled).toEqual([]);
    expect(off.logging.outputs.map((o) => o.type)).toEqual(['console']);
    expect(off.logging.enabled).toBe(true);
  });
});

describe('metrics.http.ignorePaths: derived once, in the config', () => {
  it('keeps the Prometheus path next to a list the user gave, and the metrics handle uses the slice as is', async () => {
    const config = load({
      metrics: {
        exporters: [{ type: 'prometheus', mode: 'handler', path: '/internal/metrics' }],
        http: { ignorePaths: ['/healthz'] },
      },
    });
    expect(config.metrics.http.ignorePaths).toEqual(['/healthz', '/internal/metrics']);
    const metrics = createMetrics(config.metrics);
    try {
      expect(metrics.ignorePaths).toEqual(config.metrics.http.ignorePaths);
    } finally {
      await metrics.shutdown();
    }
  });
});

describe('a config loadConfig returned, given again (startMonitoring(loadConfig(...)))', () => {
  it('is taken as it is: same object, env not applied twice; its canonical form is not re-parsed', () => {
    const loaded = load(
      { service: { name: 'typed' }, logging: { outputs: ['console'] } },
      { OTEL_SERVICE_NAME: 'env' },
    );
    expect(loaded.service.name).toBe('env');
    // before: "instrumentations.enabled: unknown key" — the canonical form is not input syntax
    const again = loadConfig({ config: loaded, env: { OTEL_SERVICE_NAME: 'other' }, file: false });
    expect(again).toBe(loaded);
    expect(again.service.name).toBe('env');
  });

  it('a look-alike plain object is still validated as input, and overrides on a loaded config are refused', () => {
    const loaded = load({ service: { name: 'typed' } });
    expect(() => loadConfig({ config: JSON.parse(JSON.stringify(loaded)), env: {}, file: false })).toThrow(
      /instrumentations\.enabled: unknown key/,
    );
    expect(() => loadConfig({ config: loaded, overrides: { service: { name: 'x' } } })).toThrow(
      /`overrides` cannot be applied to a config loadConfig already returned/,
    );
  });
});

describe("an Elasticsearch output on several nodes (the seed's hosts list)", () => {
  it('nodes: [a, b] → node a (shipping starts there) and nodes [a, b]; node and nodes together are refused', () => {
    const c = load({
      logging: { outputs: [{ type: 'elasticsearch', nodes: ['http://a:9200', 'http://b:9200'] }] },
    });
    expect(c.logging.outputs[0]).toMatchObject({
      node: 'http://a:9200',
      nodes: ['http://a:9200', 'http://b:9200'],
    });
    const one = load({ logging: { outputs: [{ type: 'elasticsearch', nodes: ['http://a:9200'] }] } });
    expect(one.logging.outputs[0]).toMatchObject({ node: 'http://a:9200' });
    expect(one.logging.outputs[0]).not.toHaveProperty('nodes');
    expect(() =>
      load({
        logging: { outputs: [{ type: 'elasticsearch', node: 'http://a:9200', nodes: ['http://b:9200'] }] },
      }),
    ).toThrow(/logging\.outputs\[0\]\.nodes: give either node or nodes, not both/);
    expect(() => load({ logging: { outputs: [{ type: 'elasticsearch', nodes: ['ftp://x'] }] } })).toThrow(
      /logging\.outputs\[0\]\.nodes\[0\]/,
    );
  });
});
