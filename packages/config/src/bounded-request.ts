import * as http from 'node:http';
import * as https from 'node:https';

/** Options of {@link boundedRequest}. */
export interface BoundedRequestOptions {
  method?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  agent?: http.Agent;
  /** Total deadline of the request, from the call to the last byte of the answer (not an idle timeout). */
  timeoutMillis: number;
  /** Bytes of the response body kept; past them the response is cut and `truncated` is set. */
  maxResponseBytes: number;
}

/** The answer of {@link boundedRequest}. */
export interface BoundedResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** At most `maxResponseBytes` bytes. */
  readonly body: Buffer;
  /** The server sent more than `maxResponseBytes`: the rest was not read and the connection was closed. */
  readonly truncated: boolean;
}

/**
 * One HTTP(S) request with a bounded cost: the response body is read up to `maxResponseBytes`
 * (then the connection is destroyed and the answer is marked `truncated`), and the whole exchange
 * — connect, send, headers, body — must finish within `timeoutMillis`, so a server that trickles
 * a byte a second or sends an endless body cannot hold the caller or grow its memory. Redirects
 * are never followed (node:http does not). Rejects with an `Error` on network errors and at the
 * deadline; never throws synchronously.
 *
 * The deadline timer is `unref()`ed: an open socket keeps the process alive on its own, and once
 * it is gone nothing is left to wait for.
 *
 * Called inside `context.with(suppressTracing(...))` by the callers, so our own traffic is not traced.
 *
 * @example
 * const res = await boundedRequest(new URL('http://127.0.0.1:9200/_bulk'), { method: 'POST', body, timeoutMillis: 10_000, maxResponseBytes: 1 << 20 });
 */
export function boundedRequest(url: URL, options: BoundedRequestOptions): Promise<BoundedResponse> {
  return new Promise<BoundedResponse>((resolve, reject) => {
    let settled = false;
    let req: http.ClientRequest | undefined;
    const timer = setTimeout(
      () => {
        req?.destroy();
        fail(new Error(`timed out after ${options.timeoutMillis} ms (total deadline)`));
      },
      Math.min(2_147_483_647, Math.max(1, options.timeoutMillis)),
    );
    timer.unref();
    // (no instanceof Error: node's errors may come from another realm, e.g. under jest)
    function finish(result: BoundedResponse): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    }
    function fail(err: unknown): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    }
    try {
      const transport = url.protocol === 'https:' ? https : http;
      req = transport.request(url, {
        method: options.method ?? 'POST',
        headers: options.headers,
        agent: options.agent,
      });
    } catch (err) {
      fail(err);
      return;
    }
    const request = req;
    request.on('error', (err) => fail(err));
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        const room = options.maxResponseBytes - size;
        if (chunk.length > room) {
          if (room > 0) chunks.push(chunk.subarray(0, room));
          size += Math.max(0, room);
          finish({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            truncated: true,
          });
          // The rest is never read: close this connection (it cannot be reused mid-body).
          res.destroy();
          request.destroy();
          return;
        }
        size += chunk.length;
        chunks.push(chunk);
      });
      res.on('error', (err) => fail(err));
      res.on('aborted', () => fail(new Error('response aborted')));
      res.on('end', () =>
        finish({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          truncated: false,
        }),
      );
    });
    request.end(options.body);
  });
}

/** The shortest wait a `Retry-After` may impose on a retry, before jitter. */
export const MIN_RETRY_AFTER_MILLIS = 1000;

/**
 * The wait a `Retry-After` header asks for, clamped to `[minMillis, maxMillis]` with ±20 % jitter
 * (never below `minMillis`): `0`, negative numbers, garbage and dates in the past give
 * `minMillis` plus jitter, never a tight retry loop. `undefined` when there is no header.
 *
 * @example
 * retryAfterMillis('abc') // → 1000..1200
 * retryAfterMillis('120', { maxMillis: 30_000 }) // → 30_000 (capped)
 */
export function retryAfterMillis(
  header: string | string[] | undefined,
  { minMillis = MIN_RETRY_AFTER_MILLIS, maxMillis = 60_000, now = Date.now() } = {},
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const text = value.trim();
  let millis = Number.NaN;
  if (/^\d+$/.test(text)) millis = Number(text) * 1000;
  else if (text.length > 0 && !/^[+-]?\d/.test(text)) millis = Date.parse(text) - now;
  const wanted = Number.isFinite(millis) && millis > minMillis ? millis : minMillis;
  const base = Math.min(maxMillis, wanted);
  // jitter upward only, so the floor holds; capped at maxMillis.
  return Math.min(maxMillis, base * (1 + Math.random() * 0.2));
}
