// Regression: `config.instrumentations` was read only by the `register` entry, so
// `startMonitoring()` in code ignored it. startMonitoring now turns the configured
// auto-instrumentations on (and off at shutdown); OTEL_SDK_DISABLED leaves them all off.
// (test/one-source.test.ts checks the http instrumentation's spans in a real process.)
import { startMonitoring } from '@otelkit/service';

const base = {
  logging: { level: 'warn', outputs: [] },
  metrics: { collectors: ['prometheus'], exporters: ['handler'] },
  tracing: { exporter: 'memory' },
  resources: { enabled: false },
  shutdown: { handleSignals: false },
} as const;

describe('instrumentations through startMonitoring', () => {
  it('turns on exactly the configured ones, and decides who makes the SERVER span', async () => {
    const m = startMonitoring({ ...base, instrumentations: ['pg', 'undici'] } as never, {
      env: {},
      file: false,
    });
    try {
      expect(m.instrumentations.names).toEqual(['pg', 'undici']);
      expect(m.config.metrics.http.serverSpans).toBe(true);
      expect(m.metrics.serverSpans).toBe(true);
    } finally {
      await m.shutdown();
    }
  });

  it('all of them by default: the http instrumentation makes the SERVER span, the middleware does not', async () => {
    const m = startMonitoring(base as never, { env: {}, file: false });
    try {
      expect(m.instrumentations.names).toEqual([
        'http',
        'undici',
        'pg',
        'ioredis',
        'amqplib',
        'express',
        'fastify',
      ]);
      expect(m.metrics.serverSpans).toBe(false);
    } finally {
      await m.shutdown();
    }
  });

  it('none with OTEL_SDK_DISABLED=true', async () => {
    const m = startMonitoring(base as never, { env: { OTEL_SDK_DISABLED: 'true' }, file: false });
    try {
      expect(m.instrumentations.names).toEqual([]);
    } finally {
      await m.shutdown();
    }
  });

  it('refuses middleware spans forced on next to the http instrumentation', () => {
    expect(() =>
      startMonitoring({ ...base, metrics: { ...base.metrics, http: { serverSpans: true } } } as never, {
        env: {},
        file: false,
      }),
    ).toThrow(
      /metrics\.http\.serverSpans: true with the http auto-instrumentation on would make two SERVER spans/,
    );
  });
});
