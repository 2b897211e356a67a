// `otelkit report --url` against a running service: the real `otelkit` bin (packages/cli/dist,
// built by `pnpm build`) in a child process, fetching the resource utilisation report of a real
// PostgreSQL pool from the dashboard's /api/report behind Basic auth; and the safety rules of the
// request (no redirect followed, link-local refused, a total deadline, a symlinked --out refused).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { basic, startApp, type TestApp } from './support/app';

jest.setTimeout(90_000);

const BIN = path.resolve(__dirname, '..', '..', 'cli', 'dist', 'bin.js');
const USER = 'ops';
const PASSWORD = 'r3port-s3cret';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function otelkit(args: string[], env: Record<string, string> = {}, cwd = os.tmpdir()): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, timeout: 40_000, env: { PATH: process.env.PATH ?? '', ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const CREDENTIALS = { OTELKIT_DASHBOARD_USERNAME: USER, OTELKIT_DASHBOARD_PASSWORD: PASSWORD };

function parseCsv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trimEnd().split('\r\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

describe('otelkit report --url (a running service with a real PostgreSQL pool)', () => {
  let app: TestApp;
  let pool: Pool;
  let tmp: string;
  beforeAll(async () => {
    expect(fs.existsSync(BIN)).toBe(true);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-report-'));
    app = await startApp({ pools: true, dashboard: { auth: { username: USER, password: PASSWORD } } });
    pool = new Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 3 });
    app.monitoring.resources!.register({ id: 'orders-db', type: 'pg', resource: pool, category: 'database' });
    // real queries, and enough collections (every 250 ms) for several samples per series
    for (let i = 0; i < 10; i++) {
      await Promise.all([pool.query('SELECT pg_sleep(0.05)'), pool.query('SELECT 1')]);
    }
    await app.monitoring.resources!.forceFlush();
    await new Promise((r) => setTimeout(r, 1200));
  });
  afterAll(async () => {
    app.monitoring.resources?.unregister('orders-db');
    await pool.end();
    await app.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('prints the CSV report of the pool, fetched with the dashboard credentials from the environment', async () => {
    const r = await otelkit(['report', '--url', app.origin, '--since', '1h'], CREDENTIALS);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\r\n')[0]).toBe(
      'resourceId,resourceType,category,metric,labels,samples,min,avg,max,p95,last,warning,critical,secondsAboveWarning,secondsAboveCritical,alertsRaised',
    );
    const rows = parseCsv(r.stdout).filter((row) => row.resourceId === 'orders-db');
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row.resourceType))).toEqual(new Set(['pg']));
    const total = rows.find((row) => /size|total/.test(row.metric!));
    expect(total).toBeDefined();
    expect(Number(total!.samples)).toBeGreaterThanOrEqual(2);
    expect(Number(total!.max)).toBeGreaterThanOrEqual(1);
    expect(Number(total!.max)).toBeLessThanOrEqual(3);
    // the same numbers the manager gives in process
    const inProcess = app.monitoring.resources!.generateReport({ start: Date.now() - 3_600_000 });
    expect(inProcess.rows.filter((row) => row.resourceId === 'orders-db').map((row) => row.metric)).toEqual(
      rows.map((row) => row.metric),
    );
    expect(r.stdout).not.toContain(PASSWORD);
  });

  it('gives JSON with --format json, filtered by --type, and writes --out (0640, never through a symlink)', async () => {
    const out = path.join(tmp, 'report.json');
    const r = await otelkit(
      ['report', '--url', `${app.page}`, '--format', 'json', '--type', 'database', '--out', out],
      CREDENTIALS,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      start: string;
      end: string;
      rows: Array<{ resourceId: string; category: string }>;
    };
    expect(r.stderr).toMatch(new RegExp(`wrote .*report\\.json \\(${report.rows.length} rows?\\)`));
    expect(report.rows.length).toBeGreaterThan(0);
    expect(report.rows.every((row) => row.category === 'database')).toBe(true);
    expect(Date.parse(report.end)).toBeGreaterThan(Date.parse(report.start));
    expect(fs.statSync(out).mode & 0o777).toBe(0o640);

    const victim = path.join(tmp, 'victim.txt');
    fs.writeFileSync(victim, 'keep me');
    const link = path.join(tmp, 'link.json');
    fs.symlinkSync(victim, link);
    const s = await otelkit(['report', '--url', app.origin, '--format', 'json', '--out', link], CREDENTIALS);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/--out: .*link\.json is a symlink; refused/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me');
  });

  it('answers 401 without or with wrong credentials, and never prints the password', async () => {
    for (const env of [{}, { ...CREDENTIALS, OTELKIT_DASHBOARD_PASSWORD: 'wrong-one' }]) {
      const r = await otelkit(['report', '--url', app.origin], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/answered 401: give the dashboard's credentials/);
      expect(r.stdout).toBe('');
    }
    // credentials in the URL work, and are masked in every message
    const u = new URL(app.origin);
    u.username = USER;
    u.password = PASSWORD;
    const ok = await otelkit(['report', '--url', u.toString(), '--since', '10m']);
    expect(ok.code).toBe(0);
    const bad = await otelkit(['report', '--url', u.toString(), '--since', 'ten minutes']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--since must be a duration such as/);
    u.password = 'not-it';
    const wrong = await otelkit(['report', '--url', u.toString()]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).not.toContain('not-it');
    expect(wrong.stderr).not.toContain(PASSWORD);
  });

  it('says which parameter is wrong (400 from the service)', async () => {
    const r = await fetch(`${app.page}api/report?start=yesterday`, {
      headers: { authorization: basic(USER, PASSWORD) },
    });
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/^start: expected epoch milliseconds or an ISO 8601 time/);
    const f = await fetch(`${app.page}api/report?format=xml`, {
      headers: { authorization: basic(USER, PASSWORD) },
    });
    expect(f.status).toBe(400);
    expect(await f.text()).toMatch(/^format: expected json or csv/);
  });
});

describe('otelkit report against a service without the resource manager', () => {
  it('exits 1 with the service saying how to turn it on', async () => {
    const app = await startApp({});
    try {
      const r = await otelkit(['report', '--url', app.origin]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /answered 404: no resource manager in this process: turn on the config's pools section/,
      );
    } finally {
      await app.close();
    }
  });
});

describe('otelkit report: the request is bounded and follows nothing', () => {
  let server: Server;
  let origin: string;
  const sockets = new Set<import('node:net').Socket>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/redirect')) {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        res.end();
      } else if (req.url?.startsWith('/trickle')) {
        res.writeHead(200, { 'content-type': 'text/csv' });
        const t = setInterval(() => res.write('x'), 200);
        res.on('close', () => clearInterval(t));
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>an app, not a dashboard</html>');
      }
    });
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it('does not follow a redirect', async () => {
    const r = await otelkit(['report', '--url', `${origin}/redirect/api/report`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /answered 302 \(a redirect to http:\/\/169\.254\.169\.254\/latest\/meta-data\/\); redirects are not followed/,
    );
  });

  it('gives up at the total deadline on a server that trickles', async () => {
    const started = performance.now(); // monotonic: a wall-clock step does not count
    const r = await otelkit(['report', '--url', `${origin}/trickle/api/report`, '--timeout', '1s']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/timed out after 1000 ms/);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('refuses what is not a report, and link-local / metadata hosts unless allowed', async () => {
    const html = await otelkit(['report', '--url', origin]);
    expect(html.code).toBe(1);
    expect(html.stderr).toMatch(/is not an otelkit dashboard report \(content-type "text\/html"\)/);
    for (const host of ['169.254.169.254', '[fd00:ec2::254]', 'metadata.google.internal', '[fe80::1]']) {
      const r = await otelkit(['report', '--url', `http://${host}/`, '--timeout', '2s']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/is (a link-local|a cloud metadata)[^;]*; refused \(give --allow-link-local/);
    }
  });

  it('exits 2 on usage errors', async () => {
    expect((await otelkit(['report'])).code).toBe(2);
    expect((await otelkit(['report', '--url', origin, '--format', 'xml'])).stderr).toMatch(
      /--format: expected csv or json, got "xml"/,
    );
    expect((await otelkit(['report', '--url', origin, '--since', '1h', '--start', '0'])).code).toBe(2);
    expect((await otelkit(['report', '--help'])).stdout).toMatch(/never from an argument/);
  });
});
