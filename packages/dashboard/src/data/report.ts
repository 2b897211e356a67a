import { parseDuration } from '@otelkit/config';
import type { ResourceManager } from '@otelkit/resource-manager';

/** What `/api/report` answers: a status, a content type and the body. */
export interface ReportResponse {
  readonly status: number;
  readonly type: string;
  readonly body: string;
  /** Set for a successful report (a download name). */
  readonly filename?: string;
}

const TEXT = 'text/plain; charset=utf-8';

function bad(message: string): ReportResponse {
  return { status: 400, type: TEXT, body: `${message}\n` };
}

/** `start` / `end`: epoch milliseconds or an ISO 8601 time. */
function timeParam(name: string, v: string): number | string {
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(n)
    ? n
    : `${name}: expected epoch milliseconds or an ISO 8601 time, got "${v.slice(0, 40)}"`;
}

/**
 * The resource manager's utilisation report for one request: `format` (`json` | `csv`, or the
 * `.csv` / `.json` path), `type` (a resource kind or category), and the window as `since` (a
 * duration back from now: `15m`, `1h`) or `start` / `end`. Every bad parameter is a 400 naming it.
 */
export function reportRequest(
  manager: ResourceManager | undefined,
  q: URLSearchParams,
  path: string,
): ReportResponse {
  if (manager === undefined)
    return {
      status: 404,
      type: TEXT,
      body: "no resource manager in this process: turn on the config's pools section (pools: { enabled: true })\n",
    };
  const format = path.endsWith('.csv')
    ? 'csv'
    : path.endsWith('.json')
      ? 'json'
      : (q.get('format') ?? 'json');
  if (format !== 'json' && format !== 'csv')
    return bad(`format: expected json or csv, got "${format.slice(0, 20)}"`);
  const since = q.get('since');
  const start = q.get('start');
  const end = q.get('end');
  if (since !== null && start !== null) return bad('give since or start, not both');
  const now = Date.now();
  const window: { start?: number; end?: number } = {};
  if (end !== null) {
    const e = timeParam('end', end);
    if (typeof e === 'string') return bad(e);
    window.end = e;
  }
  if (start !== null) {
    const s = timeParam('start', start);
    if (typeof s === 'string') return bad(s);
    window.start = s;
  }
  if (since !== null) {
    let millis: number;
    try {
      millis = parseDuration(since, 's', 'since', true);
    } catch (err) {
      return bad(err instanceof Error ? err.message : 'since: expected a duration such as 15m');
    }
    window.start = (window.end ?? now) - millis;
  }
  if (window.start !== undefined && window.end !== undefined && window.start > window.end)
    return bad('start is after end');
  const type = q.get('type');
  let report: ReturnType<ResourceManager['generateReport']>;
  try {
    report = manager.generateReport({ ...window, ...(type ? { resourceType: type.slice(0, 100) } : {}) });
  } catch (err) {
    return bad(err instanceof Error ? err.message : 'the report options were refused');
  }
  const stamp = new Date(report.end).toISOString().replace(/[:.]/g, '-');
  return format === 'csv'
    ? {
        status: 200,
        type: 'text/csv; charset=utf-8',
        body: report.toCsv(),
        filename: `resources-${stamp}.csv`,
      }
    : {
        status: 200,
        type: 'application/json; charset=utf-8',
        body: report.toJson(),
        filename: `resources-${stamp}.json`,
      };
}
