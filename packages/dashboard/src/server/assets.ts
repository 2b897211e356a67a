/**
 * The page's files, shipped in the package (`assets/`): read once when a dashboard is created,
 * kept with a gzip copy and an ETag. No CDN, no build step, no template: the HTML is static and
 * every value reaches the DOM through the script, as text.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Asset {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly etag: string;
}

const FILES: Readonly<Record<string, string>> = {
  '/': 'text/html; charset=utf-8',
  '/app.js': 'text/javascript; charset=utf-8',
  '/app.css': 'text/css; charset=utf-8',
  '/icon.svg': 'image/svg+xml',
};

const NAMES: Readonly<Record<string, string>> = { '/': 'index.html' };

/** `src/` and `dist/` both sit next to `assets/`. */
export const ASSETS_DIR = join(__dirname, '..', '..', 'assets');

let cache: ReadonlyMap<string, Asset> | undefined;

export function loadAssets(): ReadonlyMap<string, Asset> {
  if (cache !== undefined) return cache;
  const out = new Map<string, Asset>();
  for (const [path, type] of Object.entries(FILES)) {
    const body = readFileSync(join(ASSETS_DIR, NAMES[path] ?? path.slice(1)));
    out.set(path, {
      type,
      body,
      gzip: gzipSync(body, { level: 9 }),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    });
  }
  cache = out;
  return out;
}
