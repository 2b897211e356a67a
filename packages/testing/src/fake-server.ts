import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the fake server does with one request.
 *
 * - `ok`: answer `status` (default 200) with `body` and `headers`.
 * - `status`: answer `status` with an optional `retryAfter` header value, sent verbatim
 *   (`'0'`, `'-1'`, `'abc'`, an HTTP date…).
 * - `hang`: read the request and never answer (the socket stays open).
 * - `reset`: destroy the socket as soon as the request arrived (no answer).
 * - `trickle`: send the status line and headers, then `chunk` every `everyMillis`, forever.
 * - `endless`: send the status line and headers, then write `chunk` as fast as the socket takes it, forever.
 * - `huge`: answer with a body of `bytes` bytes (written in 64 KiB chunks).
 * - `elasticsearch`: a minimal `_bulk` endpoint: every document is stored (`201`), the answer
 *   carries `x-elastic-product: Elasticsearch`.
 */
export type FakeBehaviour =
  | { kind: 'ok'; status?: number; body?: string; headers?: Record<string, string> }
  | { kind: 'status'; status: number; retryAfter?: string; body?: string; headers?: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | {
      kind: 'trickle';
      status?: number;
      everyMillis?: number;
      chunk?: string;
      headers?: Record<string, string>;
    }
  | { kind: 'endless'; status?: number; chunk?: string; headers?: Record<string, string> }
  | { kind: 'huge'; status?: number; bytes: number; headers?: Record<string, string> }
  | { kind: 'elasticsearch' };

/** A fixed behaviour, a list played in order (the last one repeats), or a function of the request's index. */
export type FakeScript =
  | FakeBehaviour
  | FakeBehaviour[]
  | ((request: FakeRequest, index: number) => FakeBehaviour);

/** One request the fake server received. */
export interface FakeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** `Date.now()` when the request's body had arrived. */
  readonly at: number;
  /** The behaviour that answered it. */
  readonly behaviour: FakeBehaviour['kind'];
}

/** Options of {@link createFakeServer}. */
export interface FakeServerOptions {
  /** @default { kind: 'ok' } */
  behaviour?: FakeScript;
  /** Bytes of request bodies kept per request (the rest is counted, not kept). @default 1 MiB */
  maxKeptRequestBytes?: number;
}

/** A running fake collector / fake Elasticsearch. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Every request received, whatever its fate. */
  readonly requests: readonly FakeRequest[];
  /** Documents the `elasticsearch` behaviour stored (the source lines, in order). */
  readonly documents: readonly string[];
  /** Response body bytes written so far, over all requests. */
  readonly bytesSent: number;
  /** Replace the script; request indexes restart at 0. */
  setBehaviour(script: FakeScript): void;
  /** Connections open now (a client that cut its request closes its connection). */
  openConnections(): number;
  /** Stop listening and cut every connection: later connections are refused. */
  refuse(): Promise<void>;
  /** Listen again on the same port after {@link FakeServer.refuse}. */
  resume(): Promise<void>;
  /** Resolves once `predicate` holds (checked on every request), or rejects after `timeoutMillis`. */
  waitFor(predicate: (server: FakeServer) => boolean, timeoutMillis?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A playground HTTP server on 127.0.0.1 (port 0) for fault tests of exporters and shippers: it
 * can refuse, hang, reset, trickle, answer endless or huge bodies, return 429/5xx with any
 * `Retry-After`, and flap (a list or a function of the request index).
 *
 * @example
 * const es = await createFakeServer({ behaviour: [{ kind: 'status', status: 429, retryAfter: '0' }, { kind: 'elasticsearch' }] });
 * // ... point the Elasticsearch output at es.url ...
 * await es.waitFor((s) => s.documents.length === 10);
 * await es.close();
 */
export async function createFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  let script: FakeScript = options.behaviour ?? { kind: 'ok' };
  let index = 0;
  const maxKept = options.maxKeptRequestBytes ?? 1024 * 1024;
  const requests: FakeRequest[] = [];
  const documents: string[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  let bytesSent = 0;
  let port = 0;

  const pick = (req: FakeRequest, i: number): FakeBehaviour => {
    if (typeof script === 'function') return script(req, i);
    if (Array.isArray(script)) return script[Math.min(i, script.length - 1)] ?? { kind: 'ok' };
    return script;
  };

  const send = (res: http.ServerResponse, chunk: string | Buffer): boolean => {
    bytesSent += Buffer.byteLength(chunk);
    return res.write(chunk);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    req.on('data', (c: Buffer) => {
      if (kept < maxKept) chunks.push(c);
      kept += c.length;
    });
    req.on('end', () => {
      const partial = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      const behaviour = pick({ ...partial, behaviour: 'ok' }, index++);
      requests.push({ ...partial, behaviour: behaviour.kind });
      answer(behaviour, partial.body, res, req.socket);
      for (const w of [...waiters]) w();
    });
  });

  function answer(b: FakeBehaviour, body: Buffer, res: http.ServerResponse, socket: Socket): void {
    switch (b.kind) {
      case 'ok': {
        const text = b.body ?? '{}';
        bytesSent += Buffer.byteLength(text);
        res.writeHead(b.status ?? 200, { 'content-type': 'application/json', ...b.headers });
        res.end(text);
        return;
      }
      case 'status': {
        const headers: Record<string, string> = { 'content-type': 'application/json', ...b.headers };
        if (b.retryAfter !== undefined) headers['retry-after'] = b.retryAfter;
        const text = b.body ?? '{}';
        bytesSent += Buffer.byteLength(text);
        res.writeHead(b.status, headers);
        res.end(text);
        return;
      }
      case 'hang':
        return;
      case 'reset':
        socket.destroy();
        return;
      case 'trickle': {
        res.writeHead(b.status ?? 200, {
          'content-type': 'application/json',
          'x-elastic-product': 'Elasticsearch',
          ...b.headers,
        });
        const chunk = b.chunk ?? ' ';
        const timer = setInterval(() => {
          if (res.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
            return;
          }
          send(res, chunk);
        }, b.everyMillis ?? 50);
        timers.add(timer);
        res.on('close', () => {
          clearInterval(timer);
          timers.delete(timer);
        });
        return;
      }
      case 'endless': {
        res.writeHead(b.status ?? 200, {
          'content-type': 'application/json',
          'x-elastic-product': 'Elasticsearch',
          ...b.headers,
        });
        const chunk = Buffer.from(b.chunk ?? ' '.repeat(64 * 1024));
        const pump = (): void => {
          while (!res.destroyed && send(res, chunk)) {
            // keep writing while the socket takes it
          }
        };
        res.on('drain', pump);
        pump();
        return;
      }
      case 'huge': {
        res.writeHead(b.status ?? 200, {
          'content-type': 'application/json',
          'x-elastic-product': 'Elasticsearch',
          'content-length': String(b.bytes),
          ...b.headers,
        });
        let left = b.bytes;
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = (): void => {
          while (left > 0 && !res.destroyed) {
            const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
            left -= piece.length;
            if (!send(res, piece)) return;
          }
          if (left === 0) res.end();
        };
        res.on('drain', pump);
        pump();
        return;
      }
      case 'elasticsearch': {
        const lines = body.toString('utf8').split('\n').filter(Boolean);
        const items: unknown[] = [];
        for (let i = 0; i + 1 < lines.length; i += 2) {
          const action = JSON.parse(lines[i] as string) as Record<string, { _id?: string }>;
          const op = Object.keys(action)[0] ?? 'index';
          documents.push(lines[i + 1] as string);
          items.push({ [op]: { _id: action[op]?._id, status: 201 } });
        }
        const text = JSON.stringify({ errors: false, took: 1, items });
        bytesSent += Buffer.byteLength(text);
        res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
        res.end(text);
        return;
      }
    }
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const listen = (p: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });

  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      for (const t of timers) clearInterval(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });

  await listen(0);

  const handle: FakeServer = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    requests,
    documents,
    openConnections: () => sockets.size,
    get bytesSent() {
      return bytesSent;
    },
    setBehaviour(next) {
      script = next;
      index = 0;
    },
    refuse: stop,
    resume: () => listen(port),
    waitFor(predicate, timeoutMillis = 10_000) {
      if (predicate(handle)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!predicate(handle)) return;
          cleanup();
          resolve();
        };
        const poll = setInterval(check, 20);
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`fake server: condition not met within ${timeoutMillis} ms`));
        }, timeoutMillis);
        const cleanup = (): void => {
          clearInterval(poll);
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
      });
    },
    close: stop,
  };
  return handle;
}

/**
 * A flapping script: `upFor` requests answered by `up`, then `downFor` by `down`, and again.
 *
 * @example
 * fake.setBehaviour(flap({ kind: 'elasticsearch' }, { kind: 'status', status: 503 }, 2, 3));
 */
export function flap(
  up: FakeBehaviour,
  down: FakeBehaviour,
  upFor = 1,
  downFor = 1,
): (request: FakeRequest, index: number) => FakeBehaviour {
  return (_request, i) => (i % (upFor + downFor) < upFor ? up : down);
}
