// Regression: `@monitor.onThresholdExceeded` on a method (the seed writes the decorator form,
// `@monitor.on_threshold_exceeded`) subscribed the bare method, called without its instance, and
// replaced the method with the unsubscribe function. Now the method stays the method and is
// called on each constructed instance (TC39 standard decorators; see the .legacy variant).
import { ResourceMonitor } from '../../src/resource-monitor';

describe('@monitor.onThresholdExceeded on a method (TC39 standard decorators)', () => {
  it('keeps the method and calls it with this = the instance', async () => {
    const monitor = new ResourceMonitor({ interval: 60 });
    const lines: string[] = [];
    class ApplicationMonitor {
      readonly name = 'app';
      @monitor.onThresholdExceeded
      async handleAlert(metric: string, value: number, threshold: number): Promise<string> {
        const line = `${this.name}: ${metric} exceeded threshold (${value} > ${threshold})`;
        lines.push(line);
        return line;
      }
    }
    const app = new ApplicationMonitor();
    await expect(app.handleAlert('x', 2, 1)).resolves.toBe('app: x exceeded threshold (2 > 1)');
    lines.length = 0;

    monitor.setThreshold('cpu_usage_app', 80);
    monitor.recordMetric('cpu_usage_app', 95);
    await monitor.flushAlerts();
    expect(lines).toEqual(['app: cpu_usage_app exceeded threshold (95 > 80)']);
    expect(monitor.getCounters().handlerErrors).toBe(0);
    await monitor.shutdown();
  });
});
