import * as http from 'node:http';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { ConfigError, loadConfig, type OtelkitConfigInput } from '@otelkit/config';
import { createMetrics } from '@otelkit/metrics';

// Issue 14 item 16: the metrics listener bound to a non-loopback address said nothing, and could not
// ask for credentials (Prometheus scrapes with basic_auth or a bearer token).

const slice = (exporter: Record<string, unknown>) =>
  loadConfig({
    config: { metrics: { exporters: [{ type: 'prometheus', port: 0, ...exporter }] } } as OtelkitConfigInput,
    file: false,
    env: {},
  }).metrics;

function get(port: number, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/metrics', method, headers }, (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

function captureWarnings(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const logger: DiagLogger = {
    error: () => {},
    warn: (m: string) => lines.push(m),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(logger, DiagLogLevel.WARN);
  return { lines, restore: () => diag.disable() };
}

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('the Prometheus listener', () => {
  it('warns at startup when bound to a non-loopback address without credentials', async () => {
    const w = captureWarnings();
    const m = createMetrics(slice({ host: '0.0.0.0' }));
    try {
      const address = await m.listening;
      expect(address).not.toBeNull();
      expect(w.lines.join('\n')).toMatch(
        /bound to 0\.0\.0\.0, which is not a loopback address, and asks for no credentials.*metrics\.exporters\[0\]\.auth/,
      );
      expect((await get(address!.port)).status).toBe(200);
    } finally {
      await m.shutdown();
      w.restore();
    }
  });

  it('says nothing on loopback (the default) or with credentials', async () => {
    const w = captureWarnings();
    const a = createMetrics(slice({}));
    const b = createMetrics(slice({ host: '0.0.0.0', auth: { type: 'bearer', token: 't0ken' } }));
    try {
      await a.listening;
      await b.listening;
      expect(w.lines.filter((l) => l.includes('loopback'))).toEqual([]);
    } finally {
      await a.shutdown();
      await b.shutdown();
      w.restore();
    }
  });

  it('asks for Basic credentials: 401 with WWW-Authenticate without them or with wrong ones', async () => {
    const m = createMetrics(slice({ host: '0.0.0.0', auth: { username: 'prom', password: 's3cret' } }));
    try {
      const { port } = (await m.listening)!;
      for (const headers of <Array<Record<string, string>>>[
        {},
        { authorization: basic('prom', 'wrong') },
        { authorization: basic('other', 's3cret') },
        { authorization: 'Bearer s3cret' },
      ]) {
        const res = await get(port, headers);
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Basic realm="otelkit metrics", charset="UTF-8"');
        expect(res.body).not.toContain('# HELP');
      }
      // not even the method check answers without credentials
      expect((await get(port, {}, 'POST')).status).toBe(401);
      const ok = await get(port, { authorization: basic('prom', 's3cret') });
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('# HELP');
    } finally {
      await m.shutdown();
    }
  });

  it('asks for a bearer token, on the handler too', async () => {
    const m = createMetrics(slice({ auth: { type: 'bearer', token: 't0ken' } }));
    try {
      const { port } = (await m.listening)!;
      const denied = await get(port, { authorization: 'Bearer nope' });
      expect(denied.status).toBe(401);
      expect(denied.headers['www-authenticate']).toBe('Bearer realm="otelkit metrics"');
      expect((await get(port, { authorization: 'Bearer t0ken' })).status).toBe(200);
      // the same handler mounted on the app's own server checks the same credentials
      const server = http.createServer(m.handler);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const own = (server.address() as { port: number }).port;
      expect((await get(own)).status).toBe(401);
      expect((await get(own, { authorization: 'bearer t0ken' })).status).toBe(200);
      await new Promise((r) => server.close(r));
    } finally {
      await m.shutdown();
    }
  });

  it('refuses incomplete or unknown credentials at config load, naming the field', () => {
    const paths = (exporter: Record<string, unknown>) =>
      configErrorOf(() => slice(exporter)).issues.map((i) => `${i.path}: ${i.message}`);
    expect(paths({ auth: { username: 'prom' } }).join('\n')).toMatch(
      /metrics\.exporters\[0\]\.auth\.password/,
    );
    expect(paths({ auth: { type: 'bearer' } }).join('\n')).toMatch(/metrics\.exporters\[0\]\.auth\.token/);
    expect(paths({ auth: { type: 'digest', username: 'a', password: 'b' } }).join('\n')).toMatch(
      /metrics\.exporters\[0\]\.auth\.type.*basic.*bearer/,
    );
    expect(paths({ auth: { type: 'bearer', token: 't', username: 'x' } }).join('\n')).toMatch(
      /metrics\.exporters\[0\]\.auth\.username/,
    );
  });
});
