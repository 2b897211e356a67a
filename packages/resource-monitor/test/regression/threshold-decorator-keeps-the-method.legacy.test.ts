// Regression (experimentalDecorators): `@monitor.onThresholdExceeded` on a method threw at class
// definition ("onThresholdExceeded needs a function": a legacy decorator gets the prototype).
// Now it leaves the method alone, and instances subscribe with `monitor.bindThresholdHandlers(this)`.
import { ResourceMonitor } from '../../src/resource-monitor';

describe('@monitor.onThresholdExceeded on a method (experimentalDecorators)', () => {
  it('keeps the method and calls it on each bound instance', async () => {
    const monitor = new ResourceMonitor({ interval: 60 });
    const lines: string[] = [];
    class ApplicationMonitor {
      readonly name = 'app';
      constructor() {
        monitor.bindThresholdHandlers(this);
      }
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
