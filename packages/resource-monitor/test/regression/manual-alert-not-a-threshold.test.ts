// Regression: `monitor.alert('High error rate detected')` (the seed's manual alert) reached every
// `onThresholdExceeded` handler as `('manual', NaN, NaN)`, so the seed's own handler printed
// "manual exceeded threshold (NaN > NaN)". A manual alert has no metric, value or threshold: it
// goes to `onAlert` handlers, the logger, webhooks and the alert history, not to threshold handlers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResourceMonitor } from '../../src/resource-monitor';
import type { AlertEvent } from '../../src/types';
import { waitFor } from '../helpers';

describe('a manual alert is not a threshold crossing', () => {
  it('reaches onAlert, the logger and the alert history, but no threshold handler', async () => {
    const logged: string[] = [];
    const logger = {
      info: (_o: object, m?: string) => logged.push(`info:${m}`),
      warn: (_o: object, m?: string) => logged.push(`warn:${m}`),
      error: (_o: object, m?: string) => logged.push(`error:${m}`),
    };
    const monitor = new ResourceMonitor({ interval: 60, logger });
    const thresholdCalls: unknown[][] = [];
    monitor.onThresholdExceeded((...args) => {
      thresholdCalls.push(args.slice(0, 3));
    });
    const events: AlertEvent[] = [];
    monitor.onAlert((e) => {
      events.push(e);
    });

    monitor.alert('High error rate detected');
    monitor.alert('deploy done', 'info', { name: 'deploy' });
    await monitor.flushAlerts();

    expect(thresholdCalls).toEqual([]);
    expect(events.map((e) => [e.source, e.alert, e.level, e.message])).toEqual([
      ['manual', 'manual', 'warning', 'High error rate detected'],
      ['manual', 'deploy', 'info', 'deploy done'],
    ]);
    expect(logged).toEqual(['warn:High error rate detected', 'info:deploy done']);
    expect(monitor.getAlertHistory().map((e) => e.message)).toEqual([
      'High error rate detected',
      'deploy done',
    ]);
    await monitor.shutdown();
  });

  it('still gives threshold handlers the real threshold crossings, with their values', async () => {
    const monitor = new ResourceMonitor({ interval: 60 });
    const calls: Array<[string, number, number]> = [];
    monitor.onThresholdExceeded((metric, value, threshold) => {
      calls.push([metric, value, threshold]);
    });
    monitor.setThreshold('error_count', 100);
    monitor.alert('High error rate detected');
    monitor.recordMetric('error_count', 101);
    await monitor.flushAlerts();
    expect(calls).toEqual([['error_count', 101, 100]]);
    await monitor.shutdown();
  });

  it('is still delivered to webhooks', async () => {
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        bodies.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const monitor = new ResourceMonitor({
      interval: 60,
      webhooks: [{ url: `http://127.0.0.1:${port}/hook` }],
    });
    try {
      monitor.alert('High error rate detected');
      await waitFor(() => bodies.length === 1, 5000);
      expect(bodies[0]).toContain('High error rate detected');
    } finally {
      await monitor.shutdown();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('does not occupy the handler queue of threshold handlers (no drop is counted for them)', async () => {
    const monitor = new ResourceMonitor({
      interval: 60,
      maxConcurrentHandlers: 1,
      maxPendingHandlerCalls: 1,
    });
    monitor.onThresholdExceeded(() => new Promise<void>(() => {}));
    for (let i = 0; i < 5; i++) monitor.alert(`a${i}`);
    expect(monitor.getCounters().handlerCallsDropped).toBe(0);
    await monitor.shutdown();
  });
});
