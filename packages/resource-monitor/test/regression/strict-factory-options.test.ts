// Regression (#17): typos in createResourceMonitor's options and the monitor's `health` options were ignored.
import { loadConfig } from '@otelkit/config';
import { createResourceMonitor, ResourceMonitor } from '../../src/index';

describe('strict keys: createResourceMonitor and monitor health options', () => {
  it('createResourceMonitor rejects an unknown option', async () => {
    const config = loadConfig({ config: { resources: { interval: 60 } }, env: {}, file: false });
    expect(() => createResourceMonitor(config, { meterprovider: undefined } as never)).toThrow(
      'createResourceMonitor: options: unknown option "meterprovider" (did you mean "meterProvider"?); allowed: meterProvider, meter, logger, monitor',
    );
    expect(() => createResourceMonitor(config, { monitor: { maxMetric: 3 } } as never)).toThrow(
      'ResourceMonitor: unknown option "maxMetric" (did you mean "maxMetrics"?)',
    );
    const monitor = createResourceMonitor(config, {});
    await monitor.shutdown();
  });

  it('ResourceMonitor checks options.health at construction, not at first use', async () => {
    expect(() => new ResourceMonitor({ health: { maxMemoryPercnt: 90 } } as never)).toThrow(
      'ResourceMonitor: options.health: unknown option "maxMemoryPercnt" (did you mean "maxMemoryPercent"?); allowed: checkTimeoutMillis, cacheMillis, path, livenessPath, readinessPath, maxEventLoopDelayMillis, maxMemoryPercent',
    );
    const monitor = new ResourceMonitor({ interval: 60, health: { maxMemoryPercent: 99, cacheMillis: 0 } });
    expect(monitor.health.cacheMillis).toBe(0);
    expect(monitor.health.names()).toEqual(['event_loop', 'memory', 'alerts']);
    await monitor.shutdown();
  });
});
