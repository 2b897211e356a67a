// Regression (#17): misspelt keys of thresholds, alert rules and webhooks were ignored
// (uno's `alert_message` silently gave an alert without its message).
import { ResourceMonitor } from '../../src/index';

describe('threshold, rule and webhook specs are strict', () => {
  const monitor = new ResourceMonitor({ interval: 60 });
  afterAll(() => monitor.shutdown());

  it("a threshold names the unknown key; uno's alert_message points at message", () => {
    expect(() => monitor.setThreshold('x', { warning: 1, alert_message: 'high' } as never)).toThrow(
      'threshold "x": uno\'s alert_message is "message" here; allowed: warning, critical,',
    );
    expect(() =>
      monitor.setThreshold({ metric: 'pool_usage', resource_id: 'main-db', warning: 1 } as never),
    ).toThrow('option "resource_id" is spelled "resourceId" here');
    expect(() => monitor.setThreshold('x', { warnng: 1 } as never)).toThrow(
      'threshold "x": unknown option "warnng" (did you mean "warning"?)',
    );
    monitor.setThreshold({ metric: 'pool_usage', resourceId: 'main-db', warning: 0.7, message: 'high' });
    expect(monitor.getThresholds().find((t) => t.key === 'main-db/pool_usage')?.message).toBe('high');
  });

  it('an alert rule names the unknown key', () => {
    expect(() =>
      monitor.addAlertRule({ name: 'r', condition: 'x > 1', severty: 'critical' } as never),
    ).toThrow('alert rule "r": unknown option "severty" (did you mean "severity"?)');
  });

  it('a webhook names the unknown key', () => {
    expect(
      () => new ResourceMonitor({ webhooks: [{ url: 'http://127.0.0.1:9/', maxRetry: 1 } as never] }),
    ).toThrow(/unknown option "maxRetry" \(did you mean "maxRetries"\?\)/);
  });
});
