import { diag } from '@opentelemetry/api';
import { settleWithin } from '@otelkit/config';
import type { MutableCounters } from '../internal/counters';
import type { AlertEvent, AlertHandler, MonitorLogger } from '../types';
import type { WebhookNotifier } from './webhook-notifier';

export interface AlertDispatcherOptions {
  readonly maxConcurrent: number;
  readonly maxPending: number;
  readonly handlerTimeoutMillis: number;
  readonly logger?: MonitorLogger;
  readonly webhooks: readonly WebhookNotifier[];
}

/** Events a handler is not interested in are never queued for it. */
type EventFilter = (event: AlertEvent) => boolean;

interface Call {
  readonly handler: AlertHandler;
  readonly event: AlertEvent;
}

/**
 * Routes alert events to handlers, the logger and webhooks without ever blocking the caller:
 * handlers run with bounded concurrency from a bounded queue; a throwing handler is counted, a
 * handler still running after `handlerTimeoutMillis` gives its slot back and is counted.
 */
export class AlertDispatcher {
  private readonly _handlers = new Map<AlertHandler, EventFilter | undefined>();
  private readonly _pending: Call[] = [];
  private _inFlight = 0;
  private _idle: Array<() => void> = [];

  constructor(
    private readonly _options: AlertDispatcherOptions,
    private readonly _counters: MutableCounters,
  ) {}

  /** `accepts`, when given, filters the events queued for this handler (it must be cheap and never throw). */
  addHandler(handler: AlertHandler, accepts?: EventFilter): () => void {
    if (!this._handlers.has(handler)) this._handlers.set(handler, accepts);
    return () => this._handlers.delete(handler);
  }

  dispatch(event: AlertEvent): void {
    this._log(event);
    for (const webhook of this._options.webhooks) webhook.enqueue(event);
    for (const [handler, accepts] of this._handlers) {
      if (accepts !== undefined && !accepts(event)) continue;
      if (this._pending.length >= this._options.maxPending) {
        this._counters.handlerCallsDropped++;
        continue;
      }
      this._pending.push({ handler, event });
    }
    this._pump();
  }

  /** Handler calls queued or running. */
  get outstanding(): number {
    return this._pending.length + this._inFlight;
  }

  /** Resolves once no handler call is queued or running, or after `timeoutMillis`. */
  idle(timeoutMillis: number): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => {
      // awaited by the caller (flush/shutdown), so it keeps the process alive for its bounded time
      const timer = setTimeout(done, timeoutMillis);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this._idle.push(done);
    });
  }

  private _pump(): void {
    while (this._inFlight < this._options.maxConcurrent && this._pending.length > 0) {
      const call = this._pending.shift() as Call;
      this._inFlight++;
      this._run(call).then(
        () => this._settled(),
        () => this._settled(),
      );
    }
    if (this.outstanding === 0) for (const done of this._idle.splice(0)) done();
  }

  private _settled(): void {
    this._inFlight--;
    this._pump();
  }

  private async _run({ handler, event }: Call): Promise<void> {
    let result: unknown;
    try {
      result = handler(event);
    } catch (err) {
      this._failed(err);
      return;
    }
    // A handler that fails after its timeout is still counted as failed.
    const settled = Promise.resolve(result).then(undefined, (err: unknown) => this._failed(err));
    const r = await settleWithin(settled, this._options.handlerTimeoutMillis);
    if (r.status === 'timedOut') {
      this._counters.handlerTimeouts++;
      diag.warn(
        `@otelkit/resource-monitor: alert handler still running after ${this._options.handlerTimeoutMillis} ms`,
      );
    }
  }

  private _failed(err: unknown): void {
    this._counters.handlerErrors++;
    diag.warn(
      `@otelkit/resource-monitor: alert handler failed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }

  private _log(event: AlertEvent): void {
    const logger = this._options.logger;
    if (!logger) return;
    try {
      const obj = { alert: event };
      if (event.state === 'resolved' || event.level === 'info') logger.info(obj, event.message);
      else if (event.level === 'critical') logger.error(obj, event.message);
      else logger.warn(obj, event.message);
    } catch (err) {
      diag.warn(
        `@otelkit/resource-monitor: logger failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}
