import * as http from 'node:http';
import { createFakeServer, flap } from '../src';

function post(
  url: string,
  body = '{}',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('createFakeServer', () => {
  it('listens on 127.0.0.1 on a free port and records every request', async () => {
    const s = await createFakeServer();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await post(s.url, '{"a":1}')).status).toBe(200);
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]?.body.toString()).toBe('{"a":1}');
    await s.close();
  });

  it('plays a script: status with any Retry-After, then ok; flap alternates', async () => {
    const s = await createFakeServer({
      behaviour: [{ kind: 'status', status: 429, retryAfter: 'abc' }, { kind: 'ok' }],
    });
    const first = await post(s.url);
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('abc');
    expect((await post(s.url)).status).toBe(200);
    expect((await post(s.url)).status).toBe(200);
    s.setBehaviour(flap({ kind: 'ok' }, { kind: 'status', status: 503 }, 1, 2));
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(s.url)).status);
    expect(statuses).toEqual([200, 503, 503, 200, 503, 503]);
    await s.close();
  });

  it('answers huge bodies in full, and refuses connections until resumed', async () => {
    const s = await createFakeServer({ behaviour: { kind: 'huge', bytes: 3 * 1024 * 1024 + 7 } });
    expect((await post(s.url)).bytes).toBe(3 * 1024 * 1024 + 7);
    await s.refuse();
    await expect(post(s.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await s.resume();
    expect((await post(s.url)).status).toBe(200);
    await s.close();
  });

  it('acts as an Elasticsearch _bulk endpoint and stores the documents', async () => {
    const s = await createFakeServer({ behaviour: { kind: 'elasticsearch' } });
    const res = await post(
      `${s.url}/_bulk`,
      '{"create":{"_id":"a"}}\n{"m":1}\n{"create":{"_id":"b"}}\n{"m":2}\n',
    );
    expect(res.headers['x-elastic-product']).toBe('Elasticsearch');
    expect(s.documents).toEqual(['{"m":1}', '{"m":2}']);
    await s.close();
  });

  it('keeps sending an endless body and a trickle until the client goes away', async () => {
    for (const behaviour of [{ kind: 'endless' as const }, { kind: 'trickle' as const, everyMillis: 5 }]) {
      const s = await createFakeServer({ behaviour });
      await new Promise<void>((resolve) => {
        const req = http.request(s.url, { method: 'POST' }, (res) => {
          let bytes = 0;
          res.on('data', (c: Buffer) => {
            bytes += c.length;
            if (bytes > 20) {
              req.destroy();
              resolve();
            }
          });
        });
        req.on('error', () => {});
        req.end('{}');
      });
      expect(s.bytesSent).toBeGreaterThan(20);
      await s.close();
    }
  });
});
