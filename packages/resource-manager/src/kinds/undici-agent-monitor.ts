import { guarded, patchInstance } from '../internal/instance-patch';
import type { ResourceHost, ResourceRegistration } from '../types';
import { POOL_METRICS } from './pool-metrics';
import { type PoolReading, PoolTypeMonitor } from './pool-type-monitor';

/** undici's per-dispatcher numbers (`PoolStats`; a `Client` gives `ClientStats`, without `free`). */
export interface UndiciDispatcherStats {
  /** Connections open (`Client`: a boolean). */
  readonly connected: number | boolean;
  /** Connections open and not busy (`Pool` only). */
  readonly free?: number;
  /** Requests not yet written: queued in the pool plus those assigned to a connection still opening. */
  readonly pending: number;
  /** Requests written and waiting for their response. */
  readonly running: number;
  readonly size: number;
  readonly queued?: number;
}

/** The parts of an undici `Agent` (or `Pool` / `Client`) read here. */
export interface UndiciDispatcherLike {
  /** `Agent`: stats per origin; `Pool` / `Client`: the stats of its one origin. */
  readonly stats: Readonly<Record<string, UndiciDispatcherStats>> | UndiciDispatcherStats;
  readonly closed?: boolean;
  readonly destroyed?: boolean;
  on(event: 'connectionError', listener: (...args: unknown[]) => void): unknown;
  removeListener(event: 'connectionError', listener: (...args: unknown[]) => void): unknown;
}

function isSingle(stats: UndiciDispatcherLike['stats']): stats is UndiciDispatcherStats {
  const c = (stats as { connected?: unknown }).connected;
  return typeof c === 'number' || typeof c === 'boolean';
}

/**
 * The `connections` bound per origin. undici keeps its options under private symbols (an `Agent`
 * under `Symbol(options)`, a `Pool` under `Symbol(connections)`), so this reads them by
 * description; when a release moves them the bound is unknown and usage is not reported.
 */
function connectionsPerOrigin(dispatcher: object, single: boolean): number {
  const symbols = Object.getOwnPropertySymbols(dispatcher);
  const read = (description: string): unknown => {
    const s = symbols.find((x) => x.description === description);
    return s === undefined ? undefined : (dispatcher as Record<symbol, unknown>)[s];
  };
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;
  if (single) {
    const c = read('connections');
    if (ok(c)) return c;
    // A Client has no `connections`: one connection.
    return 'free' in (dispatcher as { stats: object }).stats ? Number.POSITIVE_INFINITY : 1;
  }
  const c = (read('options') as { connections?: unknown } | undefined)?.connections;
  return ok(c) ? c : Number.POSITIVE_INFINITY;
}

type Handler = Record<string, unknown>;

/** The handler methods undici calls when a request gets its connection (legacy / new API). */
const START_METHODS = new Set(['onConnect', 'onRequestStart']);

/**
 * A stand-in for a dispatch handler that calls `onStart` once, when undici hands the request its
 * connection (`onConnect`, or `onRequestStart` for new-API handlers), and otherwise forwards every
 * method to the original *with the original as `this`* — handlers keep private fields, which a
 * Proxy or a prototype-linked copy would break. It has exactly the original's methods, so undici
 * sees the same handler API (new or legacy) it would have seen.
 */
function timedHandler(handler: Handler, onStart: () => void): Handler {
  const delegate: Handler = {};
  let started = false;
  const seen = new Set<string>();
  for (let o: object | null = handler; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === 'constructor' || seen.has(key)) continue;
      seen.add(key);
      const value = (handler as Handler)[key];
      if (typeof value !== 'function') continue;
      delegate[key] = START_METHODS.has(key)
        ? (...args: unknown[]) => {
            if (!started) {
              started = true;
              guarded('undici dispatch timing', onStart);
            }
            return (handler[key] as (...a: unknown[]) => unknown)(...args);
          }
        : (...args: unknown[]) => (handler[key] as (...a: unknown[]) => unknown)(...args);
    }
  }
  return delegate;
}

/**
 * An undici `Agent` (resource type `undici-agent`; a `Pool` or `Client` works too) from its `stats`:
 * size (connections open), in use (connections busy: `connected − free`), idle (`free`), waiting
 * (`pending`: requests not yet written — queued for a connection or waiting for one to open), usage
 * against `connections` × origins when `connections` bounds the agent, errors (`connectionError`
 * events: failed connects) and health (closed or destroyed, or exhausted with requests waiting).
 * `connection_pool_acquire_wait` is the time from `dispatch()` (every `request`, `fetch`, `stream`
 * through the agent goes through it) to the moment undici gives the request a connection — queueing
 * for a busy connection plus opening a new one, as `pg.Pool#connect` measures. Requests that fail
 * before getting a connection are not timed (the failure counts under `errors`).
 *
 * @example
 * const agent = new Agent({ connections: 10 });
 * manager.register({ id: 'payments-api', type: 'undici-agent', resource: agent });
 */
export class UndiciAgentMonitor extends PoolTypeMonitor<UndiciDispatcherLike> {
  /** Per registration, not per object: one pool may be registered twice (discovery and the app). */
  private readonly _unhook = new WeakMap<object, () => void>();

  constructor(manager: ResourceHost) {
    super(manager, { resourceType: 'undici-agent' });
  }

  protected read(dispatcher: UndiciDispatcherLike): PoolReading {
    const stats = dispatcher.stats ?? {};
    const single = isSingle(stats);
    const all: UndiciDispatcherStats[] = single ? [stats] : Object.values(stats);
    let size = 0;
    let idle = 0;
    let waiting = 0;
    for (const s of all) {
      const connected = Number(s.connected);
      size += connected;
      // A Client has no `free`: its connection is free when nothing runs on it.
      idle += typeof s.free === 'number' ? s.free : connected > 0 && s.running === 0 ? 1 : 0;
      waiting += s.pending;
    }
    const perOrigin = connectionsPerOrigin(dispatcher, single);
    return {
      size,
      max: perOrigin * Math.max(1, all.length),
      inUse: Math.max(0, size - idle),
      idle,
      waiting,
      closed: Boolean(dispatcher.closed || dispatcher.destroyed),
    };
  }

  protected acquireMethods(): Array<[Record<string, unknown>, string]> {
    return [];
  }

  override onRegister(r: ResourceRegistration<UndiciDispatcherLike>): void {
    const d = r.resource;
    if (!d || typeof d !== 'object' || !('stats' in d) || typeof d.on !== 'function')
      throw new Error(`undici-agent resource ${r.id} must be an undici Agent, Pool or Client`);
    super.onRegister(r);
    const listener = () => this.incrementMetric(POOL_METRICS.errors, 1, undefined, r);
    d.on('connectionError', listener);
    const record = (started: number) =>
      this.updateMetric(POOL_METRICS.acquireWait, (performance.now() - started) / 1000, undefined, r);
    const unpatch = patchInstance(
      d,
      'dispatch',
      (original) =>
        function (this: unknown, opts: unknown, handler: unknown) {
          if (handler === null || typeof handler !== 'object') return original.call(this, opts, handler);
          const started = performance.now();
          let timed = handler as Handler;
          guarded('undici dispatch timing', () => {
            timed = timedHandler(handler as Handler, () => record(started));
          });
          return original.call(this, opts, timed);
        },
    );
    this._unhook.set(r, () => {
      d.removeListener('connectionError', listener);
      unpatch();
    });
  }

  override onUnregister(r: ResourceRegistration<UndiciDispatcherLike>): void {
    super.onUnregister(r);
    this._unhook.get(r)?.();
    this._unhook.delete(r);
  }
}
