import { createFakeServer, type FakeServer } from '@otelkit/testing';
import { ResourceMonitor } from '../../src/resource-monitor';
import { waitFor } from '../helpers';

// Alert webhooks against the fake server of @otelkit/testing. Account: events fired =
// sent + failed + dropped once the queue is idle.

describe('alert webhooks under faults', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  async function fire(server: FakeServer, webhook: Record<string, unknown>): Promise<ResourceMonitor> {
    const monitor = new ResourceMonitor({
      interval: 60,
      webhooks: [{ url: `${server.url}/alerts`, ...webhook }],
    });
    cleanup.push(() => monitor.shutdown());
    monitor.setThreshold('error_rate', { critical: 0.1 });
    monitor.recordMetric('error_rate', 0.5);
    return monitor;
  }

  it('counts a 200 whose body never ends as sent, reading only the head of it', async () => {
    const server = await createFakeServer({ behaviour: { kind: 'endless' } });
    cleanup.push(server.close);
    // Before: the body was drained until the 20 s timeout, then the delivery counted as failed and retried.
    const monitor = await fire(server, { timeoutMillis: 20_000, maxRetries: 0 });
    await waitFor(() => monitor.getCounters().webhookSent === 1, 8000);
    const c = monitor.getCounters();
    expect(c).toMatchObject({ webhookSent: 1, webhookFailed: 0, webhookDropped: 0 });
    expect(server.bytesSent).toBeLessThan(64 * 1024 * 1024);
  }, 30_000);

  it('fails a trickling answer at its total deadline', async () => {
    const server = await createFakeServer({ behaviour: { kind: 'trickle', status: 503, everyMillis: 20 } });
    cleanup.push(server.close);
    const monitor = await fire(server, { timeoutMillis: 300, maxRetries: 1, backoffMillis: 10 });
    await waitFor(() => monitor.getCounters().webhookFailed === 1, 8000);
    expect(monitor.getCounters()).toMatchObject({ webhookSent: 0, webhookFailed: 1, webhookRetries: 1 });
  }, 30_000);

  it('waits at least a second after a 429 with Retry-After 0, -1 or garbage', async () => {
    for (const retryAfter of ['0', '-1', 'abc']) {
      const server = await createFakeServer({
        behaviour: [{ kind: 'status', status: 429, retryAfter }, { kind: 'ok' }],
      });
      cleanup.push(server.close);
      const monitor = await fire(server, { backoffMillis: 10, maxRetries: 3 });
      await waitFor(() => monitor.getCounters().webhookSent === 1, 8000);
      const [first, second] = server.requests;
      expect(server.requests).toHaveLength(2);
      // Before: the backoff was 8–12 ms whatever the server asked.
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
    }
  }, 30_000);
});
