import type { IncomingMessage, ServerResponse } from 'node:http';
import { diag } from '@opentelemetry/api';
import {
  checkOptionKeys,
  createRateLimitedLog,
  type HealthInput,
  normalizeHealth,
  redactText,
} from '@otelkit/config';

export type HealthKind = 'liveness' | 'readiness';

/** What a check may return: `true`/nothing = healthy, `false` = unhealthy, or a result object. Throwing = unhealthy. */
export interface HealthCheckResult {
  readonly healthy: boolean;
  /**
   * Healthy but impaired (an exporter failing, telemetry being dropped): the check reports `warn`,
   * which answers 200 — a degraded part is shown, it does not take the process out of rotation.
   * Ignored when `healthy` is false.
   */
  readonly degraded?: boolean;
  readonly message?: string;
  /** Small JSON-serialisable detail shown on `/health`. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export type HealthCheckFn = (
  signal: AbortSignal,
) => boolean | undefined | HealthCheckResult | Promise<boolean | undefined | HealthCheckResult | void> | void;

export interface HealthCheckOptions {
  /** Unique name, shown in the JSON detail. */
  readonly name: string;
  readonly check: HealthCheckFn;
  /** @default ['readiness'] */
  readonly kinds?: readonly HealthKind[];
  /** Overrides the registry's `checkTimeoutMillis`. */
  readonly timeoutMillis?: number;
  /** Overrides the registry's `cacheMillis`. */
  readonly cacheMillis?: number;
}

export interface HealthCheckStatus {
  readonly name: string;
  readonly kinds: readonly HealthKind[];
  /** `warn`: the check passed degraded (HTTP 200). */
  readonly status: HealthStatus;
  readonly message?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly durationMillis: number;
  /** Epoch ms the result was produced. */
  readonly checkedAt: number;
}

/** The IETF health-check draft's statuses: `pass`, `warn` (up, degraded: HTTP 200), `fail` (HTTP 503). */
export type HealthStatus = 'pass' | 'warn' | 'fail';

export interface HealthReport {
  /** `fail` when a check failed, else `warn` when one is degraded, else `pass`. */
  readonly status: HealthStatus;
  readonly kind: HealthKind | 'all';
  readonly timestamp: number;
  readonly checks: readonly HealthCheckStatus[];
}

/**
 * Something that adds checks to a registry when handed one (uno's
 * `health_registry.register_adapter(adapter)`); `ResourceHealthAdapter` is one. `attach` returns a
 * function that removes what it added.
 */
export interface HealthAdapter {
  attach(registry: HealthRegistry): () => void;
}

/** Every key of {@link HealthRegistryOptions}. */
export const HEALTH_REGISTRY_OPTION_KEYS = [
  'checkTimeoutMillis',
  'cacheMillis',
  'path',
  'livenessPath',
  'readinessPath',
] as const satisfies readonly (keyof HealthRegistryOptions)[];
/** Every key of {@link HealthCheckOptions}. */
const HEALTH_CHECK_OPTION_KEYS = [
  'name',
  'check',
  'kinds',
  'timeoutMillis',
  'cacheMillis',
] as const satisfies readonly (keyof HealthCheckOptions)[];

/**
 * The registry's part of the config's `health` slice (`checkTimeoutMillis`, `cacheMillis`, `path`,
 * `livenessPath`, `readinessPath`), checked and defaulted by
 * `normalizeHealth` of `@otelkit/config`: a check that has not answered within `checkTimeoutMillis`
 * (default 2000) counts as failed, a result is reused for `cacheMillis` (default 1000), and the
 * paths default to `/health`, `/health/live`, `/health/ready`.
 */
export type HealthRegistryOptions = Readonly<
  Pick<HealthInput, 'checkTimeoutMillis' | 'cacheMillis' | 'path' | 'livenessPath' | 'readinessPath'>
>;

interface Entry {
  readonly name: string;
  readonly check: HealthCheckFn;
  readonly kinds: readonly HealthKind[];
  readonly timeoutMillis: number;
  readonly cacheMillis: number;
  cached: HealthCheckStatus | undefined;
  running: Promise<HealthCheckStatus> | undefined;
}

const MAX_MESSAGE = 300;
const KINDS: readonly HealthKind[] = ['liveness', 'readiness'];

function errorMessage(err: unknown): string {
  // Only the message, and never a URL's credentials or tokens: stack traces and error objects
  // never leave the process.
  const text = redactText(
    err instanceof Error ? err.message : typeof err === 'string' ? err : 'check failed',
  );
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/**
 * What `/health` says about a check that threw: a generic reason — with the error's code when it
 * is an errno-style one (`ECONNREFUSED`) — never its message, which may carry a connection string
 * or a password (one was served verbatim). The message goes to the logs ({@link HealthRegistry}).
 */
function genericReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{2,40}$/.test(code)
    ? `check failed: ${code} (details in the logs)`
    : 'check failed (details in the logs)';
}

/** A failing check logs its error once, then once a minute with the count since (per check). */
const logFailure = createRateLimitedLog((message, ...args) => diag.warn(message, ...args), 60_000);

/** A number option (not necessarily whole: milliseconds may be fractional) >= `min`, `def` when not given. */
function atLeast(v: unknown, field: string, def: number, min: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
    throw new Error(`${field} must be a number >= ${min}, got ${String(v)}`);
  return v;
}

/**
 * Named liveness/readiness checks with per-check timeouts, one run at a time per check
 * (concurrent probes share it), and cached results, plus an HTTP handler serving
 * `/health/live`, `/health/ready` and `/health` with 200/503.
 *
 * @example
 * const health = new HealthRegistry({ checkTimeoutMillis: 1000 });
 * health.register({ name: 'db', kinds: ['readiness'], check: async () => { await pool.query('select 1'); } });
 * http.createServer(health.handler()).listen(8080, '127.0.0.1');
 */
export class HealthRegistry {
  readonly checkTimeoutMillis: number;
  readonly cacheMillis: number;
  readonly paths: { readonly all: string; readonly liveness: string; readonly readiness: string };
  private readonly _entries = new Map<string, Entry>();
  private _ready = true;
  private _notReadyReason = '';

  constructor(options: HealthRegistryOptions = {}) {
    if (options === null || typeof options !== 'object')
      throw new Error('HealthRegistry options must be an object');
    checkOptionKeys(options, HEALTH_REGISTRY_OPTION_KEYS, 'HealthRegistry');
    // The config's `health` slice normaliser: the same defaults, checks and ConfigError text as
    // loadConfig (`health.checkTimeoutMillis: expected more than 0, got 0`).
    const health = normalizeHealth(options);
    this.checkTimeoutMillis = health.checkTimeoutMillis;
    this.cacheMillis = health.cacheMillis;
    this.paths = { all: health.path, liveness: health.livenessPath, readiness: health.readinessPath };
  }

  /** Adds a check; returns a function that removes it. Throws when the name is taken. */
  register(options: HealthCheckOptions): () => void {
    if (!options || typeof options.name !== 'string' || options.name.length === 0)
      throw new Error('health check name must be a non-empty string');
    const at = `health check ${JSON.stringify(options.name)}`;
    checkOptionKeys(options, HEALTH_CHECK_OPTION_KEYS, at);
    if (typeof options.check !== 'function') throw new Error(`${at}: check must be a function`);
    if (this._entries.has(options.name)) throw new Error(`${at} is already registered`);
    const kinds = options.kinds ?? ['readiness'];
    if (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !KINDS.includes(k))) {
      throw new Error(`${at}: kinds must be a non-empty list of 'liveness' | 'readiness'`);
    }
    const entry: Entry = {
      name: options.name,
      check: options.check,
      kinds: [...new Set(kinds)],
      timeoutMillis: atLeast(options.timeoutMillis, `${at}.timeoutMillis`, this.checkTimeoutMillis, 1),
      cacheMillis: atLeast(options.cacheMillis, `${at}.cacheMillis`, this.cacheMillis, 0),
      cached: undefined,
      running: undefined,
    };
    this._entries.set(entry.name, entry);
    return () => {
      if (this._entries.get(entry.name) === entry) this._entries.delete(entry.name);
    };
  }

  /**
   * Lets an adapter add its checks (uno's `health_registry.register_adapter(adapter)`); returns
   * the adapter's remover.
   *
   * @example
   * const adapter = new ResourceHealthAdapter(manager, resourceMonitor);
   * healthRegistry.registerAdapter(adapter);
   */
  registerAdapter(adapter: HealthAdapter): () => void {
    if (!adapter || typeof adapter.attach !== 'function')
      throw new Error(
        'HealthRegistry.registerAdapter needs an adapter with attach(registry), e.g. a ResourceHealthAdapter',
      );
    return adapter.attach(this);
  }

  unregister(name: string): boolean {
    return this._entries.delete(name);
  }

  has(name: string): boolean {
    return this._entries.has(name);
  }

  /** Check names. */
  names(): string[] {
    return [...this._entries.keys()];
  }

  /** `setReady(false)` makes readiness fail (e.g. while shutting down) whatever the checks say. */
  setReady(ready: boolean, reason = 'shutting down'): void {
    this._ready = ready;
    this._notReadyReason = reason;
  }

  get ready(): boolean {
    return this._ready;
  }

  /** Runs (or reuses) the checks of one kind, or all of them. Never rejects. */
  async check(kind: HealthKind | 'all' = 'all'): Promise<HealthReport> {
    const entries = [...this._entries.values()].filter((e) => kind === 'all' || e.kinds.includes(kind));
    const checks: HealthCheckStatus[] = await Promise.all(entries.map((e) => this._evaluate(e)));
    if (!this._ready && kind !== 'liveness') {
      checks.push({
        name: 'ready',
        kinds: ['readiness'],
        status: 'fail',
        message: this._notReadyReason,
        durationMillis: 0,
        checkedAt: Date.now(),
      });
    }
    return {
      status: checks.some((c) => c.status === 'fail')
        ? 'fail'
        : checks.some((c) => c.status === 'warn')
          ? 'warn'
          : 'pass',
      kind,
      timestamp: Date.now(),
      checks,
    };
  }

  /**
   * A `(req, res, next?)` handler for `node:http`, Express or Connect. Answers GET/HEAD on the
   * three health paths; anything else goes to `next()` when given, else 404.
   */
  handler(): (req: IncomingMessage, res: ServerResponse, next?: () => void) => void {
    return (req, res, next) => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const kind: HealthKind | 'all' | undefined =
        path === this.paths.liveness
          ? 'liveness'
          : path === this.paths.readiness
            ? 'readiness'
            : path === this.paths.all
              ? 'all'
              : undefined;
      if (kind === undefined) {
        if (next) return next();
        return send(res, 404, { status: 'fail', message: 'not found' }, req.method === 'HEAD');
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        return send(res, 405, { status: 'fail', message: 'method not allowed' }, false);
      }
      this.check(kind).then(
        (report) => send(res, report.status === 'fail' ? 503 : 200, report, req.method === 'HEAD'),
        () => send(res, 503, { status: 'fail' }, req.method === 'HEAD'),
      );
    };
  }

  private _evaluate(entry: Entry): Promise<HealthCheckStatus> {
    const now = Date.now();
    if (entry.cached && now - entry.cached.checkedAt < entry.cacheMillis)
      return Promise.resolve(entry.cached);
    if (!entry.running) {
      const running = this._execute(entry);
      entry.running = running;
      void running.then((status) => {
        if (entry.running === running) entry.running = undefined;
        entry.cached = status;
      });
    }
    const running = entry.running;
    return new Promise<HealthCheckStatus>((resolve) => {
      const started = Date.now();
      const timer = setTimeout(() => {
        const status: HealthCheckStatus = {
          name: entry.name,
          kinds: entry.kinds,
          status: 'fail',
          message: `timed out after ${entry.timeoutMillis} ms`,
          durationMillis: Date.now() - started,
          checkedAt: Date.now(),
        };
        entry.cached = status;
        resolve(status);
      }, entry.timeoutMillis);
      // not unref()ed: the caller awaits this answer, and it is bounded by the timeout
      void running.then((status) => {
        clearTimeout(timer);
        resolve(status);
      });
    });
  }

  private async _execute(entry: Entry): Promise<HealthCheckStatus> {
    const started = performance.now();
    const controller = new AbortController();
    // Tell a cooperative check it is late; the registry never waits past the timeout either way.
    const abortTimer = setTimeout(() => controller.abort(), entry.timeoutMillis);
    abortTimer.unref();
    const base = { name: entry.name, kinds: entry.kinds };
    try {
      const result = await entry.check(controller.signal);
      const durationMillis = Math.round((performance.now() - started) * 100) / 100;
      if (result === undefined || result === true)
        return { ...base, status: 'pass', durationMillis, checkedAt: Date.now() };
      if (result === false) return { ...base, status: 'fail', durationMillis, checkedAt: Date.now() };
      return {
        ...base,
        status: result.healthy ? (result.degraded === true ? 'warn' : 'pass') : 'fail',
        ...(result.message !== undefined ? { message: errorMessage(result.message) } : {}),
        ...(result.details !== undefined ? { details: result.details } : {}),
        durationMillis,
        checkedAt: Date.now(),
      };
    } catch (err) {
      logFailure(entry.name, `health check ${JSON.stringify(entry.name)} failed: ${errorMessage(err)}`);
      return {
        ...base,
        status: 'fail',
        message: genericReason(err),
        durationMillis: Math.round((performance.now() - started) * 100) / 100,
        checkedAt: Date.now(),
      };
    } finally {
      clearTimeout(abortTimer);
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  if (res.headersSent) return;
  let json: string;
  try {
    json = JSON.stringify(body);
  } catch {
    json = JSON.stringify({ status: status === 200 ? 'pass' : 'fail' });
  }
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(json));
  res.end(head ? undefined : json);
}
