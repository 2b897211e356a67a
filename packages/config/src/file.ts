import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { ConfigError, ConfigErrorCode } from './errors';
import { MAX_CONFIG_DEPTH } from './merge';

/** Bytes a config file may have. */
export const MAX_CONFIG_FILE_BYTES = 256 * 1024;

/**
 * Reads a YAML or JSON config file into plain data. JSON files are parsed as JSON; anything
 * else as YAML 1.2 (a superset of JSON). Errors name the file, the line and the column.
 */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    // bigint: see console-output.ts (a plain stat on Node 20 could break the loader's next realpath)
    const size = Number(statSync(path, { bigint: true }).size);
    if (size > MAX_CONFIG_FILE_BYTES) {
      // A config is a few KiB; YAML parsing is superlinear (1 MB took 8 s, 10 MB over 5 min).
      throw new ConfigError(
        [
          {
            path,
            message: `config file too large: ${size} bytes, at most ${MAX_CONFIG_FILE_BYTES}`,
            source: 'file',
          },
        ],
        ConfigErrorCode.FILE,
      );
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(
      [{ path, message: `cannot read config file: ${reason}`, source: 'file' }],
      ConfigErrorCode.FILE,
    );
  }
  if (extname(path).toLowerCase() === '.json') {
    try {
      return text.trim() === '' ? {} : JSON.parse(text);
    } catch (err) {
      throw new ConfigError(
        [{ path, message: `invalid JSON: ${jsonPosition(text, err as Error)}`, source: 'file' }],
        ConfigErrorCode.FILE,
      );
    }
  }
  const depth = flowDepth(text);
  if (depth > MAX_CONFIG_DEPTH) {
    // the YAML parser's time grows fast with flow nesting ([[[[…)
    throw new ConfigError(
      [
        {
          path,
          message: `invalid YAML: [ ] / { } nested deeper than ${MAX_CONFIG_DEPTH} levels`,
          source: 'file',
        },
      ],
      ConfigErrorCode.FILE,
    );
  }
  // YAML 1.2 core schema: no merge keys, no custom tags, aliases capped (no billion laughs).
  // Duplicate keys are found below in one pass: the parser's own check (`uniqueKeys`) compares
  // every pair of keys of a map (a 256 KiB map took 7 s).
  const doc = parseDocument(text, { prettyErrors: true, merge: false, uniqueKeys: false });
  const duplicate = doc.errors.length === 0 ? firstDuplicateKey(doc.contents) : undefined;
  if (duplicate) {
    const before = text.slice(0, duplicate.offset).split('\n');
    const where = `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
    throw new ConfigError(
      [
        {
          path,
          message: `invalid YAML at ${where}: Map keys must be unique (${JSON.stringify(duplicate.key)} is repeated)`,
          source: 'file',
        },
      ],
      ConfigErrorCode.FILE,
    );
  }
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `line ${pos.line}, column ${pos.col}` : 'unknown position';
        return {
          path,
          message: `invalid YAML at ${where}: ${e.message.split('\n')[0]}`,
          source: 'file' as const,
        };
      }),
      ConfigErrorCode.FILE,
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    // an alias bomb ("billion laughs") ends here
    throw new ConfigError(
      [{ path, message: `invalid YAML: ${(err as Error).message}`, source: 'file' }],
      ConfigErrorCode.FILE,
    );
  }
}

/** The deepest nesting of flow collections, brackets inside quotes and comments counted too (a safe overestimate). */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return max;
}

interface Duplicate {
  key: string;
  offset: number;
}

/** The first key repeated within one map, anywhere in the document, and where it is. */
function firstDuplicateKey(node: unknown): Duplicate | undefined {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const item of node.items) {
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
      if (seen.has(key)) {
        const range = (item.key as { range?: [number, number, number] } | null)?.range;
        return { key, offset: range?.[0] ?? 0 };
      }
      seen.add(key);
      const inner = firstDuplicateKey(item.value);
      if (inner !== undefined) return inner;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const inner = firstDuplicateKey(item);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

function jsonPosition(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return err.message;
  const offset = Number(m[1]);
  const before = text.slice(0, offset).split('\n');
  return `${err.message.replace(/ in JSON at position \d+.*$/, '')} at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}
