import type { ResourceManager } from '../resource-manager';
import type { ResourceRegistration } from '../types';
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

/**
 * An undici `Agent` (resource type `undici-agent`; a `Pool` or `Client` works too) from its `stats`:
 * size (connections open), in use (connections busy: `connected − free`), idle (`free`), waiting
 * (`pending`: requests not yet written — queued for a connection or waiting for one to open), usage
 * against `connections` × origins when `connections` bounds the agent, errors (`connectionError`
 * events: failed connects) and health (closed or destroyed, or exhausted with requests waiting).
 * undici has no acquire call to time, so `connection_pool_acquire_wait` is not reported.
 *
 * @example
 * const agent = new Agent({ connections: 10 });
 * manager.register({ id: 'payments-api', type: 'undici-agent', resource: agent });
 */
export class UndiciAgentMonitor extends PoolTypeMonitor<UndiciDispatcherLike> {
  /** Per registration, not per object: one pool may be registered twice (discovery and the app). */
  private readonly _unhook = new WeakMap<object, () => void>();

  constructor(manager: ResourceManager) {
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
    this._unhook.set(r, () => d.removeListener('connectionError', listener));
  }

  override onUnregister(r: ResourceRegistration<UndiciDispatcherLike>): void {
    super.onUnregister(r);
    this._unhook.get(r)?.();
    this._unhook.delete(r);
  }
}
