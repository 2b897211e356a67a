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
import { createRateLimitedLog } from '@otelkit/config';
import type { MetricExportFailureReason } from '../types';
import { exportFailureReason } from './export-failure-reason';
import type { OverflowTracker } from './overflow-tracker';

/** Mutable export counters shared by every push exporter of one handle. */
export interface ExportCounters {
  succeeded: number;
  failed: number;
  /** `failed` by reason. */
  failedByReason: Partial<Record<MetricExportFailureReason, number>>;
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
    const finish = (result: ExportResult) => {
      if (done) return;
      done = true;
      if (result.code === ExportResultCode.SUCCESS) {
        this._counters.succeeded++;
      } else {
        this._counters.failed++;
        const reason = exportFailureReason(result.error);
        this._counters.failedByReason[reason] = (this._counters.failedByReason[reason] ?? 0) + 1;
        // a dead collector fails every export (every few seconds): first, then a count per 30 s
        this._warn(
          'export',
          `@otelkit/metrics: ${this._label} export failed: ${result.error?.message ?? 'unknown error'}`,
        );
      }
      resultCallback(result);
    };
    try {
      this._inner.export(metrics, finish);
    } catch (err) {
      finish({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }

  forceFlush(): Promise<void> {
    return this._inner.forceFlush();
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
