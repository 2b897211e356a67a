import {
  type Attributes,
  type BatchObservableCallback,
  type BatchObservableResult,
  diag,
  type Observable,
  type ObservableCallback,
  type ObservableResult,
} from '@opentelemetry/api';
import { settleWithin } from '@otelkit/config';
import { type MeasurementCounters, sanitizeAttributes } from './sanitize';

/** How long one collection waits for one observable callback before it serves the last values. */
export const OBSERVABLE_CALLBACK_TIMEOUT_MILLIS = 1000;

/** Per callback (by instrument name): calls that threw or rejected, and collections that did not wait for it. */
export interface CallbackCounters {
  failed: number;
  timedOut: number;
}

type Observation = [number, Attributes | undefined];

/**
 * Observable callbacks with a deadline per collection. Each collection waits at most
 * `timeoutMillis` for a callback; a callback that is late, hangs or fails is served with the
 * values of its last successful run (stale, not missing), and counted per callback. A callback
 * still running is not called again (a hanging one would otherwise pile up one call per scrape).
 * So one slow or stuck callback costs a scrape at most `timeoutMillis`, never the whole scrape.
 */
export class CallbackGuards {
  readonly counters: Record<string, CallbackCounters> = {};
  private readonly _lastWarn = new Map<string, number>();

  constructor(
    private readonly _measurements: MeasurementCounters,
    private readonly _timeoutMillis = OBSERVABLE_CALLBACK_TIMEOUT_MILLIS,
  ) {}

  private _counter(name: string): CallbackCounters {
    let c = this.counters[name];
    if (!c) {
      c = { failed: 0, timedOut: 0 };
      this.counters[name] = c;
    }
    return c;
  }

  private _warn(name: string, what: string, err?: unknown): void {
    const now = Date.now();
    const last = this._lastWarn.get(name);
    if (last !== undefined && now - last < 30_000) return;
    this._lastWarn.set(name, now);
    const c = this._counter(name);
    diag.warn(
      `@otelkit/metrics: observable callback of "${name}" ${what}; serving its last values ` +
        `(${c.failed} failed, ${c.timedOut} timed out so far)`,
      ...(err === undefined ? [] : [err]),
    );
  }

  /** Runs `run` (at most one at a time) and waits for it within the deadline. */
  private _runner<T>(name: string, run: (batch: T[]) => unknown): () => Promise<T[]> {
    let last: T[] = [];
    let pending: Promise<void> | undefined;
    return async () => {
      if (!pending) {
        const batch: T[] = [];
        pending = Promise.resolve()
          .then(() => run(batch))
          .then(
            () => {
              last = batch;
            },
            (err: unknown) => {
              this._counter(name).failed++;
              this._warn(name, 'failed', err);
            },
          )
          .finally(() => {
            pending = undefined;
          });
      }
      const r = await settleWithin(pending, this._timeoutMillis);
      if (r.status === 'timedOut') {
        this._counter(name).timedOut++;
        this._warn(name, `did not finish within ${this._timeoutMillis} ms`);
      }
      return last;
    };
  }

  wrap(name: string, callback: ObservableCallback): ObservableCallback {
    const measurements = this._measurements;
    const next = this._runner<Observation>(name, (batch) =>
      callback({
        observe(value: number, attributes?: Attributes) {
          batch.push([value, attributes]);
        },
      } as ObservableResult),
    );
    return async (result: ObservableResult) => {
      for (const [value, attributes] of await next()) {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          measurements.rejected++;
          continue;
        }
        result.observe(value, sanitizeAttributes(attributes, undefined, name, measurements));
      }
    };
  }

  wrapBatch(
    name: string,
    callback: BatchObservableCallback,
    unwrap: (o: Observable) => Observable,
  ): BatchObservableCallback {
    const measurements = this._measurements;
    type BatchObservation = [Observable, number, Attributes | undefined];
    const next = this._runner<BatchObservation>(name, (batch) =>
      callback({
        observe(observable: Observable, value: number, attributes?: Attributes) {
          batch.push([observable, value, attributes]);
        },
      } as BatchObservableResult),
    );
    return async (result: BatchObservableResult) => {
      for (const [observable, value, attributes] of await next()) {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          measurements.rejected++;
          continue;
        }
        result.observe(
          unwrap(observable),
          value,
          sanitizeAttributes(attributes, undefined, name, measurements),
        );
      }
    };
  }
}
