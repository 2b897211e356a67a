import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually, type RealPrometheus, startPrometheus } from '../../../test/support/prometheus';

// The README's main job, over the built example (`pnpm test` builds first).
describe('examples/orders-service demo', () => {
  let demo: ChildProcess | undefined;
  let prometheus: RealPrometheus | undefined;
  let stdout = '';

  afterAll(async () => {
    if (demo && demo.exitCode === null) demo.kill('SIGKILL');
    await prometheus?.close();
  });

  it('serves its API, health and /metrics that a real Prometheus scrapes, and stops cleanly on Ctrl-C', async () => {
    demo = spawn(
      process.execPath,
      [join(__dirname, '..', 'dist', 'main.js'), '--port', '0', '--metrics-port', '0', '--rate', '40'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    demo.stdout!.on('data', (d: Buffer) => {
      stdout += d;
    });
    const banner = await eventually(
      async () => {
        const api = /API +http:\/\/127\.0\.0\.1:(\d+)\/orders/.exec(stdout);
        const metrics = /metrics +http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(stdout);
        if (!api || !metrics) throw new Error(`no banner yet: ${stdout.slice(0, 500)}`);
        return { api: Number(api[1]), metrics: Number(metrics[1]) };
      },
      20_000,
      100,
    );
    expect(stdout).toContain('otelkit demo — orders-service is running');
    expect(stdout).toContain('Press Ctrl-C to stop');
    // the first screen names the live dashboard, which answers there (page and snapshot)
    const dashboard = /dashboard +(http:\/\/127\.0\.0\.1:\d+\/monitoring\/dashboard\/)/.exec(stdout);
    expect(dashboard).not.toBeNull();
    expect((await fetch(dashboard![1]!)).headers.get('content-security-policy')).toContain(
      "default-src 'none'",
    );
    const snapshot = (await (await fetch(`${dashboard![1]}api/snapshot`)).json()) as { service: string };
    expect(snapshot.service).toBe('orders-service');

    // the API and health answer
    const created = await fetch(`http://127.0.0.1:${banner.api}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'pen', quantity: 2 }),
    });
    expect([201, 402]).toContain(created.status);
    expect((await fetch(`http://127.0.0.1:${banner.api}/health/ready`)).status).toBe(200);
    const traces = (await (await fetch(`http://127.0.0.1:${banner.api}/debug/traces`)).json()) as Array<{
      name: string;
    }>;
    expect(traces.some((t) => t.name === 'OrderService.place')).toBe(true);

    // a real Prometheus scrapes the demo's own listener
    prometheus = await startPrometheus([`127.0.0.1:${banner.metrics}`]);
    const p = prometheus;
    await eventually(async () => {
      expect(await p.scalar('up{job="app"}')).toBe(1);
      expect(
        await p.scalar('sum(otelkit_method_calls_total{class="OrderService",method="place"})'),
      ).toBeGreaterThan(0);
      expect(
        await p.scalar('sum(otelkit_method_calls_total{class="PaymentClient",outcome="success"})'),
      ).toBeGreaterThan(0);
      expect(await p.scalar('sum(http_server_request_duration_count{http_route="/orders"})')).toBeGreaterThan(
        0,
      );
    }, 45_000).catch((err: Error) => {
      throw new Error(`${err.message}\nprometheus log: ${p.log()}`);
    });

    // Ctrl-C: clean shutdown with the report, exit 130
    const exited = new Promise<number | null>((r) => demo!.once('exit', (code) => r(code)));
    demo.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).toMatch(/shutdown after SIGINT: complete in \d+ ms \(budget 5000 ms\)/);
    expect(stdout).toMatch(/ok +logs/);
  }, 90_000);
});
