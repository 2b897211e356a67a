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
