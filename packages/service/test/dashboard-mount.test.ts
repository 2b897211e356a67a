// `monitoring.dashboard()` over the built packages (`pnpm build` first), each case in a child
// process whose app lives in a fresh temp directory, so what @otelkit/dashboard resolves to is
// exactly what that directory provides — this package does not depend on the dashboard:
// - installed (a node_modules/@otelkit/dashboard next to the app, never imported by it): loaded
//   lazily, and the handler it returns serves the page;
// - absent (resolvable neither from the service nor from the app): the coded error naming the
//   package to install;
// - installed but broken: its own load error, not "not installed".
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(60_000);

const SERVICE_DIST = join(__dirname, '..', 'dist');
const DASHBOARD_PKG = join(__dirname, '..', '..', 'dashboard');

const APP = `
const http = require('node:http');
const path = require('node:path');
const { startMonitoring } = require(${JSON.stringify(SERVICE_DIST)});
const monitoring = startMonitoring(
  {
    service: { name: 'mount-child' },
    logging: { level: 'info', outputs: [{ type: 'file', path: path.join(__dirname, 'app.log') }] },
    metrics: { collectors: ['prometheus'], exporters: ['handler'] },
    tracing: { exporter: 'none' },
    resources: { enabled: false },
    instrumentations: false,
    shutdown: { handleSignals: false },
    dashboard: true,
  },
  { env: {}, file: false },
);
const done = (result) =>
  monitoring.shutdown().then(() => {
    process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n');
  });
let dashboard;
try {
  dashboard = monitoring.dashboard();
} catch (err) {
  done({ error: { name: err.name, code: err.code, message: err.message } });
  return;
}
const server = http.createServer((req, res) => dashboard(req, res, () => res.end('app')));
server.listen(0, '127.0.0.1', async () => {
  const origin = 'http://127.0.0.1:' + server.address().port;
  const page = await fetch(origin + dashboard.path + '/');
  const app = await (await fetch(origin + '/users/1')).text();
  server.close();
  await done({
    path: dashboard.path,
    status: page.status,
    type: page.headers.get('content-type'),
    html: (await page.text()).includes('<html'),
    app,
    registered: typeof globalThis[Symbol.for('otelkit.dashboard.factory.v1')],
    loaded: Object.keys(require.cache).some((f) => f.includes(path.join('dashboard', 'dist'))),
  });
});
`;

function runApp(
  dir: string,
): Promise<{ code: number | null; result: Record<string, unknown>; stderr: string }> {
  const file = join(dir, 'app.js');
  writeFileSync(file, `(async () => {${APP}})();\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      resolve({ code, stderr, result: line ? JSON.parse(line.slice(7)) : { stdout } });
    });
  });
}

describe('monitoring.dashboard() over the built packages', () => {
  let dir: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'otelkit-mount-')));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads @otelkit/dashboard lazily when the app has it installed (and never imported it)', async () => {
    mkdirSync(join(dir, 'node_modules', '@otelkit'), { recursive: true });
    symlinkSync(DASHBOARD_PKG, join(dir, 'node_modules', '@otelkit', 'dashboard'), 'dir');
    const { code, result, stderr } = await runApp(dir);
    expect([code, stderr]).toEqual([0, '']);
    expect(result).toEqual({
      path: '/monitoring/dashboard',
      status: 200,
      type: 'text/html; charset=utf-8',
      html: true,
      app: 'app',
      registered: 'function',
      loaded: true,
    });
  });

  it('absent: a coded error that names the package to install', async () => {
    // The setup is what it claims: plain Node (not jest's mapped resolver) finds it neither from
    // the service nor from the app — the same directory as the first case, less the symlink.
    const probe = spawnSync(
      process.execPath,
      [
        '-e',
        `try { require.resolve('@otelkit/dashboard', { paths: ${JSON.stringify([SERVICE_DIST, dir])} }); console.log('found'); } catch (e) { console.log(e.code); }`,
      ],
      // The environment of the apps (no NODE_PATH: pnpm's node shim sets one that sees every package).
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
    );
    expect(probe.stdout.trim()).toBe('MODULE_NOT_FOUND');
    const { code, result, stderr } = await runApp(dir);
    expect([code, stderr]).toEqual([0, '']);
    const error = result.error as { name: string; code: string; message: string };
    expect(error.name).toBe('DashboardNotInstalledError');
    expect(error.code).toBe('OTELKIT_ERR_DASHBOARD_NOT_INSTALLED');
    expect(error.message).toContain('monitoring.dashboard() needs the @otelkit/dashboard package');
    expect(error.message).toContain('npm install @otelkit/dashboard');
    expect(error.message).toContain(dir);
  });

  it('installed but failing to load: its own error, not "not installed"', async () => {
    const fake = join(dir, 'node_modules', '@otelkit', 'dashboard');
    mkdirSync(fake, { recursive: true });
    writeFileSync(
      join(fake, 'package.json'),
      JSON.stringify({ name: '@otelkit/dashboard', main: 'index.js' }),
    );
    writeFileSync(join(fake, 'index.js'), "throw new Error('dashboard exploded while loading');\n");
    const { code, result, stderr } = await runApp(dir);
    expect([code, stderr]).toEqual([0, '']);
    expect(result.error).toMatchObject({ name: 'Error', message: 'dashboard exploded while loading' });
  });
});
