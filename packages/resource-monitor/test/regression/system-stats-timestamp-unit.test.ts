// Regression (#17): SystemStats.timestamp was epoch milliseconds under mtaio's name, whose value
// is seconds. The field is now `timestampMillis`.
import { ResourceMonitor } from '../../src/index';

describe('SystemStats timestamp unit', () => {
  it('is timestampMillis, epoch milliseconds; no bare timestamp', async () => {
    const monitor = new ResourceMonitor({ interval: 60, hostMetricGroups: false });
    const before = Date.now();
    const stats = await monitor.getCurrentStats();
    expect(stats.timestampMillis).toBeGreaterThanOrEqual(before - 1000);
    expect(stats.timestampMillis).toBeLessThanOrEqual(Date.now() + 1);
    expect(stats).not.toHaveProperty('timestamp');
    // mtaio's seconds
    expect(Math.abs(stats.timestampMillis / 1000 - Date.now() / 1000)).toBeLessThan(5);
    await monitor.shutdown();
  });
});
