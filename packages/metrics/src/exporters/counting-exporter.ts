import { diag } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  type AggregationOption,
  AggregationTemporality,
  AggregationType,
  type InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { abortExports, createRateLimitedLog } from '@otelkit/config';
import type { MetricExportFailureReason } from '../types';
import { exportFailureReason } from './export-failure-reason';
import type { OverflowTracker } from './overflow-tracker';

/** Mutable export counters shared by every push exporter of one handle. */
export interface ExportCounters {
  succeeded: number;
  failed: number;
  /** `failed` by reason. */
  failedByReason: Partial<Record<MetricExportFailureReason, number>>;
  /** Data points in exports that succeeded / failed (by reason). */
  pointsExported: number;
  pointsFailed: number;
  pointsFailedByReason: Partial<Record<MetricExportFailureReason, number>>;
  /** Exports handed to an exporter that has not answered yet: each one's finish, and its points. */
  readonly inFlight: Map<(result: ExportResult, reason?: MetricExportFailureReason) => void, number>;
  /** Set when the shutdown budget ran out: a later export (the SDK's last flush) fails at once. */
  closed: boolean;
}

/** Fresh counters. */
export function newExportCounters(): ExportCounters {
  return {
    succeeded: 0,
    failed: 0,
    failedByReason: {},
    pointsExported: 0,
    pointsFailed: 0,
    pointsFailedByReason: {},
    inFlight: new Map(),
    closed: false,
  };
}

/**
 * The shutdown budget ran out: every export still waiting for its exporter counts as failed with
 * reason `shutdown` (its points too); the exporter's late answer, if any, is ignored. Returns the
 * number of exports abandoned.
 */
export function abandonInFlight(counters: ExportCounters): number {
  counters.closed = true;
  const pending = [...counters.inFlight.keys()];
  for (const finish of pending)
    finish({ code: ExportResultCode.FAILED, error: new Error('shutdown budget ran out') }, 'shutdown');
  return pending.length;
}

function countPoints(metrics: ResourceMetrics): number {
  let n = 0;
  for (const scope of metrics.scopeMetrics) for (const m of scope.metrics) n += m.dataPoints.length;
  return n;
}

/**
 * Wraps a push exporter: counts each export's outcome, scans for overflow series, and turns a
 * synchronous throw from the inner exporter into a counted failure (the app never sees it).
 */
export class CountingExporter implements PushMetricExporter {
  private readonly _warn = createRateLimitedLog((message, ...args) => diag.warn(message, ...args));

  constructor(
    private readonly _inner: PushMetricExporter,
    private readonly _label: string,
    private readonly _counters: ExportCounters,
    private readonly _overflow: OverflowTracker,
    private readonly _cumulative: boolean,
  ) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    try {
      this._overflow.scan(metrics, this._cumulative);
    } catch (err) {
      diag.debug('@otelkit/metrics: overflow scan failed', err);
    }
    let done = false;
    let points = 0;
    try {
      points = countPoints(metrics);
    } catch {
      // a malformed batch: counted as an export without points
    }
    const counters = this._counters;
    const finish = (result: ExportResult, forced?: MetricExportFailureReason) => {
      if (done) return;
      done = true;
      counters.inFlight.delete(finish);
      if (result.code === ExportResultCode.SUCCESS) {
        counters.succeeded++;
        counters.pointsExported += points;
      } else {
        counters.failed++;
        const reason = forced ?? exportFailureReason(result.error);
        counters.failedByReason[reason] = (counters.failedByReason[reason] ?? 0) + 1;
        counters.pointsFailed += points;
        counters.pointsFailedByReason[reason] = (counters.pointsFailedByReason[reason] ?? 0) + points;
        // a dead collector fails every export (every few seconds): first, then a count per 30 s
        this._warn(
          'export',
          `@otelkit/metrics: ${this._label} export failed: ${result.error?.message ?? 'unknown error'}`,
        );
      }
      // also when abandoned at shutdown: the reader's export-timeout timer (ref'ed) ends with it
      resultCallback(result);
    };
    counters.inFlight.set(finish, points);
    if (counters.closed) {
      finish({ code: ExportResultCode.FAILED, error: new Error('shut down') }, 'shutdown');
      return;
    }
    try {
      this._inner.export(metrics, finish);
    } catch (err) {
      finish({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }

  forceFlush(): Promise<void> {
    return this._inner.forceFlush();
  }

  /** Cuts the requests of the inner exporter still in flight (see `abortExports`). */
  abort(): void {
    abortExports(this._inner);
  }

  shutdown(): Promise<void> {
    return this._inner.shutdown();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return this._inner.selectAggregationTemporality?.(instrumentType) ?? AggregationTemporality.CUMULATIVE;
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    return this._inner.selectAggregation?.(instrumentType) ?? { type: AggregationType.DEFAULT };
  }
}
