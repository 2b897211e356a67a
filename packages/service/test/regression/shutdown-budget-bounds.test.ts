import { loadConfig } from '@otelkit/config';
import { startMonitoring } from '@otelkit/service';

// Issue 14 item 7: `shutdown.timeout: '11m'` (or a bare 3000, read as seconds) passed loadConfig —
// any duration a timer can hold does — and then startMonitoring threw a plain Error from the
// resource monitor (`shutdownTimeoutMillis must be an integer from 1 to 600000`). What the config
// accepts, startup accepts.

describe('the shutdown budget the config accepts', () => {
  it('starts the monitor and the resource manager with it, and shuts down', async () => {
    const input = {
      service: { name: 'budget-bounds' },
      logging: { level: 'warn', outputs: [] },
      tracing: { exporter: 'memory' },
      metrics: { exporters: [] },
      resources: { interval: 60 },
      pools: { interval: 60, kinds: ['custom'] },
      shutdown: { timeout: '11m', handleSignals: false },
    } as never;
    expect(loadConfig({ config: input, env: {}, file: false }).shutdown.timeoutMillis).toBe(660_000);
    const m = startMonitoring(input, { env: {}, file: false });
    const report = await m.shutdown();
    expect(report.ok).toBe(true);
    expect(report.budgetMillis).toBe(660_000);
  }, 30_000);
});
