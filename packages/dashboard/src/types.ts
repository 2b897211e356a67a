import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DashboardConfig, DashboardInput } from '@otelkit/config';
import type { Monitoring } from '@otelkit/service';
import type { Profiler } from '@otelkit/tracing';

/**
 * What the dashboard reads: the handle `startMonitoring()` returns (or any object of that shape,
 * such as a test kit's). Nothing is added to it; the dashboard only reads on demand.
 */
export type DashboardSource = Pick<
  Monitoring,
  'config' | 'metrics' | 'monitor' | 'health' | 'resources' | 'recent' | 'tracing' | 'logger' | 'summary'
>;

/**
 * Decides whether a request may see the dashboard (every path: page, assets, API, stream).
 * Return `true` to allow. A throw or rejection denies.
 */
export type AuthorizeFn = (req: IncomingMessage) => boolean | Promise<boolean>;

/** Options of {@link createDashboard}, beyond the config's `dashboard` slice. */
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
  /** Metric collections made (one per tick, plus one per REST read). */
  readonly collections: number;
  /** Requests refused: wrong Host, wrong or missing credentials, cross-origin actions. */
  readonly refused: number;
  /** Bytes of the last frame. */
  readonly lastFrameBytes: number;
}

/** A dashboard with its own listener (`dashboard.port`), from {@link startDashboard}. */
export interface DashboardServer {
  readonly handler: DashboardHandler;
  /** `http://127.0.0.1:9465/monitoring/dashboard/`, with the port actually bound. */
  readonly url: string;
  /** Closes the streams and the listener. Idempotent, never rejects. */
  shutdown(): Promise<void>;
}
