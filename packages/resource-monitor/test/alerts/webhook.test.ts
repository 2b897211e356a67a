import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResourceMonitor } from '../../src/resource-monitor';
import { sleep, waitFor } from '../helpers';

interface Receiver {
  url: string;
  requests: Array<{ method: string; headers: http.IncomingHttpHeaders; body: string }>;
  close(): Promise<void>;
}

async function receiver(respond: (n: number, res: http.ServerResponse) => void): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', headers: req.headers, body });
      respond(requests.length, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}/alerts`;
}

describe('webhook routing', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  it('POSTs each alert event as JSON with the configured headers', async () => {
    const r = await receiver((_, res) => res.end('ok'));
    cleanup.push(r.close);
    const monitor = new ResourceMonitor({
      interval: 60,
      webhooks: [{ url: r.url, headers: { authorization: 'Bearer t' } }],
    });
    cleanup.push(() => monitor.shutdown());
    monitor.setThreshold('error_rate', { critical: 0.1, labels: { service: 'api' } });
    monitor.recordMetric('error_rate', 0.5);
    await monitor.forceFlush();
    expect(r.requests).toHaveLength(1);
    const req = r.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBe('Bearer t');
    expect(JSON.parse(req.body)).toMatchObject({
      alert: 'error_rate',
      state: 'firing',
      level: 'critical',
      value: 0.5,
      threshold: 0.1,
      labels: { service: 'api' },
    });
    expect(monitor.getCounters().webhookSent).toBe(1);
  });

  it('receiver down: retries are bounded and sampling is unaffected', async () => {
    const url = await closedPortUrl();
    const monitor = new ResourceMonitor({
      intervalMillis: 20,
      webhooks: [{ url, maxRetries: 2, backoffMillis: 20 }],
    });
    cleanup.push(() => monitor.shutdown());
    await monitor.start();
    monitor.alert('first');
    await waitFor(() => monitor.getCounters().webhookFailed === 1, 10_000);
    const c = monitor.getCounters();
    expect(c.webhookRetries).toBe(2);
    expect(c.webhookSent).toBe(0);
    const samples = c.samples;
    await waitFor(() => monitor.getCounters().samples >= samples + 5, 10_000);
  });

  it('slow receiver: each attempt times out, attempts are bounded, and sampling keeps its pace', async () => {
    const r = await receiver(() => {
      /* never answers */
    });
    cleanup.push(r.close);
    const monitor = new ResourceMonitor({
      intervalMillis: 25,
      webhooks: [{ url: r.url, timeoutMillis: 150, maxRetries: 1, backoffMillis: 10 }],
    });
    cleanup.push(() => monitor.shutdown());
    await monitor.start();
    await sleep(100);
    const before = monitor.getCounters().samples;
    monitor.alert('slow one');
    await waitFor(() => monitor.getCounters().webhookFailed === 1, 10_000);
    const during = monitor.getCounters().samples - before;
    // ~300 ms of hanging requests: sampling went on (generous bound for a busy machine)
    expect(during).toBeGreaterThanOrEqual(3);
    expect(r.requests).toHaveLength(2); // first attempt + 1 retry, no more
    await sleep(300);
    expect(r.requests).toHaveLength(2);
  });

  it('retries 5xx with backoff and then succeeds', async () => {
    const r = await receiver((n, res) => {
      res.statusCode = n < 3 ? 503 : 200;
      res.end();
    });
    cleanup.push(r.close);
    const monitor = new ResourceMonitor({
      interval: 60,
      webhooks: [{ url: r.url, maxRetries: 3, backoffMillis: 10 }],
    });
    cleanup.push(() => monitor.shutdown());
    monitor.alert('x');
    await monitor.flushAlerts();
    expect(r.requests).toHaveLength(3);
    expect(monitor.getCounters()).toMatchObject({ webhookSent: 1, webhookRetries: 2, webhookFailed: 0 });
  });

  it('never follows redirects and does not retry 4xx', async () => {
    const target = await receiver((_, res) => res.end());
    cleanup.push(target.close);
    const redirecting = await receiver((n, res) => {
      res.statusCode = n === 1 ? 307 : 400;
      res.setHeader('location', target.url);
      res.end();
    });
    cleanup.push(redirecting.close);
    const monitor = new ResourceMonitor({
      interval: 60,
      webhooks: [{ url: redirecting.url, maxRetries: 3, backoffMillis: 10 }],
    });
    cleanup.push(() => monitor.shutdown());
    monitor.alert('redirect me');
    monitor.alert('bad request');
    await monitor.flushAlerts();
    expect(target.requests).toHaveLength(0);
    expect(redirecting.requests).toHaveLength(2);
    expect(monitor.getCounters()).toMatchObject({ webhookFailed: 2, webhookRetries: 0 });
  });

  it('bounds its queue and counts what it drops', async () => {
    const r = await receiver(() => {
      /* hangs */
    });
    cleanup.push(r.close);
    const monitor = new ResourceMonitor({
      interval: 60,
      webhooks: [{ url: r.url, timeoutMillis: 60_000, maxQueueSize: 2, maxRetries: 0 }],
      shutdownTimeoutMillis: 300,
    });
    for (let i = 0; i < 10; i++) monitor.alert(`a${i}`);
    // one in flight, two queued, seven dropped
    expect(monitor.getCounters().webhookDropped).toBe(7);
    const t0 = Date.now();
    await monitor.shutdown();
    expect(Date.now() - t0).toBeLessThan(5000); // bounded by the budget despite the hanging receiver
    // the two still queued at shutdown are dropped and counted too
    expect(monitor.getCounters().webhookDropped).toBe(9);
  });
});
