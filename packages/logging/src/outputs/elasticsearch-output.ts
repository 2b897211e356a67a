import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { context, diag } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import {
  boundedRequest,
  type ElasticsearchLogOutputConfig,
  retryAfterMillis,
  settleWithin,
} from '@otelkit/config';
import type { LogDropReason, LogOutputStats } from '../types';
import { DropCounts } from './drop-reasons';
import type { LogOutput } from './log-output';

interface PendingDoc {
  id: string;
  doc: string;
  attempts: number;
}

interface BulkResult {
  /** Documents to send again (429/5xx items, or the whole batch). */
  retry: PendingDoc[];
  delivered: number;
  /** Documents refused for good (4xx item, non-Elasticsearch answer, redirect). */
  rejected: number;
  /** Wait at least this long before the next request (backoff after a failure). */
  backoff: boolean;
  /** What the server's `Retry-After` asked for, clamped (see `retryAfterMillis`). */
  retryAfter?: number;
}

const MAX_BACKOFF_MILLIS = 5000;
/** Bytes of a `_bulk` answer read per document sent (an item with an error is a few hundred). */
const RESPONSE_BYTES_PER_DOC = 4096;
const MIN_RESPONSE_BYTES = 1024 * 1024;
const BASE_BACKOFF_MILLIS = 100;

/**
 * Ships lines to Elasticsearch with the `_bulk` API.
 *
 * - One request in flight at a time, at most `maxBatchSize` documents, every
 *   `flushIntervalMillis` or as soon as a full batch is waiting.
 * - Memory is bounded: past `maxBufferedLines` (waiting + in flight) new lines are dropped and
 *   counted; the application is never slowed down or failed.
 * - Exactly once: every document gets an `_id` when it is accepted and is written with
 *   `create`, so a retry after a lost answer gets `409` for what was already stored, which counts
 *   as delivered.
 * - Retries on 429, 5xx, network errors and timeouts, for the whole batch or for the failed items
 *   of a partial failure, with exponential backoff, at most `maxRetries` times per document; then
 *   the document is dropped and counted. Other 4xx (mapping errors…) are dropped at once.
 * - Every request has a total deadline of `timeoutMillis` (connect to last byte, not an idle
 *   timeout) and reads at most max(1 MiB, 4 KiB per document) of the answer; a longer answer is
 *   a failed attempt (retried: the ids make it safe). A `Retry-After` on 429/5xx is honoured,
 *   clamped to at least 1 s (with jitter) and at most 60 s.
 * - Answers without `x-elastic-product: Elasticsearch` are refused (as the official client does),
 *   redirects are never followed.
 * - Lines without `@timestamp` (pino JSON format) get one from pino's `time`, so they are valid
 *   data stream documents.
 */
export function createElasticsearchOutput(config: ElasticsearchLogOutputConfig): LogOutput {
  // Every node of the cluster, `node` first; a failed _bulk moves on to the next (failover).
  const nodeList = config.nodes !== undefined && config.nodes.length > 0 ? config.nodes : [config.node];
  // The slice is normalised (`normalizeLogging` checked every node URL and the index).
  const urls = nodeList.map((node) => new URL('_bulk', node.endsWith('/') ? node : `${node}/`));
  let current = 0;

  const agents = urls.map((u) =>
    u.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, maxSockets: 1 })
      : new http.Agent({ keepAlive: true, maxSockets: 1 }),
  );
  const maxResponseBytes = Math.max(MIN_RESPONSE_BYTES, config.maxBatchSize * RESPONSE_BYTES_PER_DOC);
  // Data streams only accept `create`; into an index, `index` with our `_id` is idempotent too.
  const op = config.dataStream ? 'create' : 'index';
  const actionPrefix = `{"${op}":{"_index":${JSON.stringify(config.index)},"_id":"`;
  const headers: Record<string, string> = {
    ...config.headers,
    'content-type': 'application/x-ndjson',
    accept: 'application/json',
  };
  if (config.auth && 'apiKey' in config.auth) headers.authorization = `ApiKey ${config.auth.apiKey}`;
  else if (config.auth)
    headers.authorization = `Basic ${Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64')}`;

  // Ids: a random per-process prefix and a counter; unique without a random call per line.
  const idPrefix = randomBytes(9).toString('base64url');
  let idCounter = 0;

  let queue: PendingDoc[] = [];
  let inFlight = 0;
  let sending = false;
  let notBefore = 0;
  let consecutiveFailures = 0;
  let closed = false;
  let lines = 0;
  const dropped = new DropCounts();
  let errors = 0;
  let delivered = 0;
  let retried = 0;
  let warnedDrop = false;
  /** The last _bulk failed or was refused; cleared by the next Elasticsearch answer that stores. */
  let failing = false;
  let withheld = 0;
  let kickScheduled = false;
  let idleWaiters: Array<() => void> = [];

  const interval = setInterval(() => kick(), config.flushIntervalMillis);
  interval.unref();

  function drop(n: number, reason: LogDropReason, why: string): void {
    dropped.add(reason, n);
    if (!warnedDrop || dropped.total % 10_000 < n) {
      warnedDrop = true;
      diag.warn(
        `@otelkit/logging: ${n} log line(s) not shipped to Elasticsearch (${why}); ${dropped.total} dropped so far`,
      );
    }
  }

  function kick(): void {
    if (sending || queue.length === 0) {
      if (!sending && queue.length === 0) notifyIdle();
      return;
    }
    const wait = notBefore - Date.now();
    if (wait > 0) {
      if (!kickScheduled) {
        kickScheduled = true;
        setTimeout(() => {
          kickScheduled = false;
          kick();
        }, wait).unref();
      }
      return;
    }
    sending = true;
    const batch = queue.splice(0, config.maxBatchSize);
    inFlight = batch.length;
    sendBulk(batch).then((result) => {
      inFlight = 0;
      // Shut down while this request was out: its documents were already counted as dropped.
      if (closed) return;
      delivered += result.delivered;
      if (result.rejected > 0) drop(result.rejected, 'rejected', 'refused by the server');
      const again: PendingDoc[] = [];
      for (const d of result.retry) {
        d.attempts++;
        if (d.attempts > config.maxRetries)
          drop(1, 'export_failed', `still failing after ${config.maxRetries} retries`);
        else again.push(d);
      }
      retried += again.length;
      if (again.length > 0) queue = again.concat(queue);
      if (result.backoff) {
        // A partial failure (some items stored) backs off briefly; only requests that store
        // nothing escalate the backoff.
        consecutiveFailures = result.delivered > 0 ? 1 : consecutiveFailures + 1;
        const exp = Math.min(MAX_BACKOFF_MILLIS, BASE_BACKOFF_MILLIS * 2 ** (consecutiveFailures - 1));
        const wait = exp / 2 + Math.random() * (exp / 2);
        notBefore = Date.now() + Math.max(wait, result.retryAfter ?? 0);
      } else {
        consecutiveFailures = 0;
      }
      sending = false;
      if (
        queue.length >= config.maxBatchSize ||
        (queue.length > 0 && (idleWaiters.length > 0 || result.backoff))
      )
        kick();
      else if (queue.length === 0) notifyIdle();
    });
  }

  function notifyIdle(): void {
    if (idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  function sendBulk(batch: PendingDoc[]): Promise<BulkResult> {
    let body = '';
    for (const d of batch) body += `${actionPrefix}${d.id}"}}\n${d.doc}\n`;
    const fail = (why: string, err?: unknown, retryAfter?: number): BulkResult => {
      errors++;
      failing = true;
      // the next try goes to the next node (a one-node cluster retries the same one)
      current = (current + 1) % urls.length;
      if (consecutiveFailures === 0)
        diag.warn(`@otelkit/logging: Elasticsearch _bulk failed (${why}); will retry`, err);
      return { retry: batch, delivered: 0, rejected: 0, backoff: true, retryAfter };
    };
    const refuse = (why: string): BulkResult => {
      errors++;
      failing = true;
      diag.error(`@otelkit/logging: Elasticsearch _bulk refused (${why}); ${batch.length} line(s) dropped`);
      return { retry: [], delivered: 0, rejected: batch.length, backoff: true };
    };
    // Our own shipping traffic is never traced (it would trace itself, and reach ES again).
    const sent = context.with(suppressTracing(context.active()), () =>
      boundedRequest(urls[current] as URL, {
        method: 'POST',
        agent: agents[current],
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        body,
        timeoutMillis: config.timeoutMillis,
        maxResponseBytes,
      }),
    );
    return sent.then(
      (res) => {
        const status = res.status;
        if (status === 429 || status >= 500)
          return fail(`HTTP ${status}`, undefined, retryAfterMillis(res.headers['retry-after']));
        if (status >= 300 && status < 400)
          return refuse(
            `HTTP ${status} redirect to ${res.headers.location ?? '?'}; redirects are not followed`,
          );
        if (status < 200 || status >= 300)
          return refuse(`HTTP ${status}: ${res.body.toString('utf8').slice(0, 300)}`);
        if (res.headers['x-elastic-product'] !== 'Elasticsearch') {
          return refuse('the server is not Elasticsearch: no x-elastic-product: Elasticsearch header');
        }
        // A cut answer cannot tell which items were stored; the ids make sending them again safe.
        if (res.truncated) return fail(`answer larger than ${maxResponseBytes} bytes`);
        let parsed: {
          errors?: boolean;
          items?: Array<Record<string, { status?: number; error?: unknown }>>;
        };
        try {
          parsed = JSON.parse(res.body.toString('utf8'));
        } catch {
          return fail('unparseable response');
        }
        failing = false;
        if (!parsed.errors) return { retry: [], delivered: batch.length, rejected: 0, backoff: false };
        const items = parsed.items ?? [];
        const retry: PendingDoc[] = [];
        let ok = 0;
        let rejected = 0;
        let firstError: unknown;
        for (let i = 0; i < batch.length; i++) {
          const item = items[i];
          const result = item ? (item.create ?? item.index ?? Object.values(item)[0]) : undefined;
          const s = result?.status ?? 0;
          if ((s >= 200 && s < 300) || s === 409) ok++;
          else if (s === 429 || s >= 500 || s === 0) retry.push(batch[i] as PendingDoc);
          else {
            rejected++;
            firstError ??= result?.error;
          }
        }
        if (rejected > 0) diag.error('@otelkit/logging: Elasticsearch rejected documents', firstError);
        if (retry.length > 0) errors++;
        return { retry, delivered: ok, rejected, backoff: retry.length > 0 };
      },
      (err: Error) => fail(err.message, err),
    );
  }

  function toDocument(line: string): string {
    let doc = line.charCodeAt(line.length - 1) === 10 ? line.slice(0, -1) : line;
    if (!doc.includes('"@timestamp"')) {
      // pino JSON: `{"level":30,"time":1700000000000,...` → add an ISO @timestamp for data streams.
      const m = /"time":(\d+)/.exec(doc.slice(0, 64));
      const ts = new Date(m ? Number(m[1]) : Date.now()).toISOString();
      doc = `{"@timestamp":"${ts}",${doc.slice(1)}`;
    }
    return doc;
  }

  return {
    type: 'elasticsearch',
    write(line: string): void {
      if (closed) {
        drop(1, 'shutdown', 'output shut down');
        return;
      }
      if (queue.length + inFlight >= config.maxBufferedLines) {
        drop(1, 'buffer_full', `buffer full (${config.maxBufferedLines} lines)`);
        return;
      }
      lines++;
      idCounter++;
      queue.push({ id: `${idPrefix}${idCounter.toString(36)}`, doc: toDocument(line), attempts: 0 });
      if (queue.length >= config.maxBatchSize && !sending && !kickScheduled) {
        kickScheduled = true;
        setImmediate(() => {
          kickScheduled = false;
          kick();
        });
      }
    },
    flushSync(): void {},
    flush(deadline: number): Promise<void> {
      if (queue.length === 0 && !sending) return Promise.resolve();
      const idle = new Promise<void>((resolve) => idleWaiters.push(resolve));
      kick();
      return settleWithin(idle, deadline - Date.now()).then(() => undefined);
    },
    async shutdown(deadline: number): Promise<void> {
      if (closed) return;
      await this.flush(deadline);
      closed = true;
      clearInterval(interval);
      const left = queue.length + inFlight;
      if (left > 0) drop(left, 'shutdown', 'shutdown deadline reached');
      queue = [];
      for (const a of agents) a.destroy();
    },
    stats(): LogOutputStats {
      return {
        type: 'elasticsearch',
        // the node shipping now (after a failover, not the first)
        target: `${(urls[current] as URL).origin}/${config.index}`,
        lines,
        dropped: dropped.total,
        droppedByReason: dropped.byReason(),
        errors,
        delivered,
        buffered: queue.length + inFlight,
        retried,
        withheld,
      };
    },
    failing: () => failing,
    withhold(): void {
      withheld++;
    },
  };
}
