import { loadConfig, normalizeMetrics } from '@otelkit/config';
import { configErrorOf } from '../config-error-of';

const load = (metrics: Record<string, unknown>, rest: Record<string, unknown> = {}) =>
  loadConfig({ config: { metrics, ...rest } as never, env: {}, file: false });

const messagesOf = (fn: () => unknown): string[] =>
  configErrorOf(fn).issues.map((i) => `${i.path}: ${i.message}`);

describe('the metrics slice: one normaliser for loadConfig and createMetrics', () => {
  it('returns a slice loadConfig made as it is', () => {
    const slice = load({ interval: '15s' }).metrics;
    expect(normalizeMetrics(slice)).toBe(slice);
  });

  it('normalises the input form as loadConfig does: defaults, OTLP endpoint, skip list, SERVER spans', () => {
    const input = {
      interval: '15s',
      exporters: [{ type: 'otlp', endpoint: 'http://collector:4318' }, 'prometheus'],
    };
    const standalone = normalizeMetrics(input as never);
    // loadConfig with the http auto-instrumentation off: nothing else differs for this slice
    expect(standalone).toEqual(load(input, { instrumentations: { http: false } }).metrics);
    expect(standalone.exportIntervalMillis).toBe(15_000);
    expect(standalone.exporters[0]).toMatchObject({ endpoint: 'http://collector:4318/v1/metrics' });
    expect(standalone.http).toEqual({
      ignorePaths: ['/metrics', '/health', '/health/live', '/health/ready'],
      serverSpans: true,
    });
    expect(Object.isFrozen(standalone.http.ignorePaths)).toBe(true);
  });

  it('keeps the Prometheus path in a skip list the caller gave', () => {
    expect(normalizeMetrics({ http: { ignorePaths: ['/ping'] } }).http.ignorePaths).toEqual([
      '/ping',
      '/metrics',
    ]);
  });

  it('accepts its own normalised form written by hand, extraPaths included', () => {
    const loaded = load(
      {},
      { monitoring: { metrics: { collectors: [{ type: 'custom', path: '/custom' }] } } },
    ).metrics;
    expect(loaded.exporters[0]).toMatchObject({ extraPaths: ['/custom'] });
    expect(normalizeMetrics(JSON.parse(JSON.stringify(loaded)))).toEqual(loaded);
  });

  it.each([
    [{ interval: 0 }, 'metrics.interval: expected more than 0'],
    [{ exportTimeoutMillis: 0 }, 'metrics.exportTimeoutMillis: expected more than 0'],
    [{ views: [{ instrument: 'x', name: '9lives' }] }, 'metrics.views[0].name: expected an instrument name'],
    [
      { views: [{ instrument: 'x', buckets: [] }] },
      'metrics.views[0].buckets: expected a list of >= 1 items',
    ],
    [{ cardinalityLimt: 5 }, 'metrics.cardinalityLimt: unknown key (did you mean "cardinalityLimit"?)'],
  ])('%j: the same ConfigError text from normalizeMetrics and from loadConfig', (input, message) => {
    const standalone = messagesOf(() => normalizeMetrics(input as never));
    expect(standalone.join('\n')).toContain(message);
    expect(standalone).toEqual(messagesOf(() => load(input)));
  });
});
