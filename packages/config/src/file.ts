import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, ConfigErrorCode } from './errors';

/**
 * Reads a YAML or JSON config file into plain data. JSON files are parsed as JSON; anything
 * else as YAML 1.2 (a superset of JSON). Errors name the file, the line and the column.
 */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
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
  // YAML 1.2 core schema: no merge keys, no custom tags, aliases capped (no billion laughs).
  const doc = parseDocument(text, { prettyErrors: true, merge: false, uniqueKeys: true });
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

function jsonPosition(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return err.message;
  const offset = Number(m[1]);
  const before = text.slice(0, offset).split('\n');
  return `${err.message.replace(/ in JSON at position \d+.*$/, '')} at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}
