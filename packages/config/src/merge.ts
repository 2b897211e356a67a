import type { ConfigIssue, ConfigSource } from './errors';
import type { DeepPartial } from './fields/input-types';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function joinPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_$][\w$-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

/**
 * Rejects keys that could reach a prototype (`__proto__`, `constructor`, `prototype`), YAML
 * merge keys, and cycles. Runs on every layer before anything else reads it.
 */
/** Levels of objects/arrays a config layer may nest (the deepest real field is under 10). */
export const MAX_CONFIG_DEPTH = 32;

export function findUnsafeKeys(value: unknown, source: ConfigSource): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown, path: PropertyKey[]) => {
    if (v === null || typeof v !== 'object') return;
    if (path.length >= MAX_CONFIG_DEPTH) {
      // (5 000 levels threw RangeError from the walks; no config is nested this deep)
      issues.push({ path: joinPath(path), message: `nested deeper than ${MAX_CONFIG_DEPTH} levels`, source });
      return;
    }
    if (seen.has(v)) {
      issues.push({ path: joinPath(path), message: 'circular reference', source });
      return;
    }
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], [...path, i]);
    } else {
      for (const key of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(key)) {
          issues.push({ path: joinPath([...path, key]), message: `key "${key}" is not allowed`, source });
        } else if (key === '<<') {
          issues.push({
            path: joinPath([...path, key]),
            message: 'YAML merge keys (<<) are not supported',
            source,
          });
        } else {
          walk((v as Record<string, unknown>)[key], [...path, key]);
        }
      }
    }
    seen.delete(v);
  };
  walk(value, []);
  return issues;
}

/**
 * Merges `over` onto `base`: plain objects key by key, everything else (arrays included)
 * replaced; `undefined` never overwrites. Builds new objects, never mutates its inputs.
 *
 * `over` is typed as a deep partial of `base`: what a schema parses a layer into must fit the
 * draft it is merged into, field by field — so a field the schema gives another type than the
 * config declares is a compile error, not a slice of the wrong shape at run time.
 */
export function deepMerge<T>(base: T, over: DeepPartial<T> | undefined): T {
  return mergeAny(base, over) as T;
}

function mergeAny(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const key of Object.keys(over)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    out[key] = mergeAny(out[key], over[key]);
  }
  return out;
}

/** Freezes an object graph in place and returns it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
