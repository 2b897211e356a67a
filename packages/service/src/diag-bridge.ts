/**
 * OpenTelemetry's own diagnostics (`diag`) routed to the otelkit logger, under
 * `component: 'otel.diag'`, marked as ours (see `writeOwnDiagnostic`), bounded and rate-limited:
 *
 * - **Bounded**: each argument is reduced to a short preview (strings and messages cut to
 *   {@link MAX_ARG_CHARS} characters, objects to a depth-2 JSON-like summary of at most 8 keys,
 *   arrays to their length and first items), at most {@link MAX_ARGS} of them. The SDK's debug
 *   diagnostics pass whole export payloads ("items to be sent", every span and metric point);
 *   logged whole, one line was hundreds of kilobytes and grew with every export.
 * - **Rate-limited** per message: the first goes out at once, the rest of a {@link WINDOW_MILLIS}
 *   window are counted and reported with the next one after it ("… (41 more since the last
 *   report)"), so an error repeating on every export or every call cannot flood the log.
 */
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { createRateLimitedLog, type OtelkitConfig } from '@otelkit/config';
import { type OtelkitLogger, writeOwnDiagnostic } from '@otelkit/logging';
import { isAbsentCloudAttributeWarning } from './cloud-detectors';

export const MAX_ARG_CHARS = 512;
export const MAX_ARGS = 4;
export const WINDOW_MILLIS = 10_000;
const MAX_KEYS = 8;
const MAX_ITEMS = 3;

const DIAG_LEVELS: Record<OtelkitConfig['diagnostics']['logLevel'], DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

function cut(text: string): string {
  return text.length > MAX_ARG_CHARS ? `${text.slice(0, MAX_ARG_CHARS)}…(${text.length} chars)` : text;
}

/** A JSON-like summary of `value`, depth-limited; stops adding once `budget` characters are spent. */
function summarise(value: unknown, depth: number, budget: { left: number }): string {
  if (budget.left <= 0) return '…';
  let out: string;
  if (value === null || value === undefined) out = String(value);
  else if (typeof value === 'string')
    out = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    out = String(value);
  else if (typeof value === 'function') out = '[function]';
  else if (typeof value === 'symbol') out = value.toString();
  else if (value instanceof Error) out = JSON.stringify(value.message.slice(0, 200));
  else if (Array.isArray(value)) {
    if (depth <= 0) out = `[Array(${value.length})]`;
    else {
      const items: string[] = [];
      for (let i = 0; i < Math.min(value.length, MAX_ITEMS) && budget.left > 0; i++) {
        items.push(summarise(value[i], depth - 1, budget));
      }
      if (value.length > MAX_ITEMS) items.push(`…+${value.length - MAX_ITEMS}`);
      out = `[${items.join(',')}]`;
    }
  } else if (depth <= 0) out = '{…}';
  else {
    const keys = Object.keys(value as object);
    const parts: string[] = [];
    for (let i = 0; i < Math.min(keys.length, MAX_KEYS) && budget.left > 0; i++) {
      const key = keys[i] as string;
      let v: unknown;
      try {
        v = (value as Record<string, unknown>)[key];
      } catch {
        v = '[getter threw]';
      }
      parts.push(`${JSON.stringify(key)}:${summarise(v, depth - 1, budget)}`);
    }
    if (keys.length > MAX_KEYS) parts.push(`…+${keys.length - MAX_KEYS} keys`);
    out = `{${parts.join(',')}}`;
  }
  budget.left -= out.length;
  return out;
}

/**
 * A bounded preview of one diag argument: primitives as they are, strings and error messages cut,
 * anything else a short summary string. Never throws.
 */
export function previewDiagArg(value: unknown): unknown {
  try {
    if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') {
      return value;
    }
    if (typeof value === 'string') return cut(value);
    if (value instanceof Error) return cut(value.message);
    return cut(summarise(value, 2, { left: MAX_ARG_CHARS }));
  } catch {
    return '[unserialisable]';
  }
}

/** Routes `diag` to `logger` at `level` (the config's `diagnostics.logLevel`). */
export function routeDiag(logger: OtelkitLogger, level: OtelkitConfig['diagnostics']['logLevel']): void {
  const child = logger.child({ component: 'otel.diag' });
  const write = (lvl: 'error' | 'warn' | 'info' | 'debug' | 'trace') => {
    const limited = createRateLimitedLog((message, ...args) => {
      // Marked as ours: never sent through an output that is failing (it may be what failed).
      writeOwnDiagnostic(() =>
        child[lvl](
          {
            args: args.length ? args.slice(0, MAX_ARGS).map(previewDiagArg) : undefined,
          },
          message,
        ),
      );
    }, WINDOW_MILLIS);
    return (message: string, ...args: unknown[]) => {
      const text = typeof message === 'string' ? message : String(message);
      limited(text.slice(0, 120), text.length > 4_096 ? `${text.slice(0, 4_096)}…` : text, ...args);
    };
  };
  const warn = write('warn');
  const debug = write('debug');
  diag.setLogger(
    {
      error: write('error'),
      warn: (message: string, ...args: unknown[]) =>
        // a cloud detector's unfilled keys: already one warning per detector (cloud-detectors.ts)
        isAbsentCloudAttributeWarning(message) ? debug(message, ...args) : warn(message, ...args),
      info: write('info'),
      debug,
      verbose: write('trace'),
    },
    { logLevel: DIAG_LEVELS[level], suppressOverrideMessage: true },
  );
}
