import type { ResourceHost } from '../types';
import { type PoolReading, PoolTypeMonitor } from './pool-type-monitor';

interface Sized {
  readonly length: number;
}

/** The core (callback) pool of mysql2; a promise pool exposes it as `.pool`. */
export interface Mysql2CorePoolLike {
  readonly _allConnections: Sized;
  readonly _freeConnections: Sized;
  readonly _connectionQueue: Sized;
  readonly _closed?: boolean;
  readonly config: {
    readonly connectionLimit: number;
    readonly connectionConfig?: { readonly host?: string; readonly port?: number };
  };
  getConnection(...args: unknown[]): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  removeListener(event: 'error', listener: (err: unknown) => void): unknown;
}

export type Mysql2PoolLike = Mysql2CorePoolLike | { readonly pool: Mysql2CorePoolLike };

function core(p: Mysql2PoolLike): Mysql2CorePoolLike {
  return '_allConnections' in p ? p : p.pool;
}

/**
 * `mysql2` pool, callback or promise (resource type `mysql2`): the same metrics as `pg`. Reads
 * the pool's connection lists (`_allConnections`, `_freeConnections`, `_connectionQueue`), which
 * mysql2 has kept stable since 1.x but does not document.
 */
export class Mysql2PoolMonitor extends PoolTypeMonitor<Mysql2PoolLike> {
  constructor(manager: ResourceHost) {
    super(manager, { resourceType: 'mysql2' });
  }

  peerOf(pool: Mysql2PoolLike): string | undefined {
    const c = core(pool).config.connectionConfig;
    return `${c?.host ?? 'localhost'}:${c?.port ?? 3306}`;
  }

  protected read(pool: Mysql2PoolLike): PoolReading {
    const p = core(pool);
    const size = p._allConnections.length;
    const idle = p._freeConnections.length;
    const limit = p.config.connectionLimit;
    return {
      size,
      max: limit > 0 ? limit : Number.POSITIVE_INFINITY,
      inUse: Math.max(0, size - idle),
      idle,
      waiting: p._connectionQueue.length,
      closed: Boolean(p._closed),
    };
  }

  protected acquireMethods(pool: Mysql2PoolLike): Array<[Record<string, unknown>, string]> {
    return [[core(pool) as unknown as Record<string, unknown>, 'getConnection']];
  }

  protected override errorEmitters(pool: Mysql2PoolLike) {
    return [core(pool)];
  }
}
