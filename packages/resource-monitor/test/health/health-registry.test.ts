import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { HealthRegistry } from '../../src/health/health-registry';
import { isHostWideAlert } from '../../src/health/monitor-checks';
import { ResourceMonitor } from '../../src/resource-monitor';
import type { SystemStats } from '../../src/types';
import { sleep, waitFor } from '../helpers';

async function serve(registry: HealthRegistry) {
  const server = http.createServer(registry.handler());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const get = (path: string, method = 'GET') =>
    new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, method }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
  return {
    get,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('HealthRegistry', () => {
  it('serves /health/live, /health/ready and /health with 200/503 by kind', async () => {
    const registry = new HealthRegistry({ cacheMillis: 0 });
    let dbUp = true;
    registry.register({ name: 'loop', kinds: ['liveness'], check: () => true });
    registry.register({
      name: 'db',
      kinds: ['readiness'],
      check: async () => ({ healthy: dbUp, message: dbUp ? 'ok' : 'down' }),
    });
    const s = await serve(registry);
    try {
      expect((await s.get('/health/live')).status).toBe(200);
      expect((await s.get('/health/ready')).status).toBe(200);
      dbUp = false;
      const ready = await s.get('/health/ready?verbose=1');
      expect(ready.status).toBe(503);
      expect(ready.headers['content-type']).toMatch(/application\/json/);
      expect(JSON.parse(ready.body)).toMatchObject({
        status: 'fail',
        kind: 'readiness',
        checks: [{ name: 'db', status: 'fail', message: 'down' }],
      });
      expect((await s.get('/health/live')).status).toBe(200); // liveness does not depend on the db
      const all = JSON.parse((await s.get('/health')).body);
      expect(all.checks.map((c: { name: string }) => c.name).sort()).toEqual(['db', 'loop']);
      expect((await s.get('/nope')).status).toBe(404);
      expect((await s.get('/health', 'POST')).status).toBe(405);
      const head = await s.get('/health/live', 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
    } finally {
      await s.close();
    }
  });

  it('a hanging check answers within its timeout (503) and the next probe does not start it again', async () => {
    const registry = new HealthRegistry({ checkTimeoutMillis: 200, cacheMillis: 0 });
    let runs = 0;
    registry.register({
      name: 'hangs',
      check: () => {
        runs++;
        return new Promise(() => {});
      },
    });
    const s = await serve(registry);
    try {
      const t0 = Date.now();
      const res = await s.get('/health/ready');
      const elapsed = Date.now() - t0;
      expect(res.status).toBe(503);
      expect(elapsed).toBeGreaterThanOrEqual(150);
      expect(elapsed).toBeLessThan(3000);
      expect(JSON.parse(res.body).checks[0]).toMatchObject({
        name: 'hangs',
        status: 'fail',
        message: 'timed out after 200 ms',
      });
      await s.get('/health/ready');
      expect(runs).toBe(1); // still the same run: one at a time per check
    } finally {
      await s.close();
    }
  });

  it('concurrent probes run a check once, and results are cached for cacheMillis', async () => {
    const registry = new HealthRegistry({ cacheMillis: 300 });
    let runs = 0;
    registry.register({
      name: 'db',
      check: async () => {
        runs++;
        await sleep(100);
      },
    });
    const s = await serve(registry);
    try {
      const results = await Promise.all(Array.from({ length: 20 }, () => s.get('/health/ready')));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(runs).toBe(1);
      await s.get('/health/ready'); // within cacheMillis
      expect(runs).toBe(1);
      await sleep(400);
      await s.get('/health/ready');
      expect(runs).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('never exposes stack traces', async () => {
    const registry = new HealthRegistry({ cacheMillis: 0 });
    registry.register({
      name: 'throws',
      check: () => {
        throw new Error('connection refused');
      },
    });
    registry.register({ name: 'rejects', check: () => Promise.reject(new TypeError('bad thing')) });
    const res = await registry.check('readiness');
    const json = JSON.stringify(res);
    // a generic reason only: the error's message goes to the logs
    expect(res.checks.map((c) => c.message)).toEqual([
      'check failed (details in the logs)',
      'check failed (details in the logs)',
    ]);
    expect(json).not.toMatch(/\bat .*\(|stack|\.ts:\d+/);
    const s = await serve(registry);
    try {
      const body = (await s.get('/health')).body;
      expect(body).not.toMatch(/\bat .*\(|stack|\.ts:\d+/);
    } finally {
      await s.close();
    }
  });

  it('serves a generic reason for a check that threw, its message (redacted) only in the logs', async () => {
    const warnings: string[] = [];
    diag.setLogger(
      {
        error: () => {},
        warn: (m: string) => warnings.push(m),
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      DiagLogLevel.WARN,
    );
    const registry = new HealthRegistry({ cacheMillis: 0 });
    registry.register({
      name: 'db',
      check: () => {
        throw Object.assign(
          new Error('connect to postgres://app:CANARY-1@10.0.0.5/orders?password=CANARY-2 failed'),
          {
            code: 'ECONNREFUSED',
          },
        );
      },
    });
    registry.register({
      name: 'api',
      check: () => ({ healthy: false, message: 'GET https://x.example.com/?token=CANARY-3' }),
    });
    const s = await serve(registry);
    try {
      const res = await s.get('/health');
      expect(res.status).toBe(503);
      expect(res.body).not.toMatch(/CANARY|postgres|10\.0\.0\.5/);
      const checks = JSON.parse(res.body).checks as Array<{ name: string; message?: string }>;
      expect(checks.find((c) => c.name === 'db')?.message).toBe(
        'check failed: ECONNREFUSED (details in the logs)',
      );
      // a message the check chose is kept, without URL secrets
      expect(checks.find((c) => c.name === 'api')?.message).toBe('GET https://x.example.com/?token=REDACTED');
      // the logs have the detail, redacted, once however often it is probed
      await s.get('/health');
      const logged = warnings.filter((w) => w.includes('health check "db" failed'));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain('postgres://REDACTED:REDACTED@10.0.0.5/orders?password=REDACTED failed');
    } finally {
      await s.close();
      diag.disable();
    }
  });

  it('a degraded check answers 200 with status warn; a failing one still makes it 503', async () => {
    const registry = new HealthRegistry({ cacheMillis: 0 });
    let exporterDown = true;
    let dbUp = true;
    registry.register({ name: 'loop', kinds: ['liveness'], check: () => true });
    registry.register({ name: 'exporter', check: () => ({ healthy: true, degraded: exporterDown }) });
    registry.register({ name: 'db', check: () => dbUp });
    const s = await serve(registry);
    try {
      let res = await s.get('/health/ready');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({
        status: 'warn',
        checks: [
          { name: 'exporter', status: 'warn' },
          { name: 'db', status: 'pass' },
        ],
      });
      expect(JSON.parse((await s.get('/health/live')).body).status).toBe('pass');
      dbUp = false;
      res = await s.get('/health');
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body).status).toBe('fail');
      dbUp = true;
      exporterDown = false;
      res = await s.get('/health');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).status).toBe('pass');
      // `degraded` means nothing on a failing check
      registry.register({ name: 'broken', check: () => ({ healthy: false, degraded: true }) });
      expect((await registry.check()).checks.find((c) => c.name === 'broken')?.status).toBe('fail');
    } finally {
      await s.close();
    }
  });

  it('setReady(false) fails readiness (for shutdown) but not liveness', async () => {
    const registry = new HealthRegistry();
    registry.setReady(false);
    expect((await registry.check('readiness')).status).toBe('fail');
    expect((await registry.check('liveness')).status).toBe('pass');
    registry.setReady(true);
    expect((await registry.check('readiness')).status).toBe('pass');
  });

  it('rejects duplicate names and bad options with clear errors', () => {
    const registry = new HealthRegistry();
    registry.register({ name: 'a', check: () => true });
    expect(() => registry.register({ name: 'a', check: () => true })).toThrow(
      'health check "a" is already registered',
    );
    expect(() => registry.register({ name: 'b', check: () => true, kinds: ['startup' as never] })).toThrow(
      /kinds must be a non-empty list/,
    );
    expect(() => new HealthRegistry({ checkTimeoutMillis: 0 })).toThrow(
      /health\.checkTimeoutMillis: expected more than 0, got 0/,
    );
    expect(() => new HealthRegistry({ livenessPath: 'live' })).toThrow(
      /health\.livenessPath: expected a string starting with "\/", got "live"/,
    );
    const unregister = registry.register({ name: 'c', check: () => true });
    unregister();
    expect(registry.names()).toEqual(['a']);
  });
});

describe('built-in monitor checks', () => {
  it('a critical alert makes readiness 503 until it resolves; event loop and memory checks read the last sample', async () => {
    const monitor = new ResourceMonitor({
      intervalMillis: 50,
      health: { cacheMillis: 0, maxEventLoopDelayMillis: 5000 },
    });
    monitor.setThreshold({
      resourceId: 'main-db',
      metric: 'connection_pool_usage',
      warning: 0.7,
      critical: 0.9,
    });
    await monitor.start();
    await waitFor(() => monitor.getLatestStats() !== undefined, 10_000);
    const health = monitor.health;
    expect(health.names().sort()).toEqual(['alerts', 'event_loop', 'memory']);
    expect((await health.check('readiness')).status).toBe('pass');
    expect((await health.check('liveness')).status).toBe('pass');
    monitor.recordMetric('connection_pool_usage', 1, { resourceId: 'main-db' });
    const failing = await health.check('readiness');
    expect(failing.status).toBe('fail');
    expect(failing.checks.find((c) => c.name === 'alerts')?.message).toMatch(
      /main-db\/connection_pool_usage/,
    );
    monitor.recordMetric('connection_pool_usage', 0.2, { resourceId: 'main-db' });
    expect((await health.check('readiness')).status).toBe('pass');
    const mem = (await health.check('all')).checks.find((c) => c.name === 'memory')!;
    expect(mem.details).toMatchObject({ view: 'host' });
    await monitor.shutdown();
    // after shutdown the process is going away: not ready
    expect((await health.check('readiness')).status).toBe('fail');
  });

  it('the event-loop check fails liveness when p99 delay exceeds the limit', async () => {
    // a long interval: only sampleNow() samples, so no interval tick can close the window early
    const monitor = new ResourceMonitor({
      intervalMillis: 60_000,
      health: { cacheMillis: 0, maxEventLoopDelayMillis: 50 },
    });
    await monitor.start();
    await sleep(150); // the histogram's first tick only sets its reference time
    const end = Date.now() + 300;
    while (Date.now() < end); // block the loop
    await sleep(80); // let the delay histogram's late tick run
    await monitor.sampleNow();
    const live = await monitor.health.check('liveness');
    await monitor.shutdown();
    expect(live.status).toBe('fail');
    expect(live.checks[0]!.message).toMatch(/event loop delay p99 \d+\.\d ms \(max 50 ms\)/);
  });
});

describe('readiness and host-wide alerts', () => {
  it('a critical alert on a host figure is a warning for readiness unless hostAlertsAffectReadiness', async () => {
    for (const hostAlertsAffectReadiness of [false, true]) {
      const monitor = new ResourceMonitor({
        intervalMillis: 50,
        health: { cacheMillis: 0, maxEventLoopDelayMillis: 5000, hostAlertsAffectReadiness },
      });
      // any load average is above -1: fires on the first sample
      monitor.setThreshold('load_average_1m', { critical: -1 });
      await monitor.start();
      await waitFor(() => monitor.getActiveAlerts().some((a) => a.alert === 'load_average_1m'), 10_000);
      const ready = await monitor.health.check('readiness');
      const alerts = ready.checks.find((c) => c.name === 'alerts')!;
      if (hostAlertsAffectReadiness) {
        expect([ready.status, alerts.message]).toEqual([
          'fail',
          expect.stringMatching(/critical alerts firing: load_average_1m/),
        ]);
      } else {
        expect([ready.status, alerts.message]).toEqual([
          'pass',
          expect.stringMatching(/host-wide critical alerts \(not a readiness failure.*load_average_1m/),
        ]);
      }
      await monitor.shutdown();
    }
  });

  it('cpu_usage and memory_usage are host-wide only without a container limit; resources never', () => {
    const stats = (limitCores: number | null, limit: number | null) =>
      ({ cpu: { limitCores }, memory: { limit } }) as unknown as SystemStats;
    expect(isHostWideAlert({ metric: 'cpu_usage' }, stats(null, null))).toBe(true);
    expect(isHostWideAlert({ metric: 'cpu_usage' }, stats(2, null))).toBe(false);
    expect(isHostWideAlert({ metric: 'memory_usage' }, stats(null, 1e9))).toBe(false);
    expect(isHostWideAlert({ metric: 'memory_usage_host' }, stats(2, 1e9))).toBe(true);
    expect(isHostWideAlert({ metric: 'process_cpu_usage' }, stats(null, null))).toBe(false);
    expect(isHostWideAlert({ metric: 'cpu_usage', resourceId: 'db' }, stats(null, null))).toBe(false);
  });
});
