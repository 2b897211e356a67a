import { diag } from '@opentelemetry/api';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { SeriesGuards } from '../instruments/series-guard';
import { ATTR_OTEL_METRIC_OVERFLOW } from '../semconv';

/**
 * Notices instruments that hit their cardinality limit. sdk-metrics folds extra attribute sets into
 * one series carrying `otel.metric.overflow=true` but says nothing; we look for that series on every
 * collection we run (scrape or push), which costs nothing on the record() path, and warn once per
 * instrument through diag. Cumulative collections also feed the series guards.
 */
export class OverflowTracker {
  private readonly _instruments = new Set<string>();

  constructor(
    private readonly _limit: number,
    private readonly _guards?: SeriesGuards,
  ) {}

  /** Looks at one collection's output; `cumulative` when it holds lifetime state. */
  scan(resourceMetrics: ResourceMetrics, cumulative = true): void {
    if (cumulative) this._guards?.observe(resourceMetrics);
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        const name = metric.descriptor.name;
        if (this._instruments.has(name)) continue;
        for (const point of metric.dataPoints as ReadonlyArray<{ attributes: Record<string, unknown> }>) {
          if (point.attributes[ATTR_OTEL_METRIC_OVERFLOW] === true) {
            this._instruments.add(name);
            diag.warn(
              `@otelkit/metrics: instrument "${name}" passed its cardinality limit of ${this._limit} attribute ` +
                `sets; further sets are folded into one series with ${ATTR_OTEL_METRIC_OVERFLOW}=true. ` +
                'Remove high-cardinality attributes (ids, raw URLs) or raise metrics.cardinalityLimit.',
            );
            break;
          }
        }
      }
    }
  }

  get instruments(): readonly string[] {
    return [...this._instruments];
  }
}
