import { ERROR_TYPE_OTHER } from './semconv';

/** Longest `name` / `code` of a plain object taken as an `error.type` (keeps series bounded). */
const MAX_NAME_LENGTH = 100;

function shortString(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length < MAX_NAME_LENGTH;
}

/**
 * The OpenTelemetry semantic-conventions `error.type` for a thrown value or rejection reason: the
 * one implementation behind the HTTP server metrics, `histogram.time()` and `@monitored`.
 *
 * - an object: its class name (`TypeError`, `PaymentDeclined`); for a plain object (class
 *   `Object` or none), its own short string `name`, else its short string `code`; else `_OTHER`;
 * - `null` → `'null'`; a primitive → its `typeof` (`'string'`, `'number'`, `'undefined'` …);
 * - a value whose getters or prototype throw → `_OTHER`. Never throws.
 *
 * The result is low-cardinality by construction: class names, typeof names, or strings of fewer
 * than 100 characters that the value itself names as its kind — never a message.
 *
 * @example errorType(new RangeError('x')) // 'RangeError'
 * @example errorType({ name: 'AbortError', message: 'aborted' }) // 'AbortError'
 * @example errorType('boom') // 'string'
 */
export function errorType(err: unknown): string {
  try {
    if (err === null) return 'null';
    if (typeof err !== 'object') return typeof err;
    const className = (err as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof className === 'string' && className !== '' && className !== 'Object') return className;
    const { name, code } = err as { name?: unknown; code?: unknown };
    if (shortString(name)) return name;
    if (shortString(code)) return code;
    return ERROR_TYPE_OTHER;
  } catch {
    return ERROR_TYPE_OTHER;
  }
}
