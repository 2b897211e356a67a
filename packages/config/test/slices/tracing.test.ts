import { loadConfig, normalizeTracing } from '@otelkit/config';
import { configErrorOf } from '../config-error-of';

const load = (tracing: Record<string, unknown>) =>
  loadConfig({ config: { tracing } as never, env: {}, file: false });

const messagesOf = (fn: () => unknown): string[] =>
  configErrorOf(fn).issues.map((i) => `${i.path}: ${i.message}`);

describe('the tracing slice: one normaliser for loadConfig and createTracing', () => {
  it('returns a slice loadConfig made as it is (no second parse, same object)', () => {
    const slice = load({ sampler: 0.25 }).tracing;
    expect(normalizeTracing(slice)).toBe(slice);
  });

  it('normalises the input form exactly as loadConfig does, defaults and OTLP endpoint included', () => {
    const input = {
      sampler: 0.1,
      exporter: { type: 'otlp', endpoint: 'http://collector:4318' },
      batch: { maxQueueSize: 1000 },
    };
    const standalone = normalizeTracing(input as never);
    expect(standalone).toEqual(load(input).tracing);
    expect(standalone.exporters[0]).toMatchObject({
      endpoint: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
    });
    expect(standalone.batch).toEqual({
      maxQueueSize: 1000,
      maxExportBatchSize: 512,
      scheduledDelayMillis: 5000,
      exportTimeoutMillis: 30_000,
    });
    expect(Object.isFrozen(standalone) && Object.isFrozen(standalone.exporters[0])).toBe(true);
  });

  it('accepts its own normalised form written by hand (what package tests and standalone users pass)', () => {
    const loaded = load({
      sampler: 'always_on',
      exporters: ['console', { type: 'memory', maxSpans: 5 }],
    }).tracing;
    const copy = JSON.parse(JSON.stringify(loaded));
    const again = normalizeTracing(copy);
    expect(again).not.toBe(loaded);
    expect(again).toEqual(loaded);
  });

  it.each([
    [{ batch: { maxQueueSize: 0 } }, 'tracing.batch.maxQueueSize: expected a number > 0, got 0'],
    [
      { shutdownTimeoutMillis: 0 },
      'tracing.shutdownTimeoutMillis: the shutdown budget must be more than 0, got 0',
    ],
    [{ exporters: ['memory', 'memory'] }, 'tracing.exporters: expected at most one memory exporter'],
    [
      { propagators: ['xray'] },
      'tracing.propagators[0]: expected one of tracecontext|baggage|b3|b3multi|jaeger',
    ],
    [{ samplr: 0.1 }, 'tracing.samplr: unknown key (did you mean "sampler"?)'],
    [
      { exporter: { type: 'otlp', endpoint: 'http://169.254.169.254/v1/traces' } },
      'tracing.exporters[0].endpoint: http://169.254.169.254/v1/traces is',
    ],
  ])('%j: the same ConfigError text from normalizeTracing and from loadConfig', (input, message) => {
    const standalone = messagesOf(() => normalizeTracing(input as never));
    expect(standalone.join('\n')).toContain(message);
    expect(standalone).toEqual(messagesOf(() => load(input)));
  });

  it('the batch sizes are checked against each other after defaults are merged', () => {
    expect(messagesOf(() => normalizeTracing({ batch: { maxQueueSize: 100 } }))).toEqual([
      'tracing.batch.maxExportBatchSize: expected at most batch.maxQueueSize (100), got 512',
    ]);
  });
});
