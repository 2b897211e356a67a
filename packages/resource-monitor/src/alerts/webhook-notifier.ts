import * as http from 'node:http';
import * as https from 'node:https';
import { context, diag } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { boundedRequest, checkInteger, checkOptionKeys, retryAfterMillis } from '@otelkit/config';
import type { MutableCounters } from '../internal/counters';
import type { AlertEvent, WebhookOptions } from '../types';

const WEBHOOK_KEYS = [
  'url',
  'headers',
  'timeoutMillis',
  'maxRetries',
  'backoffMillis',
  'maxQueueSize',
] as const satisfies readonly (keyof WebhookOptions)[];

const MAX_BACKOFF_MILLIS = 10_000;

type Outcome = { ok: true } | { ok: false; retry: boolean; reason: string; retryAfter?: number };

/** Bytes of a webhook answer read (only its status is used). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Sends each alert event as one JSON POST. One request at a time, a bounded queue (new events
 * are dropped and counted when it is full), bounded retries with exponential backoff on network
 * errors, timeouts, 408, 429 and 5xx (a `Retry-After` is honoured, at least 1 s, at most 10 s).
 * Redirects are never followed: a 3xx is a failure. Each request has a total deadline of
 * `timeoutMillis` (connect to last byte) and at most 64 KiB of its answer is read.
 */
export class WebhookNotifier {
  readonly url: URL;
  private readonly _headers: Record<string, string>;
  private readonly _timeoutMillis: number;
  private readonly _maxRetries: number;
  private readonly _backoffMillis: number;
  private readonly _maxQueueSize: number;
  private readonly _queue: AlertEvent[] = [];
  private _running = false;
  private _closed = false;
  private _idle: Array<() => void> = [];
  private _wake: (() => void) | undefined;
  private readonly _agent: http.Agent;

  constructor(
    options: WebhookOptions,
    private readonly _counters: MutableCounters,
    field = 'webhook',
  ) {
    if (!options || typeof options.url !== 'string')
      throw new Error(`${field}.url must be an http(s) URL string`);
    checkOptionKeys(options, WEBHOOK_KEYS, field);
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new Error(`${field}.url is not a valid URL: ${JSON.stringify(options.url)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`${field}.url must use http: or https:, got ${url.protocol}`);
    }
    this.url = url;
    // One socket, dropped when shut down (it carries a request that may still be out).
    this._agent = new (url.protocol === 'https:' ? https : http).Agent({ keepAlive: false, maxSockets: 1 });
    this._headers = { ...(options.headers ?? {}) };
    this._timeoutMillis = checkInteger(options.timeoutMillis, `${field}.timeoutMillis`, {
      min: 1,
      default: 5000,
    });
    this._maxRetries = checkInteger(options.maxRetries, `${field}.maxRetries`, { min: 0, default: 3 });
    this._backoffMillis = checkInteger(options.backoffMillis, `${field}.backoffMillis`, {
      min: 0,
      default: 250,
    });
    this._maxQueueSize = checkInteger(options.maxQueueSize, `${field}.maxQueueSize`, {
      min: 1,
      default: 100,
    });
  }

  /** Events waiting (not counting the one being sent). */
  get queued(): number {
    return this._queue.length;
  }

  enqueue(event: AlertEvent): void {
    if (this._closed || this._queue.length >= this._maxQueueSize) {
      this._counters.webhookDropped++;
      return;
    }
    this._queue.push(event);
    if (!this._running) void this._run();
  }

  /** Resolves when the queue is empty, or after `timeoutMillis`. */
  flush(timeoutMillis: number): Promise<void> {
    if (!this._running && this._queue.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // awaited by the caller (flush/shutdown), so it keeps the process alive for its bounded time
      const timer = setTimeout(done, timeoutMillis);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this._idle.push(done);
    });
  }

  /** Stops accepting events, sends what it can within the budget, drops (and counts) the rest. */
  async shutdown(timeoutMillis: number): Promise<void> {
    this._closed = true;
    await this.flush(timeoutMillis);
    const left = this._queue.splice(0);
    this._counters.webhookDropped += left.length;
    this._wake?.();
    this._agent.destroy();
  }

  private async _run(): Promise<void> {
    this._running = true;
    try {
      for (let event = this._queue.shift(); event; event = this._queue.shift()) {
        await this._deliver(event);
      }
    } finally {
      this._running = false;
      for (const done of this._idle.splice(0)) done();
    }
  }

  private async _deliver(event: AlertEvent): Promise<void> {
    const body = JSON.stringify(event);
    for (let attempt = 0; ; attempt++) {
      const outcome = await this._post(body);
      if (outcome.ok) {
        this._counters.webhookSent++;
        return;
      }
      if (!outcome.retry || attempt >= this._maxRetries || this._closed) {
        this._counters.webhookFailed++;
        diag.warn(`@otelkit/resource-monitor: webhook ${this.url.origin} failed: ${outcome.reason}`);
        return;
      }
      this._counters.webhookRetries++;
      const base = Math.min(MAX_BACKOFF_MILLIS, this._backoffMillis * 2 ** attempt);
      // A Retry-After (clamped to at least 1 s: `0`, `-1`, `abc` never make a tight loop) wins when longer.
      await this._sleep(Math.max(base * (0.8 + Math.random() * 0.4), outcome.retryAfter ?? 0));
    }
  }

  private _sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this._wake = undefined;
        resolve();
      }, ms);
      timer.unref();
      this._wake = () => {
        clearTimeout(timer);
        this._wake = undefined;
        resolve();
      };
    });
  }

  private _post(body: string): Promise<Outcome> {
    // Alert deliveries are never traced (the http instrumentation would make spans of our own traffic).
    const sent = context.with(suppressTracing(context.active()), () =>
      boundedRequest(this.url, {
        method: 'POST',
        headers: {
          ...this._headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': '@otelkit/resource-monitor',
        },
        body,
        agent: this._agent,
        timeoutMillis: this._timeoutMillis,
        // Only the status matters: an answer is read up to this much, never more.
        maxResponseBytes: MAX_RESPONSE_BYTES,
      }),
    );
    return sent.then(
      (res): Outcome => {
        const status = res.status;
        if (status >= 200 && status < 300) return { ok: true };
        if (status >= 300 && status < 400)
          return { ok: false, retry: false, reason: `HTTP ${status} redirect not followed` };
        return {
          ok: false,
          retry: status >= 500 || status === 408 || status === 429,
          reason: `HTTP ${status}`,
          retryAfter: retryAfterMillis(res.headers['retry-after'], { maxMillis: MAX_BACKOFF_MILLIS }),
        };
      },
      (err: unknown): Outcome => {
        return { ok: false, retry: true, reason: String((err as { message?: unknown })?.message ?? err) };
      },
    );
  }
}
