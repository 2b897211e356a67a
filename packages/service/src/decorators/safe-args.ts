import { SECRET_KEYS } from '@otelkit/config';

/** Key normal form, as log redaction matches: lowercase, without `-` and `_`. */
const norm = (k: string) => k.toLowerCase().replace(/[-_]/g, '');
const SECRET = new Set(SECRET_KEYS.map(norm));
const MAX_LENGTH = 1024;
const MAX_DEPTH = 4;
const MAX_KEYS = 32;

function sanitize(value: unknown, depth: number, seen: Set<object>): unknown {
  if (value === null || value === undefined) return value ?? null;
  switch (typeof value) {
    case 'string':
      return value.length > 256 ? `${value.slice(0, 256)}…` : value;
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return `${value}n`;
    case 'function':
      return `[function ${value.name || 'anonymous'}]`;
    case 'symbol':
      return value.toString();
  }
  const obj = value as object;
  if (seen.has(obj)) return '[circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(obj) ? '[array]' : '[object]';
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.slice(0, MAX_KEYS).map((v) => sanitize(v, depth + 1, seen));
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
    if (obj instanceof Error) return { name: obj.name, message: obj.message };
    if (Buffer.isBuffer(obj)) return `[buffer ${obj.length} bytes]`;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj).slice(0, MAX_KEYS)) {
      if (SECRET.has(norm(key))) {
        out[key] = '[REDACTED]';
        continue;
      }
      let v: unknown;
      try {
        v = (obj as Record<string, unknown>)[key];
      } catch {
        v = '[unreadable]';
      }
      out[key] = sanitize(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

/**
 * The arguments of a call as a JSON string for the `code.args` span attribute: secrets
 * redacted by key (the same list as log redaction), depth, breadth and length bounded, never
 * throwing on cycles or hostile getters.
 */
export function safeArgs(args: readonly unknown[]): string {
  let text: string;
  try {
    text = JSON.stringify(sanitize(args, 0, new Set()));
  } catch {
    return '[unserializable]';
  }
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
