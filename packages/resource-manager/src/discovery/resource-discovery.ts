import { diag } from '@opentelemetry/api';
import { type BuiltinKind, registerBuiltinKinds } from '../kinds/register-builtin-kinds';
import type { ResourceManager } from '../resource-manager';
import type { ResourceCategory } from '../types';

/** Kinds discovery can hook. amqplib queues and http agents need a name / are too many: register them yourself. */
export const DISCOVERABLE_KINDS = ['pg', 'mysql2', 'ioredis', 'generic-pool'] as const;
export type DiscoverableKind = (typeof DISCOVERABLE_KINDS)[number];

const BY_CATEGORY: Readonly<Record<string, readonly DiscoverableKind[]>> = {
  database: ['pg', 'mysql2'],
  cache: ['ioredis'],
  pool: ['generic-pool'],
};

/** Options of `discoverResources` / `discoverAllResources`. */
export interface DiscoveryOptions {
  /**
   * The driver modules to hook, when they are not resolvable from this package (or to be explicit):
   * `{ pg: require('pg'), ioredis: require('ioredis') }`.
   */
  readonly modules?: Partial<Record<DiscoverableKind, unknown>>;
  /** Id of a discovered resource. @default `${kind}-${n}` (n counts per kind from 1) */
  readonly idFor?: (kind: DiscoverableKind, n: number) => string;
}

/** What `discoverResources` returns: the kinds hooked, and `stop()` to unhook them. */
export interface DiscoveryHandle {
  readonly kinds: readonly DiscoverableKind[];
  /** Restores every patched constructor and method. Resources already found stay registered. Idempotent. */
  stop(): void;
}

type AnyFn = (...args: unknown[]) => unknown;
type Ctor = new (...args: unknown[]) => object;

function load(kind: DiscoverableKind, options: DiscoveryOptions): Record<string, unknown> | undefined {
  const given = options.modules?.[kind];
  if (given) return given as Record<string, unknown>;
  try {
    // The drivers are optional peers: resolved from here, as the app's own copy when installed.
    return require(kind) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Replaces `target[key]` (a method) by a wrapper that calls `before(this)` first; returns the undo. */
function patchMethod(
  target: Record<string, unknown>,
  key: string,
  before: (self: object) => void,
): () => void {
  const original = target[key];
  if (typeof original !== 'function') return () => undefined;
  const wrapped = function (this: object, ...args: unknown[]) {
    try {
      before(this);
    } catch (err) {
      diag.warn(`@otelkit/resource-manager: discovery hook failed: ${(err as Error).message}`);
    }
    return (original as AnyFn).apply(this, args);
  };
  target[key] = wrapped;
  return () => {
    if (target[key] === wrapped) target[key] = original;
  };
}

/**
 * Hooks the constructors and first-use methods of the supported driver libraries so that pools and
 * clients the app creates are registered without user code:
 *
 * - `pg`: `pg.Pool` is replaced by a subclass that registers each new pool; `Pool.prototype.connect`
 *   (also behind `pool.query`) registers pools built from a `Pool` reference taken before discovery began.
 * - `mysql2`: the core `Pool.prototype.getConnection` (callback and promise pools) on first use.
 * - `ioredis`: `Redis.prototype.connect`, which the constructor calls unless `lazyConnect` is set.
 * - `generic-pool`: `createPool` and `Pool.prototype.acquire`.
 *
 * Each object is registered once (a WeakSet remembers them).
 */
export function startDiscovery(
  manager: ResourceManager,
  kinds: readonly DiscoverableKind[],
  options: DiscoveryOptions = {},
): DiscoveryHandle {
  const seen = new WeakSet<object>();
  const counters = new Map<DiscoverableKind, number>();
  const undo: Array<() => void> = [];
  const hooked: DiscoverableKind[] = [];
  let stopped = false;
  registerBuiltinKinds(manager, kinds as readonly BuiltinKind[]);

  const found = (kind: DiscoverableKind, resource: object) => {
    if (stopped || seen.has(resource)) return;
    seen.add(resource);
    if (manager.getResources().some((r) => r.resource === resource)) return;
    let n = (counters.get(kind) ?? 0) + 1;
    let id = options.idFor ? options.idFor(kind, n) : `${kind}-${n}`;
    while (manager.getResource(id) && !options.idFor) id = `${kind}-${++n}`;
    counters.set(kind, n);
    try {
      manager.register({ id, type: kind, resource });
    } catch (err) {
      diag.warn(`@otelkit/resource-manager: discovered ${kind} not registered: ${(err as Error).message}`);
    }
  };

  for (const kind of kinds) {
    const mod = load(kind, options);
    if (!mod) {
      diag.debug(`@otelkit/resource-manager: discovery: ${kind} is not installed`);
      continue;
    }
    try {
      if (kind === 'pg') {
        const Bound = mod.Pool as Ctor | undefined;
        if (typeof Bound !== 'function') continue;
        class DiscoveredPool extends Bound {
          constructor(...args: unknown[]) {
            super(...args);
            found('pg', this);
          }
        }
        Object.defineProperty(DiscoveredPool, 'name', { value: Bound.name });
        mod.Pool = DiscoveredPool;
        undo.push(() => {
          if (mod.Pool === DiscoveredPool) mod.Pool = Bound;
        });
        const base = Object.getPrototypeOf(Bound.prototype) as Record<string, unknown>;
        const proto =
          typeof base?.connect === 'function' ? base : (Bound.prototype as Record<string, unknown>);
        undo.push(patchMethod(proto, 'connect', (self) => found('pg', self)));
      } else if (kind === 'mysql2') {
        const Pool = mod.Pool as Ctor | undefined;
        if (typeof Pool !== 'function') continue;
        undo.push(
          patchMethod(Pool.prototype as Record<string, unknown>, 'getConnection', (self) =>
            found('mysql2', self),
          ),
        );
      } else if (kind === 'ioredis') {
        const Redis = ((mod as { default?: unknown }).default ?? mod) as Ctor;
        if (typeof Redis !== 'function') continue;
        undo.push(
          patchMethod(Redis.prototype as Record<string, unknown>, 'connect', (self) =>
            found('ioredis', self),
          ),
        );
      } else if (kind === 'generic-pool') {
        const Pool = mod.Pool as Ctor | undefined;
        const create = mod.createPool as AnyFn | undefined;
        if (typeof Pool !== 'function' || typeof create !== 'function') continue;
        const wrapped = (...args: unknown[]) => {
          const pool = create(...args);
          if (pool && typeof pool === 'object') found('generic-pool', pool);
          return pool;
        };
        mod.createPool = wrapped;
        undo.push(() => {
          if (mod.createPool === wrapped) mod.createPool = create;
        });
        undo.push(
          patchMethod(Pool.prototype as Record<string, unknown>, 'acquire', (self) =>
            found('generic-pool', self),
          ),
        );
      }
      hooked.push(kind);
    } catch (err) {
      diag.warn(`@otelkit/resource-manager: discovery of ${kind} failed: ${(err as Error).message}`);
    }
  }
  return {
    kinds: hooked,
    stop() {
      if (stopped) return;
      stopped = true;
      for (const u of undo.splice(0).reverse()) u();
    },
  };
}

/** The kinds of a category (`database` → pg, mysql2) or a kind itself; throws on anything else. */
export function kindsOf(what: ResourceCategory | DiscoverableKind): readonly DiscoverableKind[] {
  if ((DISCOVERABLE_KINDS as readonly string[]).includes(what)) return [what as DiscoverableKind];
  const kinds = BY_CATEGORY[what];
  if (!kinds)
    throw new Error(
      `discoverResources: ${JSON.stringify(what)} is not discoverable; use one of ${[...Object.keys(BY_CATEGORY), ...DISCOVERABLE_KINDS].join(', ')}`,
    );
  return kinds;
}
