import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { eventually } from '../../../test/support/prometheus';

// The demo with DATABASE_URL and REDIS_URL set, against this machine's PostgreSQL and Redis.
const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = 'redis://127.0.0.1:6379';

describe('examples/orders-service with PostgreSQL and Redis', () => {
  let demo: ChildProcess | undefined;
  const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  const redis = new Redis(REDIS_URL);

  afterAll(async () => {
    if (demo && demo.exitCode === null) demo.kill('SIGKILL');
    await pool.end();
    await redis.quit();
  });

  it('stores orders in PostgreSQL and caches reads in Redis', async () => {
    let stdout = '';
    demo = spawn(
      process.execPath,
      [join(__dirname, '..', 'dist', 'main.js'), '--port', '0', '--metrics-port', '0', '--no-traffic'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '', DATABASE_URL, REDIS_URL },
      },
    );
    demo.stdout!.on('data', (d: Buffer) => {
      stdout += d;
    });
    const port = await eventually(
      async () => {
        const m = /API +http:\/\/127\.0\.0\.1:(\d+)\/orders/.exec(stdout);
        if (!m) throw new Error(`no banner yet: ${stdout.slice(0, 300)}`);
        return Number(m[1]);
      },
      20_000,
      100,
    );
    expect(stdout).toContain('storage      PostgreSQL (DATABASE_URL), Redis cache (REDIS_URL)');

    // place orders until one is paid (the simulated provider declines some)
    let order: { id: string; item: string; quantity: number; status: string } | undefined;
    for (let i = 0; i < 20 && order === undefined; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ item: 'lamp', quantity: 3 }),
      });
      if (res.status === 201) order = (await res.json()) as typeof order;
      else expect(res.status).toBe(402);
    }
    expect(order?.status).toBe('paid');

    // in PostgreSQL, as placed
    const { rows } = await pool.query(
      'SELECT item, quantity, status FROM otelkit_demo_orders WHERE id = $1',
      [order!.id],
    );
    expect(rows).toEqual([{ item: 'lamp', quantity: 3, status: 'paid' }]);

    // read through the cache: the first GET fills it, the cached copy matches
    const key = `otelkit-demo:order:${order!.id}`;
    await redis.del(key);
    const got = await (await fetch(`http://127.0.0.1:${port}/orders/${order!.id}`)).json();
    expect(got).toMatchObject({ id: order!.id, item: 'lamp', quantity: 3, status: 'paid' });
    expect(JSON.parse((await redis.get(key))!)).toMatchObject({ id: order!.id, status: 'paid' });
    expect(await redis.ttl(key)).toBeGreaterThan(0);

    const exited = new Promise<number | null>((r) => demo!.once('exit', (code) => r(code)));
    demo.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(stdout).toMatch(/shutdown after SIGTERM: complete/);
  }, 90_000);
});
