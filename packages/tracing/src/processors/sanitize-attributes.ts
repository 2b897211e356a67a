import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { redactText } from '@otelkit/config';

/** Statement attributes (current and older semconv) whose literals are replaced by `?`. */
const STATEMENT_KEYS = new Set(['db.query.text', 'db.statement']);

// One pass over the statement: quoted strings and numbers become `?`; quoted identifiers
// ("col", `col`, [col]), comments' text, placeholders ($1, :name, ?) and identifiers (t1) stay.
const SQL_TOKENS =
  /'(?:[^'\\]|''|\\.)*'|\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$|"(?:[^"]|"")*"|`[^`]*`|--[^\n]*|\/\*[\s\S]*?\*\/|(?<![\w$.:@])(?:0x[0-9a-f]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?)(?![\w.])/gi;

/**
 * A SQL statement with its literals replaced by `?` — string literals (with `''` and `\'`
 * escapes), PostgreSQL dollar-quoted strings, numbers and hex literals — as the semantic
 * conventions ask of `db.query.text` when the instrumentation records statements (parameterised
 * text only: a literal may be a password, a card number, an e-mail address).
 *
 * @example
 * sanitizeSql("SELECT * FROM users WHERE email = 'a@b.c' AND id = 42 AND org = $1");
 * // 'SELECT * FROM users WHERE email = ? AND id = ? AND org = $1'
 */
export function sanitizeSql(statement: string): string {
  return statement.replace(SQL_TOKENS, (token) => {
    const c = token.charCodeAt(0);
    // quoted identifiers and comments are kept
    if (c === 34 /* " */ || c === 96 /* ` */ || token.startsWith('--') || token.startsWith('/*'))
      return token;
    return '?';
  });
}

function sanitize(attributes: Attributes, statements: boolean): void {
  for (const key in attributes) {
    const value = attributes[key];
    if (typeof value !== 'string') continue;
    // a statement's secrets are its literals (`password = 'x'` must stay readable SQL)
    const next = statements && STATEMENT_KEYS.has(key) ? sanitizeSql(value) : redactText(value);
    if (next !== value) attributes[key] = next;
  }
}

/**
 * Removes secrets from an ended span before any exporter, ring or memory exporter sees it: URL
 * userinfo and secret query values in every string attribute (`url.full`, `http.url`,
 * `url.query`, a connection string…) and in event attributes (`exception.message`), and SQL
 * literals in `db.query.text` / `db.statement`. The SDK's ended span keeps its attribute object
 * mutable; it is changed in place, once, before export.
 */
export function sanitizeSpan(span: ReadableSpan): void {
  sanitize(span.attributes as Attributes, true);
  for (const event of span.events) if (event.attributes) sanitize(event.attributes as Attributes, false);
}
