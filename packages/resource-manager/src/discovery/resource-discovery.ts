import { diag } from '@opentelemetry/api';
import {
  DISCOVERABLE_RESOURCE_KINDS,
  DISCOVERY_CATEGORIES,
  type DiscoverableResourceKind,
} from '@otelkit/config';
import { type BuiltinKind, registerBuiltinKinds } from '../kinds/register-builtin-kinds';
import type { ResourceCategory, ResourceRegistry } from '../types';

/**
 * Kinds discovery can hook. Not amqplib (a queue needs a name) nor Node's `http.Agent` (every
 * `http.request` may make one): register those yourself.
 */
/** The kinds discovery can find, and its categories: the one lists, in `@otelkit/config`. */
export const DISCOVERABLE_KINDS = DISCOVERABLE_RESOURCE_KINDS;
export type DiscoverableKind = DiscoverableResourceKind;
const BY_CATEGORY = DISCOVERY_CATEGORIES;

/** The package a kind hooks, where the names differ. */
const MODULE_OF: Partial<Record<DiscoverableKind, string>> = { 'undici-agent': 'undici' };

/** Options of `discoverResources` / `discoverAllResources`. */
export interface DiscoveryOptions {
  /**
   * The driver modules to hook, when they are not resolvable from this package (or to be explicit):
   * `{ pg: require('pg'), ioredis: require('ioredis'), 'undici-agent': require('undici') }`.
   */
  readonly modules?: Partial<Record<DiscoverableKind, unknown>>;
  /** Id of a discovered resource. @default `${kind}-${n}` (n counts per kind from 1) */
  readonly idFor?: (kind: DiscoverableKind, n: number) => string;
}

/** uno's keyword form of `discoverResources`: `{ resourceType: 'database' }` plus the discovery options. */
export interface DiscoverResourcesOptions extends DiscoveryOptions {
  /** A category (`database`, `cache`, `pool`, `http`) or a kind (`pg`, `ioredis`…). */
  readonly resourceType: ResourceCategory | DiscoverableKind;
}

/** What `discoverResources` returns: the kinds hooked, and `stop()` to unhook them. */
export interface DiscoveryHandle {
  readonly kinds: readonly DiscoverableKind[];
  /**
   * Restores every patched constructor and method (one stopped while a newer handle hooks the same
   * driver becomes a pass-through instead). Resources already found stay registered. Idempotent.
   */
  stop(): void;
}

type AnyFn = (...args: unknown[]) => unknown;
type Ctor = new (...args: unknown[]) => object;

function load(kind: DiscoverableKind, options: DiscoveryOptions): Record<string, unknown> | undefined {
  const given = options.modules?.[kind];
  if (given) return given as Record<string, unknown>;
  try {
    // The drivers are optional peers: resolved from here, as the app's own copy when installed.
    return require(MODULE_OF[kind] ?? kind) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Replaces `target[key]` (a method, own or inherited) by a wrapper that calls `before(this)` first;
 * returns the undo. When `before` registered the object just now, the registration may have wrapped
 * that object's own method (acquire timing, task counting): the call that found it then goes
 * through that wrapper, so it is measured like every later call.
 */
function patchMethod(
  target: Record<string, unknown>,
  key: string,
  before: (self: object) => boolean,
): () => void {
  const original = target[key];
  if (typeof original !== 'function') return () => undefined;
  const hadOwn = Object.hasOwn(target, key);
  const wrapped = function (this: object, ...args: unknown[]) {
    let registered = false;
    try {
      registered = before(this);
    } catch (err) {
      diag.warn(`@otelkit/resource-manager: discovery hook failed: ${(err as Error).message}`);
    }
    if (registered && Object.hasOwn(this, key)) {
      const own = (this as Record<string, unknown>)[key];
      if (typeof own === 'function' && own !== wrapped) return (own as AnyFn).apply(this, args);
    }
    return (original as AnyFn).apply(this, args);
  };
  target[key] = wrapped;
  return () => {
    if (target[key] !== wrapped) return;
    if (hadOwn) target[key] = original;
    else delete target[key];
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
 * - `undici-agent`: `undici.Agent` is replaced by a registering subclass, and `Agent.prototype.dispatch`
 *   (every request) registers agents built from an `Agent` reference taken earlier — the global
 *   dispatcher and the agents inside a `ProxyAgent` included — on their first request. A global
 *   dispatcher made by Node's built-in `fetch` (its own bundled undici) is another class: not seen.
 * - `piscina`: `Piscina.prototype.run`, on a pool's first task (the package exports the class itself,
 *   which cannot be replaced).
 * - `workerpool`: `workerpool.pool()`.
 *
 * Each object is registered once (a WeakSet remembers them).
 */
export function startDiscovery(
  manager: ResourceRegistry,
  kinds: readonly DiscoverableKind[],
  options: DiscoveryOptions = {},
): DiscoveryHandle {
  const seen = new WeakSet<object>();
  const counters = new Map<DiscoverableKind, number>();
  const undo: Array<() => void> = [];
  const hooked: DiscoverableKind[] = [];
  let stopped = false;
  registerBuiltinKinds(manager, kinds as readonly BuiltinKind[]);

  /**
   * Registers `resource` unless known; `true` when it was registered now. Runs inside the app's
   * constructors and factories, so nothing in it (the `idFor` callback included) may throw.
   */
  const found = (kind: DiscoverableKind, resource: object): boolean => {
    if (stopped || seen.has(resource)) return false;
    seen.add(resource);
    try {
      if (manager.getResources().some((r) => r.resource === resource)) return false;
      let n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      let id = options.idFor ? options.idFor(kind, n) : `${kind}-${n}`;
      while (manager.getResource(id) && !options.idFor) id = `${kind}-${++n}`;
      counters.set(kind, n);
      manager.register({ id, type: kind, resource });
      return true;
    } catch (err) {
      diag.warn(`@otelkit/resource-manager: discovered ${kind} not registered: ${(err as Error).message}`);
      return false;
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
      } else if (kind === 'undici-agent') {
        const Bound = mod.Agent as Ctor | undefined;
        if (typeof Bound !== 'function') continue;
        class DiscoveredAgent extends Bound {
          constructor(...args: unknown[]) {
            super(...args);
            found('undici-agent', this);
          }
        }
        Object.defineProperty(DiscoveredAgent, 'name', { value: Bound.name });
        mod.Agent = DiscoveredAgent;
        undo.push(() => {
          if (mod.Agent === DiscoveredAgent) mod.Agent = Bound;
        });
        undo.push(
          patchMethod(Bound.prototype as Record<string, unknown>, 'dispatch', (self) =>
            found('undici-agent', self),
          ),
        );
      } else if (kind === 'piscina') {
        // CommonJS exports the class itself; an ESM namespace passed in `modules` has it as `default`.
        const Piscina = (typeof mod === 'function' ? mod : (mod as { default?: unknown }).default) as
          | Ctor
          | undefined;
        if (typeof Piscina !== 'function') continue;
        undo.push(
          patchMethod(Piscina.prototype as Record<string, unknown>, 'run', (self) => found('piscina', self)),
        );
      } else if (kind === 'workerpool') {
        const create = mod.pool as AnyFn | undefined;
        if (typeof create !== 'function') continue;
        const wrapped = (...args: unknown[]) => {
          const pool = create(...args);
          if (pool && typeof pool === 'object') found('workerpool', pool);
          return pool;
        };
        mod.pool = wrapped;
        undo.push(() => {
          if (mod.pool === wrapped) mod.pool = create;
        });
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
