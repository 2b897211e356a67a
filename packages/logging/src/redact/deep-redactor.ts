import { EventEmitter } from 'node:events';
import { diag } from '@opentelemetry/api';
import { redactText } from '@otelkit/config';

/** Key normal form: lowercase, without `-` and `_`. */
function normKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** Deepest level looked at; deeper values are left as they are. */
const MAX_DEPTH = 8;
/** Keys looked at per log call at most, so a huge object cannot make one call slow. */
const MAX_KEYS = 2000;

const hasOwn = Object.prototype.hasOwnProperty;

/** Returned by `walk` when a value could not be inspected or copied (a throwing getter or Proxy trap). */
const FAILED: unique symbol = Symbol('redaction failed');

/**
 * Key written instead of the whole object when even the top level could not be inspected; the
 * line is still written (pino adds the message and level after the formatter).
 */
export const REDACTION_FAILED_KEY = 'otelkit.redaction_failed';

/** The redactor returned by {@link createDeepRedactor}. */
export interface DeepRedactor {
  (obj: Record<string, unknown>): Record<string, unknown>;
  /**
   * Values that could not be inspected or copied (a getter or Proxy trap that throws…) since
   * the redactor was made. Each such value is replaced by the censor, never written as is.
   */
  readonly failures: number;
}

/**
 * A copy-on-write redactor: returns the same object when nothing matches (the common case),
 * otherwise a copy of the path down to each secret with its value replaced by `censor`. The
 * caller's objects are never modified.
 *
 * Walks plain objects, arrays, Errors and class instances (without `toJSON`); a class instance
 * holding a secret is copied to a plain object (its JSON is the same).
 */
export function createDeepRedactor(keys: readonly string[], censor: string): DeepRedactor {
  const secret = new Set(keys.map(normKey));
  // Cache of key → secret?, bounded: keys are usually a small fixed set per application.
  const cache = new Map<string, boolean>();
  let minLen = Number.POSITIVE_INFINITY;
  let maxLen = 0;
  for (const k of keys) {
    minLen = Math.min(minLen, k.length);
    maxLen = Math.max(maxLen, k.length + 8);
  }
  const isSecret = (key: string): boolean => {
    // Most keys are ruled out by length alone (normalisation only removes '-' and '_').
    if (key.length < minLen || key.length > maxLen) return false;
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = secret.has(normKey(key));
      if (cache.size < 10_000) cache.set(key, hit);
    }
    return hit;
  };

  let budget = 0;
  let seen: Set<object> | undefined;

  let failures = 0;
  const failed = (err: unknown): void => {
    if (failures++ === 0) {
      diag.warn(
        '@otelkit/logging: a logged value could not be inspected for secrets and was written as the censor (counted in logger.stats().redactionFailures)',
        err,
      );
    }
  };

  /** `walk` that never throws: a value it cannot look at is reported as FAILED. */
  function safeWalk(value: object, depth: number): unknown {
    try {
      return walk(value, depth);
    } catch (err) {
      failed(err);
      return FAILED;
    }
  }

  function walk(value: object, depth: number): unknown {
    if (depth > MAX_DEPTH || budget <= 0) return value;
    const proto = Object.getPrototypeOf(value);
    const plain = proto === Object.prototype || proto === null;
    if (!plain) {
      if (Array.isArray(value)) return walkArray(value, depth);
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
      if (ArrayBuffer.isView(value) || value instanceof EventEmitter) return value;
    }
    if (depth > 2) {
      // Cycles are only possible past the first levels we see in practice; track from there.
      seen ??= new Set();
      if (seen.has(value)) return value;
      seen.add(value);
    }
    const obj = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key in obj) {
      if (!plain && !hasOwn.call(obj, key)) continue;
      if (--budget <= 0) break;
      let item: unknown;
      let next: unknown;
      try {
        item = obj[key];
      } catch (err) {
        // A getter that throws: the field cannot be checked, so it is not written as is.
        failed(err);
        item = FAILED;
      }
      if (item === FAILED) next = censor;
      else if (isSecret(key)) next = item === undefined || item === null ? item : censor;
      else if (typeof item === 'object' && item !== null) {
        next = safeWalk(item, depth + 1);
        if (next === FAILED) next = censor;
      } else if (typeof item === 'string') {
        // a URL or connection string in any field: its userinfo and secret query values
        next = redactText(item);
      } else continue;
      if (next !== item) {
        copy ??= copyOf(obj, censor);
        copy[key] = next;
      }
    }
    return copy ?? obj;
  }

  function walkArray(value: unknown[], depth: number): unknown[] {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length && budget > 0; i++) {
      budget--;
      const item = value[i];
      if (typeof item === 'string') {
        const text = redactText(item);
        if (text !== item) {
          copy ??= value.slice();
          copy[i] = text;
        }
        continue;
      }
      if (typeof item !== 'object' || item === null) continue;
      const next = safeWalk(item, depth + 1);
      if (next !== item) {
        copy ??= value.slice();
        copy[i] = next === FAILED ? censor : next;
      }
    }
    return copy ?? value;
  }

  const redact = function redact(obj: Record<string, unknown>): Record<string, unknown> {
    if (typeof obj !== 'object' || obj === null) return obj;
    budget = MAX_KEYS;
    seen = undefined;
    const out = safeWalk(obj, 0);
    seen = undefined;
    return out === FAILED ? { [REDACTION_FAILED_KEY]: true } : (out as Record<string, unknown>);
  } as DeepRedactor;
  Object.defineProperty(redact, 'failures', { get: () => failures, enumerable: true });
  return redact;
}

function copyOf(obj: Record<string, unknown>, censor: string): Record<string, unknown> {
  if (obj instanceof Error) {
    // Keep the prototype (pino's err serializer checks it) and the non-enumerable message/stack.
    // Every own property becomes a writable data property holding the value read now: on
    // Node 22+ `stack` is an own accessor, and an accessor descriptor cannot take `writable`
    // (defineProperty throws "Invalid property descriptor"). Reading through the getter once
    // also keeps the copy independent of the original. A getter that throws makes the caller
    // censor this object.
    const err = Object.create(Object.getPrototypeOf(obj)) as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(obj)) {
      const desc = Object.getOwnPropertyDescriptor(obj, key);
      if (!desc) continue;
      const value = 'value' in desc ? desc.value : desc.get ? desc.get.call(obj) : undefined;
      Object.defineProperty(err, key, {
        value,
        enumerable: desc.enumerable,
        writable: true,
        configurable: true,
      });
    }
    return err;
  }
  try {
    return { ...obj };
  } catch {
    // A getter that throws (the walk censors and counts that key): copy the rest one by one.
    const copy: Record<string | symbol, unknown> = {};
    for (const key of Reflect.ownKeys(obj)) {
      const desc = Object.getOwnPropertyDescriptor(obj, key);
      if (!desc?.enumerable) continue;
      let value: unknown = censor;
      try {
        value = 'value' in desc ? desc.value : desc.get?.call(obj);
      } catch {
        // left as the censor
      }
      Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return copy as Record<string, unknown>;
  }
}

/**
 * Splits configured pino redact paths into key names that hold at any depth (`password`,
 * `*.password`, `*.*.password`, `headers.authorization`-like wildcard-only prefixes) and
 * exact paths left to pino (`req.body.card`). A key name is a superset of its wildcard path,
 * so nothing configured is redacted less.
 */
export function splitRedactPaths(
  paths: readonly string[],
  builtInKeys: readonly string[] = [],
): { keys: string[]; exact: string[] } {
  const keys: string[] = [];
  const rest: string[] = [];
  for (const raw of paths) {
    const path = raw.trim();
    if (path === '') continue;
    const m = /^(?:\*(?:\.|(?=\[)))*(?:([A-Za-z_$][\w$-]*)|\[\s*["']([^"'\]]+)["']\s*\])$/.exec(path);
    const name = m?.[1] ?? m?.[2];
    if (name !== undefined) keys.push(name);
    else rest.push(path);
  }
  // A path ending in a key that is redacted at any depth anyway (`req.headers.authorization`)
  // needs no pino path of its own.
  const covered = new Set([...keys, ...builtInKeys].map(normKey));
  const exact = rest.filter((p) => {
    const last = /(?:\.([A-Za-z_$][\w$-]*)|\[\s*["']([^"'\]]+)["']\s*\])$/.exec(p);
    const name = last?.[1] ?? last?.[2];
    return name === undefined || !covered.has(normKey(name));
  });
  return { keys, exact };
}
