import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

// Tried as a new user would, over the built example: a port in use is one clear line and exit 1.
describe('examples/orders-service ports', () => {
  let blocker: Server;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise((r) => blocker.close(r));
  });

  it('says which port is in use and how to pick another, without a stack trace', async () => {
    const taken = (blocker.address() as AddressInfo).port;
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(__dirname, '..', 'dist', 'main.js'), '--no-traffic', '--metrics-port', '0'],
        { env: { PATH: process.env.PATH ?? '', PORT: String(taken) }, timeout: 30_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`port ${taken} is in use; set PORT=… (or --port …) to another port\n`);
    expect(r.stdout).not.toMatch(/orders-service is running/);
  }, 40_000);

  it('defaults to 8080, not Grafana’s 3000 (docker-compose.yml)', () => {
    const main = require('node:fs').readFileSync(join(__dirname, '..', 'src', 'main.ts'), 'utf8') as string;
    expect(main).toMatch(/process\.env\.PORT \|\| '8080'/);
    const compose = require('node:fs').readFileSync(
      join(__dirname, '..', '..', '..', 'docker-compose.yml'),
      'utf8',
    ) as string;
    expect(compose).toMatch(/127\.0\.0\.1:3000:3000/);
  });
});
