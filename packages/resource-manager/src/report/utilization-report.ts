import { writeFile } from 'node:fs/promises';
import { checkOptionKeys } from '@otelkit/config';
import type { AlertEvent, NormalizedThreshold } from '@otelkit/resource-monitor';
import type { MetricValue, ResourceRegistration } from '../types';

/** Options of `generateReport`. */
export interface ReportOptions {
  /** Only resources of this kind (`pg`, `ioredis`…) or category (`database`, `cache`…). */
  readonly resourceType?: string;
  /** Window start (epoch ms or Date). @default the oldest point kept */
  readonly start?: number | Date;
  /** Window end (epoch ms or Date). @default now */
  readonly end?: number | Date;
  /** uno's spelling of {@link start} (`generate_report(start_time=…)`); give one of the two. */
  readonly startTime?: number | Date;
  /** uno's spelling of {@link end}; give one of the two. */
  readonly endTime?: number | Date;
}

const REPORT_OPTION_KEYS = [
  'resourceType',
  'start',
  'end',
  'startTime',
  'endTime',
] as const satisfies readonly (keyof ReportOptions)[];

/**
 * Checks the keys of report options and folds uno's `startTime` / `endTime` into `start` / `end`.
 */
export function normalizeReportOptions(options: ReportOptions): ReportOptions {
  if (!options || typeof options !== 'object') throw new Error('generateReport: options must be an object');
  checkOptionKeys(options, REPORT_OPTION_KEYS, 'generateReport');
  if (options.start !== undefined && options.startTime !== undefined)
    throw new Error('generateReport: give start or startTime, not both');
  if (options.end !== undefined && options.endTime !== undefined)
    throw new Error('generateReport: give end or endTime, not both');
  const { startTime, endTime, ...rest } = options;
  return {
    ...rest,
    ...(startTime !== undefined ? { start: startTime } : {}),
    ...(endTime !== undefined ? { end: endTime } : {}),
  };
}

/** One resource metric series summarised over the window. */
export interface ReportRow {
  readonly resourceId: string;
  readonly resourceType: string;
  readonly category: string;
  readonly metric: string;
  /** `key=value` pairs joined with `;` (empty for unlabelled series). */
  readonly labels: string;
  readonly samples: number;
  readonly min: number;
  readonly avg: number;
  readonly max: number;
  /** Nearest-rank 95th percentile. */
  readonly p95: number;
  readonly last: number;
  /** The warning / critical levels of the resource threshold on this metric, if any. */
  readonly warning: number | null;
  readonly critical: number | null;
  /** Seconds the value spent past the warning / critical level (step-wise between samples). */
  readonly secondsAboveWarning: number;
  readonly secondsAboveCritical: number;
  /** Alerts that fired on this resource and metric in the window. */
  readonly alertsRaised: number;
}

export const REPORT_COLUMNS: readonly (keyof ReportRow)[] = [
  'resourceId',
  'resourceType',
  'category',
  'metric',
  'labels',
  'samples',
  'min',
  'avg',
  'max',
  'p95',
  'last',
  'warning',
  'critical',
  'secondsAboveWarning',
  'secondsAboveCritical',
  'alertsRaised',
];

/** A utilization report: rows plus CSV / JSON renderings. */
export class UtilizationReport {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly rows: readonly ReportRow[],
  ) {}

  /** RFC 4180 CSV with a header line; fields with `,`, `"`, CR or LF are quoted, quotes doubled. */
  toCsv(): string {
    const lines = [REPORT_COLUMNS.join(',')];
    for (const row of this.rows) lines.push(REPORT_COLUMNS.map((c) => csvField(row[c])).join(','));
    return `${lines.join('\r\n')}\r\n`;
  }

  /** Writes {@link toCsv} to `path`. */
  async exportCsv(path: string): Promise<void> {
    await writeFile(path, this.toCsv(), 'utf8');
  }

  /** `{ start, end, rows }` with ISO times; non-finite numbers become null. */
  toJson(): string {
    return JSON.stringify(
      {
        start: new Date(this.start).toISOString(),
        end: new Date(this.end).toISOString(),
        rows: this.rows,
      },
      (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
      2,
    );
  }
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface ReportSource {
  histories(
    from: number,
    to: number,
  ): Array<MetricValue & { points: Array<{ timestamp: number; value: number }> }>;
  resources(): ResourceRegistration[];
  thresholds(): NormalizedThreshold[];
  alerts(since: number): AlertEvent[];
}

function toEpoch(v: number | Date | undefined, field: string, def: number): number {
  if (v === undefined) return def;
  const n = +v;
  if (!Number.isFinite(n)) throw new Error(`generateReport: ${field} must be a Date or epoch milliseconds`);
  return n;
}

export function buildReport(input: ReportOptions, source: ReportSource): UtilizationReport {
  const options = normalizeReportOptions(input);
  const end = toEpoch(options.end, 'end', Date.now());
  const start = toEpoch(options.start, 'start', Number.NEGATIVE_INFINITY);
  if (start > end) throw new Error('generateReport: start must be before end');
  const resources = new Map(source.resources().map((r) => [r.id, r]));
  const thresholds = new Map(source.thresholds().map((t) => [t.key, t]));
  const alerts = source.alerts(start).filter((a) => a.state === 'firing' && a.timestamp <= end);
  const rows: ReportRow[] = [];
  let first = end;
  for (const h of source.histories(start, end)) {
    const r = resources.get(h.resourceId);
    const category = r?.category ?? 'custom';
    if (
      options.resourceType !== undefined &&
      options.resourceType !== h.resourceType &&
      options.resourceType !== category
    )
      continue;
    if (h.points.length === 0) continue;
    first = Math.min(first, h.points[0]!.timestamp);
    const unlabelled = Object.keys(h.labels).length === 0;
    const t = unlabelled ? thresholds.get(`${h.resourceId}/${h.metric}`) : undefined;
    const values = h.points.map((p) => p.value);
    const sorted = [...values].sort((a, b) => a - b);
    const sum = values.reduce((a, b) => a + b, 0);
    rows.push({
      resourceId: h.resourceId,
      resourceType: h.resourceType,
      category,
      metric: h.metric,
      labels: Object.entries(h.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(';'),
      samples: values.length,
      min: sorted[0]!,
      avg: sum / values.length,
      max: sorted[sorted.length - 1]!,
      p95: sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)]!,
      last: values[values.length - 1]!,
      warning: t?.warning ?? null,
      critical: t?.critical ?? null,
      secondsAboveWarning: t?.warning !== undefined ? timePast(h.points, t.warning, t.direction, end) : 0,
      secondsAboveCritical: t?.critical !== undefined ? timePast(h.points, t.critical, t.direction, end) : 0,
      alertsRaised: alerts.filter((a) => a.resourceId === h.resourceId && a.metric === h.metric).length,
    });
  }
  rows.sort(
    (a, b) =>
      a.resourceId.localeCompare(b.resourceId) ||
      a.metric.localeCompare(b.metric) ||
      a.labels.localeCompare(b.labels),
  );
  return new UtilizationReport(Number.isFinite(start) ? start : first, end, rows);
}

/** Seconds past a level, holding each sample's value until the next one (the last until `end`). */
function timePast(
  points: ReadonlyArray<{ timestamp: number; value: number }>,
  level: number,
  direction: 'above' | 'below',
  end: number,
): number {
  let ms = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const past = direction === 'above' ? p.value > level : p.value < level;
    if (!past) continue;
    const next = i + 1 < points.length ? points[i + 1]!.timestamp : Math.max(p.timestamp, end);
    ms += next - p.timestamp;
  }
  return ms / 1000;
}
