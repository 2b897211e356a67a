/**
 * The effective config with every secret masked, the versions that matter when reading it, and
 * what each exporter queued, dropped and failed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { maskUrl, SECRET_KEYS } from '@otelkit/config';
import type { DashboardSource } from '../types';

const MASK = '****';
const secret = new Set(SECRET_KEYS.map((k) => k.toLowerCase().replace(/[-_]/g, '')));

function isSecretKey(k: string): boolean {
  const n = k.toLowerCase().replace(/[-_]/g, '');
  return (
    secret.has(n) || n.endsWith('password') || n.endsWith('secret') || n.endsWith('token') || n === 'apikey'
  );
}

/** A copy of `value` with secret keys, header values and URL credentials masked. */
export function maskSecrets(value: unknown, key = '', depth = 0): unknown {
  if (depth > 12) return '…';
  if (typeof value === 'string') {
    if (isSecretKey(key)) return MASK;
    return /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(value) ? maskUrl(value) : value;
  }
  if (typeof value === 'function') return '[function]';
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, key, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (key.toLowerCase() === 'headers' && typeof v === 'string') out[k] = MASK;
      else if (isSecretKey(k) && v !== null && typeof v !== 'object') out[k] = MASK;
      else out[k] = maskSecrets(v, k, depth + 1);
    }
    return out;
  }
  return value;
}

const req = createRequire(__filename);

/** The version of an installed package: the package.json above its main file (not every package exports `./package.json`). */
function versionOf(name: string): string | null {
  try {
    let dir = dirname(req.resolve(name));
    for (let i = 0; i < 8; i++) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? null;
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  } catch {
    // not installed
  }
  return null;
}

export interface ConfigView {
  readonly config: unknown;
  readonly summary: string;
  readonly versions: Readonly<Record<string, string | null>>;
  readonly exporters: {
    readonly tracing: unknown;
    readonly metrics: unknown;
    readonly logging: unknown;
  };
}

export function configView(source: DashboardSource): ConfigView {
  return {
    config: maskSecrets(source.config),
    summary: source.summary(),
    versions: {
      node: process.version,
      '@otelkit/dashboard': versionOf('@otelkit/dashboard'),
      '@otelkit/service': versionOf('@otelkit/service'),
      '@opentelemetry/api': versionOf('@opentelemetry/api'),
      '@opentelemetry/core': versionOf('@opentelemetry/core'),
    },
    exporters: {
      tracing: source.tracing.stats(),
      metrics: source.metrics.stats(),
      logging: source.logger.stats(),
    },
  };
}
