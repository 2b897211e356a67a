import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ConfigError,
  DEFAULT_DASHBOARD,
  formatSummary,
  isLoopbackHost,
  loadConfig,
  normalizeDashboard,
} from '@otelkit/config';

const load = (config: Record<string, unknown>, env: Record<string, string> = {}) =>
  loadConfig({ config: config as never, env, file: false });

function issuesOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map(({ path, message }) => ({ path, message }));
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('the dashboard slice', () => {
  it('is off by default, bound to loopback, with its defaults in one place', () => {
    const c = load({});
    expect(c.dashboard).toEqual({ ...DEFAULT_DASHBOARD, allowedHosts: ['localhost', '127.0.0.1', '[::1]'] });
    expect(c.dashboard).toMatchObject({
      enabled: false,
      path: '/monitoring/dashboard',
      host: '127.0.0.1',
      port: null,
    });
    expect(Object.isFrozen(c.dashboard.buffer)).toBe(true);
    // Off: nothing is added to the metrics skip list.
    expect(c.metrics.http.ignorePaths.some((p) => p.startsWith('/monitoring'))).toBe(false);
  });

  it('turns on when written (or `dashboard: true`), and its own requests are never measured', () => {
    expect(load({ dashboard: true }).dashboard.enabled).toBe(true);
    const c = load({ dashboard: { path: '/ops/dash', port: 9465 } });
    expect(c.dashboard).toMatchObject({ enabled: true, path: '/ops/dash', port: 9465 });
    expect(c.metrics.http.ignorePaths).toEqual(expect.arrayContaining(['/ops/dash', '/ops/dash/*']));
    expect(load({ dashboard: { enabled: false, port: 1 } }).dashboard.enabled).toBe(false);
  });

  it('reads auth as credentials or custom, buffer as false / true / sizes', () => {
    const c = load({ dashboard: { auth: { username: 'ops', password: 'pw' }, buffer: { spans: 10 } } });
    expect(c.dashboard.auth).toEqual({ type: 'basic', username: 'ops', password: 'pw' });
    const defaults = { youngSpans: 256, tracesPerSecond: 10, traceBurst: 100, slowMillis: 500 };
    expect(c.dashboard.buffer).toEqual({ spans: 10, logs: 2000, ...defaults });
    expect(load({ dashboard: { auth: 'custom', buffer: false } }).dashboard).toMatchObject({
      auth: { type: 'custom' },
      buffer: false,
    });
    expect(load({ dashboard: { buffer: true } }).dashboard.buffer).toEqual({
      spans: 2000,
      logs: 2000,
      ...defaults,
    });
    expect(
      load({ dashboard: { buffer: { youngSpans: 128, tracesPerSecond: 0.5, traceBurst: 5, slowMillis: 0 } } })
        .dashboard.buffer,
    ).toEqual({
      spans: 2000,
      logs: 2000,
      youngSpans: 128,
      tracesPerSecond: 0.5,
      traceBurst: 5,
      slowMillis: 0,
    });
  });

  it('checks the trace selection fields of buffer, each problem naming its field', () => {
    expect(
      issuesOf(() =>
        load({
          dashboard: {
            buffer: { youngSpans: 0, tracesPerSecond: -1, traceBurst: 1.5, slowMillis: 'slow' },
          },
        }),
      ).map((i) => i.path),
    ).toEqual([
      'dashboard.buffer.youngSpans',
      'dashboard.buffer.tracesPerSecond',
      'dashboard.buffer.traceBurst',
      'dashboard.buffer.slowMillis',
    ]);
    expect(() => normalizeDashboard({ buffer: { tracesPerSecond: 2_000_000 } })).toThrow(
      /dashboard\.buffer\.tracesPerSecond/,
    );
  });

  it('refuses an address other than loopback without auth, and adds that host to the allow-list', () => {
    expect(issuesOf(() => load({ dashboard: { host: '0.0.0.0' } }))).toEqual([
      {
        path: 'dashboard.auth',
        message: expect.stringContaining('0.0.0.0, which is not a loopback address'),
      },
    ]);
    const c = load({
      dashboard: {
        host: 'ops.internal',
        auth: { username: 'a', password: 'b' },
        allowedHosts: ['Dash.Example.com'],
      },
    });
    expect(c.dashboard.allowedHosts).toEqual([
      'localhost',
      '127.0.0.1',
      '[::1]',
      'ops.internal',
      'dash.example.com',
    ]);
    // A disabled dashboard is not exposed: no error.
    expect(load({ dashboard: { enabled: false, host: '0.0.0.0' } }).dashboard.enabled).toBe(false);
    expect(isLoopbackHost('127.0.0.2')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('::')).toBe(false);
  });

  it('names every problem, with did-you-mean for unknown keys', () => {
    expect(
      issuesOf(() =>
        load({
          dashboard: {
            pth: '/x',
            path: 'no-slash',
            port: 70000,
            auth: { username: 'a' },
            buffer: { spanz: 1 },
            topN: 0,
          },
        }),
      ).map((i) => [i.path, i.message.split(';')[0]]),
    ).toEqual([
      ['dashboard.pth', 'unknown key (did you mean "path"?)'],
      ['dashboard.path', expect.stringContaining('expected an absolute path')],
      ['dashboard.port', expect.stringContaining('70000')],
      ['dashboard.auth.password', expect.any(String)],
      ['dashboard.buffer.spanz', 'unknown key (did you mean "spans"?)'],
      ['dashboard.topN', expect.any(String)],
    ]);
  });

  it('reads OTELKIT_DASHBOARD_* over the file and code, with the same checks', () => {
    const c = load(
      { dashboard: { port: 1000 } },
      {
        OTELKIT_DASHBOARD_PORT: '9470',
        OTELKIT_DASHBOARD_HOST: '0.0.0.0',
        OTELKIT_DASHBOARD_USERNAME: 'ops',
        OTELKIT_DASHBOARD_PASSWORD: 'from-env',
        OTELKIT_DASHBOARD_PATH: '/internal/dashboard',
      },
    );
    expect(c.dashboard).toMatchObject({
      enabled: true,
      port: 9470,
      host: '0.0.0.0',
      path: '/internal/dashboard',
      auth: { type: 'basic', username: 'ops', password: 'from-env' },
    });
    expect(load({}, { OTELKIT_DASHBOARD_ENABLED: 'true' }).dashboard.enabled).toBe(true);
    expect(load({}, { OTELKIT_DASHBOARD_PORT: '9470' }).dashboard.enabled).toBe(false);
    expect(
      issuesOf(() =>
        load({ dashboard: true }, { OTELKIT_DASHBOARD_PORT: 'abc', OTELKIT_DASHBOARD_USERNAME: 'x' }),
      ),
    ).toEqual([
      { path: 'OTELKIT_DASHBOARD_PASSWORD', message: expect.stringContaining('set together') },
      { path: 'OTELKIT_DASHBOARD_PORT', message: expect.any(String) },
    ]);
  });

  it('reads the section from a YAML file like the rest of the config', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-dashboard-'));
    try {
      const file = path.join(dir, 'otelkit.yaml');
      fs.writeFileSync(file, 'dashboard:\n  port: 9466\n  topN: 5\n  buffer:\n    logs: 50\n');
      const c = loadConfig({ file, env: {} });
      expect(c.dashboard).toMatchObject({
        enabled: true,
        port: 9466,
        topN: 5,
        buffer: { spans: 2000, logs: 50, youngSpans: 256 },
      });
      fs.writeFileSync(file, 'dashboard:\n  hots: 0.0.0.0\n');
      expect(issuesOf(() => loadConfig({ file, env: {} }))[0]).toMatchObject({
        path: 'dashboard.hots',
        message: expect.stringContaining('did you mean "host"'),
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('normalizeDashboard: same checks for callers, a no-op on a normalised slice', () => {
    const c = load({ dashboard: true });
    expect(normalizeDashboard(c.dashboard)).toBe(c.dashboard);
    const s = normalizeDashboard({ port: 0 });
    expect(Object.isFrozen(s)).toBe(true);
    expect(normalizeDashboard(s)).toBe(s);
    expect(() => normalizeDashboard({ host: '10.0.0.1' })).toThrow(/dashboard\.auth/);
  });

  it('has a line in the startup summary, credentials never shown', () => {
    const c = load({ dashboard: { port: 9465, auth: { username: 'ops', password: 'hunter2' } } });
    const summary = formatSummary(c);
    expect(summary).toContain('dashboard  on  http://127.0.0.1:9465/monitoring/dashboard, basic auth');
    expect(summary).not.toContain('hunter2');
    expect(formatSummary(load({}))).not.toContain('dashboard');
  });
});
