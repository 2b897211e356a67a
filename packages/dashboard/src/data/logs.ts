/**
 * Log lines from the logger's ring, parsed only when somebody reads them. The ring holds the line
 * exactly as the outputs got it: pino JSON (`level` number, `time`, `msg`, `trace_id`) or ECS
 * (`log.level`, `@timestamp`, `message`, `trace.id`).
 */

export interface LogEntry {
  /** Sequence number in the ring (increasing). */
  readonly seq: number;
  /** Epoch ms. */
  readonly time: number;
  /** `trace` … `fatal`. */
  readonly level: string;
  readonly msg: string;
  readonly traceId?: string;
  readonly spanId?: string;
  /** The other fields, as compact JSON (truncated). */
  readonly fields: string;
}

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const SKIP = new Set([
  'level',
  'time',
  'msg',
  'message',
  'trace_id',
  'span_id',
  'trace_flags',
  'trace.id',
  'span.id',
  'log.level',
  '@timestamp',
  'pid',
  'hostname',
  'ecs.version',
  'v',
]);
const MAX_MSG = 2000;
const MAX_FIELDS = 2000;

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/** One line → an entry; lines that are not JSON objects are kept as their text. */
export function parseLine(line: string, seq: number): LogEntry {
  let o: Record<string, unknown>;
  try {
    const v = JSON.parse(line) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    o = v as Record<string, unknown>;
  } catch {
    return { seq, time: Date.now(), level: 'info', msg: clip(line.trimEnd(), MAX_MSG), fields: '' };
  }
  const lvl = o.level ?? o['log.level'] ?? (o.log as { level?: unknown } | undefined)?.level;
  const level =
    typeof lvl === 'number' ? (LEVELS[lvl] ?? String(lvl)) : typeof lvl === 'string' ? lvl : 'info';
  const ts = o.time ?? o['@timestamp'];
  const time =
    typeof ts === 'number' ? ts : typeof ts === 'string' ? Date.parse(ts) || Date.now() : Date.now();
  const msg = o.msg ?? o.message;
  const trace = o.trace_id ?? o['trace.id'] ?? (o.trace as { id?: unknown } | undefined)?.id;
  const span = o.span_id ?? o['span.id'] ?? (o.span as { id?: unknown } | undefined)?.id;
  const rest: Record<string, unknown> = {};
  for (const k of Object.keys(o))
    if (!SKIP.has(k) && k !== 'log' && k !== 'trace' && k !== 'span') rest[k] = o[k];
  const fields = Object.keys(rest).length > 0 ? clip(JSON.stringify(rest), MAX_FIELDS) : '';
  return {
    seq,
    time,
    level,
    msg: clip(typeof msg === 'string' ? msg : msg === undefined ? '' : JSON.stringify(msg), MAX_MSG),
    ...(typeof trace === 'string' ? { traceId: trace } : {}),
    ...(typeof span === 'string' ? { spanId: span } : {}),
    fields,
  };
}

/** The read side of a line ring (`LineRing` of `@otelkit/logging`). */
export interface LineSource {
  readonly total: number;
  toArray(since?: number): string[];
}

/** Entries stored after sequence number `since`, at most `limit` (the newest). */
export function linesSince(
  ring: LineSource,
  since: number,
  limit: number,
): { entries: LogEntry[]; next: number } {
  const total = ring.total;
  const lines = ring.toArray(Math.max(since, total - limit));
  const first = total - lines.length;
  return { entries: lines.map((l, i) => parseLine(l, first + i + 1)), next: total };
}

const ORDER = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Filters for the log REST endpoint. */
export interface LogQuery {
  readonly level?: string;
  readonly text?: string;
  readonly traceId?: string;
  readonly limit: number;
}

/** The newest kept entries matching `q`, oldest first. */
export function queryLogs(ring: LineSource, q: LogQuery): LogEntry[] {
  const all = linesSince(ring, 0, Number.MAX_SAFE_INTEGER).entries;
  const min = q.level ? ORDER.indexOf(q.level) : -1;
  const text = q.text?.toLowerCase();
  const out: LogEntry[] = [];
  for (let i = all.length - 1; i >= 0 && out.length < q.limit; i--) {
    const e = all[i] as LogEntry;
    if (q.traceId && e.traceId !== q.traceId) continue;
    if (min > 0 && ORDER.indexOf(e.level) < min) continue;
    if (text && !e.msg.toLowerCase().includes(text) && !e.fields.toLowerCase().includes(text)) continue;
    out.push(e);
  }
  return out.reverse();
}
