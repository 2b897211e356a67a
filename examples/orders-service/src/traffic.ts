import { request } from 'node:http';

/** What the built-in traffic generator has done so far. */
export interface TrafficStats {
  sent: number;
  byStatus: Record<number, number>;
  errors: number;
}

function call(port: number, method: string, path: string, body?: unknown): Promise<number> {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: data
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }
          : {},
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end(data);
  });
}

/**
 * Calls the API a few times per second: orders placed (some declined or slow, through the
 * payment client), orders read (some missing), and some invalid requests. Stops with the
 * returned function.
 */
export function startTraffic(port: number, ratePerSecond = 8): { stop(): void; stats: TrafficStats } {
  const stats: TrafficStats = { sent: 0, byStatus: {}, errors: 0 };
  let placed = 0;
  let inFlight = 0;
  const tick = () => {
    if (inFlight > 50) return; // bounded: never pile up requests against a slow server
    const roll = Math.random();
    let p: Promise<number>;
    if (roll < 0.55) {
      p = call(port, 'POST', '/orders', { item: 'book', quantity: 1 + Math.floor(Math.random() * 3) });
      placed++;
    } else if (roll < 0.85) {
      p = call(port, 'GET', `/orders/o-${1 + Math.floor(Math.random() * (placed + 5))}`);
    } else if (roll < 0.95) {
      p = call(port, 'POST', '/orders', { item: '', quantity: 0 });
    } else {
      p = call(port, 'GET', '/nowhere');
    }
    inFlight++;
    stats.sent++;
    void p.then((status) => {
      inFlight--;
      if (status === 0) stats.errors++;
      else stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    });
  };
  const timer = setInterval(tick, Math.max(10, Math.round(1000 / ratePerSecond)));
  timer.unref();
  return { stop: () => clearInterval(timer), stats };
}
