// Regression: `new ResourceMonitor({ intervall: 1, history_size: 10 })` ran silently with the
// defaults (5000 ms, 720 samples). Options written in code are as strict as the config file.
import { ResourceMonitor } from '../../src/resource-monitor';

describe('constructor options are checked like the config file', () => {
  it('names a misspelt option with a did-you-mean, and a snake_case one with its camelCase name', () => {
    expect(() => new ResourceMonitor({ intervall: 1, history_size: 10 } as never)).toThrow(
      'ResourceMonitor: unknown option "intervall" (did you mean "interval"?); option "history_size" is spelled "historySize" here; allowed: interval, intervalMillis, historySize,',
    );
  });

  it('accepts every documented option', async () => {
    const monitor = new ResourceMonitor({
      interval: 1,
      historySize: 3600,
      containerAware: false,
      maxMetrics: 10,
      hostMetricGroups: false,
      eventLoopResolutionMillis: 100,
      alertHistorySize: 10,
      enabled: false,
      shutdownTimeoutMillis: 1000,
    });
    expect(monitor.intervalMillis).toBe(1000);
    expect(monitor.historySize).toBe(3600);
    await monitor.shutdown();
  });
});
