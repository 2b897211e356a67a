// The logging budget and the health options are fields of their slices (issue 12 point 5 and 2):
// one normaliser for loadConfig, createLogger and new HealthRegistry(), one error text.
import { loadConfig, normalizeHealth, normalizeLogging } from '@otelkit/config';
import { configErrorOf } from '../config-error-of';

const load = (config: Record<string, unknown>) =>
  loadConfig({ config: config as never, env: {}, file: false });

const messagesOf = (fn: () => unknown): string[] =>
  configErrorOf(fn).issues.map((i) => `${i.path}: ${i.message}`);

describe('logging.shutdownTimeoutMillis: the one budget unless logging gives its own', () => {
  it('takes shutdown.timeout, like tracing and metrics', () => {
    const c = load({ shutdown: { timeout: '2s' } });
    expect([
      c.logging.shutdownTimeoutMillis,
      c.tracing.shutdownTimeoutMillis,
      c.metrics.shutdownTimeoutMillis,
    ]).toEqual([2000, 2000, 2000]);
    expect(load({}).logging.shutdownTimeoutMillis).toBe(5000);
  });

  it('logging.shutdownTimeout (seconds or with its unit) / shutdownTimeoutMillis win over it', () => {
    expect(
      load({ shutdown: { timeout: '2s' }, logging: { shutdownTimeout: 1 } }).logging.shutdownTimeoutMillis,
    ).toBe(1000);
    expect(normalizeLogging({ shutdownTimeout: '750ms' }).shutdownTimeoutMillis).toBe(750);
    expect(normalizeLogging({ shutdownTimeoutMillis: 300 }).shutdownTimeoutMillis).toBe(300);
    // standalone, without the rest of the config: the default of shutdown.timeout
    expect(normalizeLogging({}).shutdownTimeoutMillis).toBe(5000);
  });

  it.each([
    [
      { shutdownTimeoutMillis: 0 },
      'logging.shutdownTimeoutMillis: the shutdown budget must be more than 0, got 0',
    ],
    [{ shutdownTimeout: 0 }, 'logging.shutdownTimeout: the shutdown budget must be more than 0, got 0'],
    [{ shutdownTimeout: 1, shutdownTimeoutMillis: 1000 }, 'logging.shutdownTimeout'],
  ])('refuses %j naming the field', (logging, message) => {
    const standalone = messagesOf(() => normalizeLogging(logging as never));
    expect(standalone.some((m) => m.startsWith(message))).toBe(true);
    expect(messagesOf(() => load({ logging }))).toEqual(standalone);
  });
});

describe('the health slice: normalizeHealth, used by new HealthRegistry() and the monitor', () => {
  it('returns a slice loadConfig made as it is, and the same values for the input form', () => {
    const slice = load({ health: { checkTimeout: '500ms', cacheMillis: 0 } }).health;
    expect(normalizeHealth(slice)).toBe(slice);
    const standalone = normalizeHealth({ checkTimeout: '500ms', cacheMillis: 0 });
    expect(standalone).toEqual(slice);
    expect(standalone).toMatchObject({ checkTimeoutMillis: 500, cacheMillis: 0, path: '/health' });
    expect(Object.isFrozen(standalone)).toBe(true);
  });

  it.each([
    [{ checkTimeoutMillis: 0 }, 'health.checkTimeoutMillis: expected more than 0, got 0'],
    [{ checkTimeout: 0 }, 'health.checkTimeout: expected more than 0, got 0'],
    [{ livenessPath: 'live' }, 'health.livenessPath: expected a string starting with "/", got "live"'],
    [{ cacheMilis: 5 }, 'health.cacheMilis: unknown key (did you mean "cacheMillis"?)'],
  ])('refuses %j with the ConfigError loadConfig gives', (health, message) => {
    const standalone = messagesOf(() => normalizeHealth(health as never));
    expect(standalone.some((m) => m.startsWith(message))).toBe(true);
    expect(messagesOf(() => load({ health }))).toEqual(standalone);
  });
});
