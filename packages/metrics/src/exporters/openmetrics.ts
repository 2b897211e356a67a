import { type Attributes, type AttributeValue, diag } from '@opentelemetry/api';
import {
  type DataPoint,
  DataPointType,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { runInSlices, runToEnd } from './incremental';

/**
 * OpenMetrics 1.0 text exposition, served when the scraper asks for it (Prometheus does by default):
 * the one Prometheus format with a place for exemplars.
 *
 * Series identity is the same as in the 0.0.4 text format served by the upstream serializer (same
 * metric and label names, `otel_scope_*` labels, `target_info`, `le` values written as in 0.0.4), so
 * a Prometheus that switches between the two formats keeps its series.
 */

/** Content type of the OpenMetrics exposition. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** Where a histogram data point carries its exemplars (one slot per bucket, `+Inf` last). */
export const EXEMPLARS: unique symbol = Symbol.for('@otelkit/metrics.exemplars') as never;

/** A sampled measurement kept with the bucket it fell in. */
export interface Exemplar {
  readonly value: number;
  readonly traceId: string;
  readonly spanId: string;
  /** Unix time in milliseconds. */
  readonly timeMillis: number;
}

/** A histogram data point that may carry exemplars. */
export type HistogramPointWithExemplars = DataPoint<Histogram> & {
  [EXEMPLARS]?: ReadonlyArray<Exemplar | undefined>;
};

/**
 * Whether a scraper's `Accept` header prefers OpenMetrics over the 0.0.4 text format (quality values
 * compared; a tie goes to OpenMetrics, as the scraper listed it).
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  let om = 0;
  let text = 0;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    let q = 1;
    let version: string | undefined;
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq === -1) continue;
      const key = p.slice(0, eq).trim();
      const value = p.slice(eq + 1).trim();
      if (key === 'q') q = Number(value);
      else if (key === 'version') version = value;
    }
    if (!(q > 0)) continue;
    if (type === 'application/openmetrics-text') {
      // 1.0.0 and its draft 0.0.1 share everything written here.
      if (version === undefined || version === '1.0.0' || version === '0.0.1') om = Math.max(om, q);
    } else if (type === 'text/plain' || type === '*/*' || type === 'text/*') {
      text = Math.max(text, q);
    }
  }
  return om > 0 && om >= text;
}

const INVALID = /[^a-z0-9_]/gi;
const UNDERSCORES = /_{2,}/g;

/** The upstream exporter's name rule (invalid characters → `_`, runs of `_` collapsed). */
function sanitize(name: string): string {
  return name.replace(INVALID, '_').replace(UNDERSCORES, '_');
}

function escapeLabel(value: AttributeValue | undefined): string {
  const s = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function num(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function labels(attributes: Attributes, extra: Attributes, le?: string): string {
  let out = '';
  for (const key in attributes) out += `${out ? ',' : ''}${sanitize(key)}="${escapeLabel(attributes[key])}"`;
  for (const key in extra) out += `${out ? ',' : ''}${sanitize(key)}="${escapeLabel(extra[key])}"`;
  if (le !== undefined) out += `${out ? ',' : ''}le="${le}"`;
  return out ? `{${out}}` : '';
}

function exemplarText(e: Exemplar | undefined): string {
  if (!e) return '';
  return ` # {trace_id="${e.traceId}",span_id="${e.spanId}"} ${num(e.value)} ${(e.timeMillis / 1000).toFixed(3)}`;
}

interface Family {
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  readonly unit: string | undefined;
  lines: string;
}

/** The family name and type of one metric, as the 0.0.4 serializer names its samples. */
function familyOf(metric: MetricData): { name: string; type: Family['type'] } | undefined {
  let name = sanitize(metric.descriptor.name);
  if (name === '' || name === '_') return undefined;
  if (name[0] !== undefined && name[0] >= '0' && name[0] <= '9') name = `_${name}`;
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      if (metric.isMonotonic) {
        // Samples are `<family>_total`; the family name never carries the suffix.
        return { name: name.endsWith('_total') ? name.slice(0, -6) : name, type: 'counter' };
      }
      return { name, type: 'gauge' };
    case DataPointType.GAUGE:
      return { name, type: 'gauge' };
    case DataPointType.HISTOGRAM:
      return { name, type: 'histogram' };
    default:
      return undefined; // exponential histograms have no OpenMetrics form here (nor in the 0.0.4 serializer)
  }
}

function histogramLines(name: string, point: HistogramPointWithExemplars, extra: Attributes): string {
  const { buckets, count, sum } = point.value;
  const exemplars = point[EXEMPLARS];
  let out = '';
  let cumulative = 0;
  const boundaries = buckets.boundaries;
  for (let i = 0; i < boundaries.length; i++) {
    cumulative += buckets.counts[i] ?? 0;
    out += `${name}_bucket${labels(point.attributes, extra, String(boundaries[i]))} ${cumulative}${exemplarText(exemplars?.[i])}\n`;
  }
  cumulative += buckets.counts[boundaries.length] ?? 0;
  out += `${name}_bucket${labels(point.attributes, extra, '+Inf')} ${cumulative}${exemplarText(exemplars?.[boundaries.length])}\n`;
  out += `${name}_count${labels(point.attributes, extra)} ${count}\n`;
  // OpenMetrics: no _sum when a bucket threshold is negative (the sum could then go down).
  if (sum !== undefined && !(boundaries.length > 0 && (boundaries[0] as number) < 0)) {
    out += `${name}_sum${labels(point.attributes, extra)} ${num(sum)}\n`;
  }
  return out;
}

/** Serializes one collection as OpenMetrics 1.0 text, ending with `# EOF`. */
export function serializeOpenMetrics(resourceMetrics: ResourceMetrics): string {
  return runToEnd(openMetricsSteps(resourceMetrics));
}

/** {@link serializeOpenMetrics} in slices: yields to the event loop about every `sliceMillis`. */
export function serializeOpenMetricsIncremental(
  resourceMetrics: ResourceMetrics,
  sliceMillis?: number,
): Promise<string> {
  return runInSlices(openMetricsSteps(resourceMetrics), sliceMillis);
}

/** Data points serialized between two checks of the clock. */
const POINTS_PER_STEP = 256;

function* openMetricsSteps(resourceMetrics: ResourceMetrics): Generator<void, string, void> {
  const families = new Map<string, Family>();
  let sinceStep = 0;
  for (const scopeMetrics of resourceMetrics.scopeMetrics) {
    const scope = scopeMetrics.scope;
    const extra: Attributes = { otel_scope_name: scope.name };
    if (scope.schemaUrl) extra['otel.scope.schema_url'] = scope.schemaUrl;
    if (scope.version) extra.otel_scope_version = scope.version;
    for (const metric of scopeMetrics.metrics) {
      const id = familyOf(metric);
      if (!id) {
        diag.error(`@otelkit/metrics: metric "${metric.descriptor.name}" has no OpenMetrics form; skipped`);
        continue;
      }
      if (id.name === 'target') {
        // `target` is the family of target_info (the resource) in OpenMetrics.
        diag.error(
          `@otelkit/metrics: metric "${metric.descriptor.name}" clashes with target_info in OpenMetrics; skipped`,
        );
        continue;
      }
      let family = families.get(id.name);
      if (!family) {
        const unit = sanitize(metric.descriptor.unit ?? '');
        family = {
          type: id.type,
          help: metric.descriptor.description || 'description missing',
          // OpenMetrics requires the unit to be the name's suffix; OTel units ('s', 'By') rarely are.
          unit: unit && id.name.endsWith(`_${unit}`) ? unit : undefined,
          lines: '',
        };
        families.set(id.name, family);
      } else if (family.type !== id.type) {
        diag.error(
          `@otelkit/metrics: metric "${metric.descriptor.name}" is a ${id.type} but "${id.name}" is already a ${family.type}; skipped`,
        );
        continue;
      }
      for (const point of metric.dataPoints) {
        if (++sinceStep >= POINTS_PER_STEP) {
          sinceStep = 0;
          yield;
        }
        if (id.type === 'histogram') {
          family.lines += histogramLines(id.name, point as HistogramPointWithExemplars, extra);
        } else {
          const sample = id.type === 'counter' ? `${id.name}_total` : id.name;
          family.lines += `${sample}${labels(point.attributes, extra)} ${num(point.value as number)}\n`;
        }
      }
    }
  }
  let out =
    '# TYPE target info\n# HELP target Target metadata\n' +
    `target_info${labels(resourceMetrics.resource.attributes, {})} 1\n`;
  for (const [name, family] of families) {
    out += `# TYPE ${name} ${family.type}\n`;
    if (family.unit) out += `# UNIT ${name} ${family.unit}\n`;
    out += `# HELP ${name} ${escapeHelp(family.help)}\n${family.lines}`;
  }
  return `${out}# EOF\n`;
}
