import type { ResourceHost } from '../types';
import { type PoolReading, PoolTypeMonitor } from './pool-type-monitor';

/** The parts of a `pg.Pool` read here (no import of `pg`: it is an optional peer). */
export interface PgPoolLike {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly ending?: boolean;
  readonly ended?: boolean;
  readonly options?: {
    readonly max?: number;
    readonly host?: string;
    readonly port?: number;
    readonly database?: string;
  };
  connect(...args: unknown[]): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  removeListener(event: 'error', listener: (err: unknown) => void): unknown;
}

/**
 * `pg.Pool` (resource type `pg`): size, max, in use, idle, waiting, usage, acquire wait (every
 * `pool.connect()`, including the one inside `pool.query()`), errors (failed acquisitions and the
 * pool's `error` events) and health (closed, or exhausted with callers waiting).
 *
 * @example
 * manager.registerTypeMonitor(new PgPoolMonitor(manager));
 * manager.register({ id: 'main-db', type: 'pg', resource: new pg.Pool({ max: 5 }) });
 */
export class PgPoolMonitor extends PoolTypeMonitor<PgPoolLike> {
  constructor(manager: ResourceHost) {
    super(manager, { resourceType: 'pg' });
  }

  /** `host:port` of the pool, for the dependency graph. */
  peerOf(pool: PgPoolLike): string | undefined {
    const o = pool.options;
    return `${o?.host ?? 'localhost'}:${o?.port ?? 5432}`;
  }

  protected read(pool: PgPoolLike): PoolReading {
    const size = pool.totalCount;
    const idle = pool.idleCount;
    return {
      size,
      max: pool.options?.max ?? 10,
      inUse: Math.max(0, size - idle),
      idle,
      waiting: pool.waitingCount,
      closed: Boolean(pool.ending || pool.ended),
    };
  }

  protected acquireMethods(pool: PgPoolLike): Array<[Record<string, unknown>, string]> {
    return [[pool as unknown as Record<string, unknown>, 'connect']];
  }

  protected override errorEmitters(pool: PgPoolLike) {
    return [pool];
  }
}
