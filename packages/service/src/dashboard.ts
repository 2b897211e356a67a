/**
 * The contract between the service and `@otelkit/dashboard`, which depends on this package (so
 * this one cannot depend on it): the types of `monitoring.dashboard()` live here, the
 * implementation there. The dashboard registers its factory in a process-wide slot when it is
 * loaded; `monitoring.dashboard()` uses the slot, and when it is empty loads the package itself
 * (resolved from this package, then from the app's main module and working directory) — or
 * throws a {@link DashboardNotInstalledError} naming the package to install.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import type { DashboardConfig, DashboardInput } from '@otelkit/config';
import type { Profiler, SpanRingStats } from '@otelkit/tracing';

/**
 * Decides whether a request may see the dashboard (every path: page, assets, API, stream).
 * Return `true` to allow. A throw or rejection denies.
 */
export type AuthorizeFn = (req: IncomingMessage) => boolean | Promise<boolean>;

/** Options of `monitoring.dashboard()` and `createDashboard`, beyond the config's `dashboard` slice. */
export interface DashboardOptions {
  /**
   * The `dashboard` slice (input or normalised form) to use instead of `monitoring.config.dashboard`
   * — checked by `normalizeDashboard`, so the same rules and errors apply.
   */
  config?: DashboardInput | DashboardConfig;
  /**
   * Your own check, run on every request; required when `auth` is `'custom'`, and used instead of
   * Basic credentials when given.
   */
  authorize?: AuthorizeFn;
  /**
   * A `Profiler` of `@otelkit/tracing` whose results the Profiler tab shows (per-name count,
   * total, p50 / p95 / p99, errors) and offers as a Chrome-trace download.
   */
  profiler?: Pick<Profiler, 'getProfile' | 'toChromeTrace'>;
  /** `WWW-Authenticate` value sent with a 401 when `authorize` denies. @default 'Basic realm="otelkit dashboard", charset="UTF-8"' */
  challenge?: string;
}

/**
 * A `(req, res, next?)` handler for `node:http`, Connect or Express: answers the requests under
 * `path` and passes anything else to `next()` (or answers 404 without one).
 */
export interface DashboardHandler {
  (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void;
  /** The mount path the handler answers under (`/monitoring/dashboard`). */
  readonly path: string;
  /**
   * Serves one request whose URL is already relative to the mount point (`/`, `/app.js`,
   * `/api/traces`): what the framework adapters use, since they strip the prefix.
   */
  serve(req: IncomingMessage, res: ServerResponse, relativeUrl: string): void;
  /** Closes every stream (clients reconnect), stops the 1 Hz tick. Idempotent, never rejects. */
  shutdown(): Promise<void>;
  /** Counters: stream clients now, frames and snapshots served, collections made. */
  stats(): DashboardStats;
}

/** What {@link DashboardHandler.stats} reports. */
export interface DashboardStats {
  /** Stream clients connected now. */
  readonly clients: number;
  /** Whether the 1 Hz tick runs (only while a client is connected). */
  readonly ticking: boolean;
  /** Frames written to streams since creation. */
  readonly frames: number;
  /**
   * Stream clients closed because they stopped reading: more than 256 KiB (four maximal frames),
   * written and not taken, five ticks in a row. Their EventSource reconnects with a fresh snapshot.
   */
  readonly slowClientsClosed: number;
  /** Metric collections made (one per tick, plus one per REST read). */
  readonly collections: number;
  /** Requests refused: wrong Host, wrong or missing credentials, cross-origin actions. */
  readonly refused: number;
  /** Bytes of the last frame. */
  readonly lastFrameBytes: number;
  /**
   * The recent-spans ring: traces kept (by reason) and skipped, and the spans lost before their
   * trace was chosen (`dropped.evicted_before_selection`); absent with `dashboard.buffer: false`.
   */
  readonly recentSpans?: SpanRingStats;
}

/** What `@otelkit/dashboard` puts in the slot: its `createDashboard`. */
/**
 * `createDashboard`'s shape, generic in what it reads (the `Monitoring` handle, or the part of it
 * the dashboard names), so this module does not import the handle's (no import cycle).
 */
export type DashboardFactory<Source = unknown> = (
  source: Source,
  options?: DashboardOptions,
) => DashboardHandler;

/** The name the dashboard package is installed under. */
export const DASHBOARD_PACKAGE = '@otelkit/dashboard';
/**
 * The process-wide slot `@otelkit/dashboard` fills when loaded (`Symbol.for`, so two copies of
 * either package still meet).
 */
export const DASHBOARD_FACTORY_SLOT = Symbol.for('otelkit.dashboard.factory.v1');

/** Thrown by `monitoring.dashboard()` when `@otelkit/dashboard` is neither loaded nor installed. */
export class DashboardNotInstalledError extends Error {
  readonly code = 'OTELKIT_ERR_DASHBOARD_NOT_INSTALLED';
  constructor(readonly searched: readonly string[]) {
    super(
      `monitoring.dashboard() needs the ${DASHBOARD_PACKAGE} package, which is not installed ` +
        `(looked from ${searched.join(', ')}). Install it next to @otelkit/service ` +
        `(npm install ${DASHBOARD_PACKAGE}); if your layout hides it from @otelkit/service, ` +
        `import '${DASHBOARD_PACKAGE}' once before calling monitoring.dashboard().`,
    );
    this.name = 'DashboardNotInstalledError';
  }
}

function registered<Source>(): DashboardFactory<Source> | undefined {
  const slot = (globalThis as unknown as Record<symbol, unknown>)[DASHBOARD_FACTORY_SLOT];
  return typeof slot === 'function' ? (slot as DashboardFactory<Source>) : undefined;
}

/**
 * The dashboard's factory: the registered one, else the package loaded now (its import
 * registers it). Resolved from this package first (npm / yarn layouts, a pnpm app that lists
 * both), then from the app's main module and the working directory (a pnpm app whose own
 * dependency it is).
 *
 * @throws DashboardNotInstalledError when it cannot be resolved from any of them; an error of
 * loading the package itself (a missing dependency of it, a syntax error) is thrown as it is.
 */
export function loadDashboardFactory<Source>(): DashboardFactory<Source> {
  const ready = registered<Source>();
  if (ready) return ready;
  const from = [__dirname];
  const main = require.main?.filename;
  if (main) from.push(dirname(main));
  from.push(process.cwd());
  let resolved: string;
  try {
    resolved = require.resolve(DASHBOARD_PACKAGE, { paths: from });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw new DashboardNotInstalledError([...new Set(from)]);
  }
  const loaded = require(resolved) as { createDashboard?: unknown };
  const factory =
    registered<Source>() ??
    (typeof loaded.createDashboard === 'function'
      ? (loaded.createDashboard as DashboardFactory<Source>)
      : undefined);
  if (factory === undefined)
    throw new Error(
      `${resolved} did not provide createDashboard: is ${DASHBOARD_PACKAGE} too old for this @otelkit/service?`,
    );
  return factory;
}
