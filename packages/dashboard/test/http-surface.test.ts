// The dashboard over plain HTTP: who may see what (every path, the stream included), the Host
// allow-list, the headers of every response, actions, and that it costs nothing while nobody
// watches and never measures itself.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@otelkit/config';
import { startMonitoring } from '@otelkit/service';
import { basic, drive, startApp, type TestApp } from './support/app';

jest.setTimeout(60_000);

const PATHS = [
  '',
  'app.js',
  'app.css',
  'icon.svg',
  'api/snapshot',
  'api/traces',
  'api/logs',
  'api/config',
  'api/traces/0123456789abcdef0123456789abcdef',
  'api/report',
  'api/report.csv',
];

async function get(url: string, headers: Record<string, string> = {}) {
  const r = await fetch(url, { headers, redirect: 'manual' });
  const body = r.headers.get('content-type')?.includes('event-stream') ? '' : await r.text();
  if (r.body && !r.bodyUsed) await r.body.cancel();
  return { status: r.status, headers: r.headers, body };
}

/** fetch() cannot set Host; node:http can. */
function raw(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      res.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard HTTP surface with Basic auth', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ dashboard: { auth: { username: 'ops', password: 's3cret-pass' } } });
  });
  afterAll(() => app.close());

  it.each(PATHS)(
    'refuses %s without credentials or with wrong ones: 401, a challenge, no stream',
    async (p) => {
      for (const headers of <Array<Record<string, string>>>[
        {},
        { authorization: basic('ops', 'wrong') },
        { authorization: basic('nobody', 's3cret-pass') },
        { authorization: 'Bearer abc' },
      ]) {
        for (const accept of ['*/*', 'text/event-stream']) {
          const r = await get(`${app.page}${p}`, { ...headers, accept });
          expect(r.status).toBe(401);
          expect(r.headers.get('www-authenticate')).toMatch(/^Basic realm="otelkit dashboard"/);
          expect(r.headers.get('content-type')).not.toContain('text/event-stream');
          expect(r.body).not.toContain('orders-test');
        }
      }
    },
  );

  it('serves every path with the right credentials, with strict headers and no CORS', async () => {
    const auth = { authorization: basic('ops', 's3cret-pass'), origin: 'http://evil.example' };
    for (const p of PATHS.slice(0, 8)) {
      const r = await get(`${app.page}${p}`, auth);
      expect(r.status).toBe(200);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    }
    const missing = await get(`${app.page}api/traces/0123456789abcdef0123456789abcdef`, auth);
    expect(missing.status).toBe(404);
  });

  it('streams with credentials: a snapshot event first', async () => {
    const ac = new AbortController();
    const r = await fetch(app.page, {
      headers: { accept: 'text/event-stream', authorization: basic('ops', 's3cret-pass') },
      signal: ac.signal,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/event-stream');
    const reader = r.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: snapshot');
    expect(app.dashboard.stats().clients).toBe(1);
    ac.abort();
    await new Promise((res) => setTimeout(res, 100));
    expect(app.dashboard.stats().clients).toBe(0);
    expect(app.dashboard.stats().ticking).toBe(false);
  });

  it('answers a foreign Host with 421 before asking for credentials', async () => {
    for (const p of ['', 'app.js', 'api/snapshot']) {
      const r = await raw(`${app.page}${p}`, {
        host: 'evil.example',
        authorization: basic('ops', 's3cret-pass'),
      });
      expect(r.status).toBe(421);
      expect(r.headers['www-authenticate']).toBeUndefined();
    }
    const stream = await raw(app.page, { host: 'evil.example:80', accept: 'text/event-stream' });
    expect(stream.status).toBe(421);
    expect(String(stream.headers['content-type'])).not.toContain('event-stream');
    const ok = await raw(`${app.page}api/snapshot`, {
      host: `localhost:${app.server.address() && (app.server.address() as { port: number }).port}`,
      authorization: basic('ops', 's3cret-pass'),
    });
    expect(ok.status).toBe(200);
  });

  it('redirects the bare mount path to the slash form with a relative Location', async () => {
    const r = await get(app.page.slice(0, -1), { authorization: basic('ops', 's3cret-pass') });
    expect(r.status).toBe(308);
    expect(r.headers.get('location')).toBe('dashboard/');
  });

  it('refuses cross-origin actions and GET for actions', async () => {
    const auth = basic('ops', 's3cret-pass');
    const cross = await fetch(`${app.page}api/actions/cpu-profile?seconds=1`, {
      method: 'POST',
      headers: { authorization: auth, origin: 'http://evil.example' },
    });
    expect(cross.status).toBe(403);
    const none = await fetch(`${app.page}api/actions/cpu-profile?seconds=1`, {
      method: 'POST',
      headers: { authorization: auth },
    });
    expect(none.status).toBe(403);
    const anon = await fetch(`${app.page}api/actions/cpu-profile?seconds=1`, {
      method: 'POST',
      headers: { origin: app.origin },
    });
    expect(anon.status).toBe(401);
    const ok = await fetch(`${app.page}api/actions/cpu-profile?seconds=1`, {
      method: 'POST',
      headers: { authorization: auth, origin: app.origin },
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { nodes: unknown[] }).nodes.length).toBeGreaterThan(0);
    const again = await fetch(`${app.page}api/actions/cpu-profile?seconds=1`, {
      method: 'POST',
      headers: { authorization: auth, origin: app.origin },
    });
    expect(again.status).toBe(429);
  });

  it('masks secrets in the effective config', async () => {
    const r = await get(`${app.page}api/config`, { authorization: basic('ops', 's3cret-pass') });
    expect(r.body).not.toContain('s3cret-pass');
    expect(JSON.parse(r.body).config.dashboard.auth.password).toBe('****');
  });
});

describe('dashboard without watchers', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('makes no collection and runs no tick while nobody is connected, and never measures itself', async () => {
    await drive(app.origin, '/fast', 20);
    await new Promise((r) => setTimeout(r, 1200));
    expect(app.dashboard.stats()).toMatchObject({ clients: 0, ticking: false, collections: 0, frames: 0 });
    for (let i = 0; i < 5; i++) await get(`${app.page}api/snapshot`);
    await get(`${app.page}app.js`);
    const snap = JSON.parse((await get(`${app.page}api/snapshot?window=10s`)).body);
    const names = snap.red.routes.map((r: { name: string }) => r.name);
    expect(names).toEqual(['GET /fast']);
    expect(snap.red.total.count).toBe(20);
    const spans = app.monitoring.tracing.memoryExporter!.getFinishedSpans().map((s) => s.name);
    expect(spans.some((n) => n.includes('dashboard'))).toBe(false);
    expect(spans.filter((n) => n.includes('/fast'))).toHaveLength(20);
  });

  it('keeps rings of recent spans and log lines, read on demand', async () => {
    await drive(app.origin, '/work', 2, 1);
    const body = JSON.parse((await get(`${app.page}api/traces`)).body);
    const traces = body.traces;
    // a trace with a failed span is always chosen; what the ring did is in the handler's stats
    expect(body.selection.tracesKept.error).toBeGreaterThanOrEqual(1);
    expect(app.dashboard.stats().recentSpans).toMatchObject({
      youngCapacity: 256,
      retainedCapacity: 2000,
      dropped: { evicted_before_selection: 0 },
    });
    const work = traces.find((t: { name: string }) => t.name === 'GET /work');
    expect(work).toMatchObject({ spans: 3, errors: 1 });
    const detail = JSON.parse((await get(`${app.page}api/traces/${work.traceId}`)).body);
    expect(detail.waterfall.map((s: { name: string; depth: number }) => [s.name, s.depth])).toEqual([
      ['GET /work', 0],
      ['load-order', 1],
      ['charge-card', 1],
    ]);
    expect(detail.logs.map((l: { msg: string }) => l.msg)).toEqual([
      'work started',
      'work finished with a declined card',
    ]);
  });
});

describe('dashboard config and startup', () => {
  it('refuses a non-loopback address without auth, with a coded ConfigError naming dashboard.auth', () => {
    let err: unknown;
    try {
      loadConfig({ config: { dashboard: { host: '0.0.0.0', port: 9465 } }, env: {}, file: false });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('OTELKIT_ERR_CONFIG_INVALID');
    expect((err as ConfigError).issues.map((i) => i.path)).toEqual(['dashboard.auth']);
    expect(() =>
      startMonitoring({ dashboard: { host: '10.1.2.3' } } as never, { env: {}, file: false }),
    ).toThrow(/dashboard\.auth/);
  });

  it('needs an authorize function for custom auth, and then uses it on every path', async () => {
    await expect(startApp({ dashboard: { auth: 'custom' } })).rejects.toThrow(/authorize/);
    const { getMonitoring } = await import('@otelkit/service');
    await getMonitoring()?.shutdown();
    const app = await startApp({
      dashboard: { auth: 'custom' },
      options: { authorize: (req) => req.headers['x-token'] === 'letmein', challenge: 'Bearer realm="ops"' },
    });
    try {
      const denied = await get(`${app.page}api/snapshot`);
      expect(denied.status).toBe(401);
      expect(denied.headers.get('www-authenticate')).toBe('Bearer realm="ops"');
      expect((await get(`${app.page}api/snapshot`, { 'x-token': 'letmein' })).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('turns the rings off with buffer: false', async () => {
    const app = await startApp({ dashboard: { buffer: false } });
    try {
      expect(app.monitoring.recent).toBeUndefined();
      expect(JSON.parse((await get(`${app.page}api/traces`)).body)).toEqual({ buffer: false, traces: [] });
    } finally {
      await app.close();
    }
  });

  it('ships a script with no HTML parsing or code evaluation', () => {
    const js = readFileSync(join(__dirname, '..', 'assets', 'app.js'), 'utf8');
    for (const sink of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
      'new Function',
      'setTimeout("',
      "setTimeout('",
    ])
      expect(js).not.toContain(sink);
    const html = readFileSync(join(__dirname, '..', 'assets', 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script>(?!<)|\son[a-z]+=|style=|https?:\/\//);
  });
});
