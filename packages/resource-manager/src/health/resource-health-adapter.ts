import { diag } from '@opentelemetry/api';
import { checkOptionKeys } from '@otelkit/config';
import type { HealthAdapter, HealthKind, HealthRegistry } from '@otelkit/resource-monitor';
import type { ResourceCategory, ResourceRegistration, ResourceRegistry } from '../types';

/** Options of {@link ResourceHealthAdapter}. */
export interface ResourceHealthAdapterOptions {
  /** Which checks each resource's health feeds. @default ['readiness'] */
  readonly kinds?: readonly HealthKind[];
  /** Only resources of these categories. @default all */
  readonly categories?: readonly ResourceCategory[];
  /** Check name prefix: the check of `main-db` is `resource:main-db`. @default 'resource:' */
  readonly prefix?: string;
  /** Per-check timeout. @default the registry's `checkTimeoutMillis` */
  readonly timeoutMillis?: number;
  /** Per-check cache. @default the registry's `cacheMillis` */
  readonly cacheMillis?: number;
}

const ADAPTER_OPTION_KEYS = [
  'kinds',
  'categories',
  'prefix',
  'timeoutMillis',
  'cacheMillis',
] as const satisfies readonly (keyof ResourceHealthAdapterOptions)[];

/** What the adapter's second argument may be: a registry, or a monitor (uno's form). */
interface MonitorLike {
  readonly health: HealthRegistry;
}

/**
 * Turns resource state into `HealthRegistry` checks: one check per resource (already registered
 * and registered later), failing when its kind says it is unhealthy (closed or exhausted pool,
 * Redis not answering a PING, unreadable queue) or when a critical alert fires on it. Unregistered
 * resources lose their check.
 *
 * Given a registry it adds its checks at once. Given the resource monitor (uno's
 * `ResourceHealthAdapter(resource_manager, resource_monitor)`) it waits for
 * `healthRegistry.registerAdapter(adapter)`; the monitor's alerts already reach the checks
 * through the manager, so nothing else is read from it.
 *
 * @example
 * const adapter = new ResourceHealthAdapter(manager, monitor.health);
 * http.createServer(monitor.health.handler()).listen(8080, '127.0.0.1'); // /health/ready is 503 while main-db is exhausted
 *
 * @example
 * const healthRegistry = new HealthRegistry();
 * healthRegistry.registerAdapter(new ResourceHealthAdapter(manager, resourceMonitor));
 */
export class ResourceHealthAdapter implements HealthAdapter {
  private readonly _removers = new Map<string, () => void>();
  private readonly _kinds: readonly HealthKind[];
  private readonly _prefix: string;
  private _registry: HealthRegistry | undefined;
  private _stopListening: (() => void) | undefined;
  private _closed = false;

  constructor(
    private readonly _manager: ResourceRegistry,
    registryOrMonitor: HealthRegistry | MonitorLike,
    private readonly _options: ResourceHealthAdapterOptions = {},
  ) {
    if (!_manager || typeof _manager.checkResource !== 'function')
      throw new Error('ResourceHealthAdapter: the first argument must be a ResourceManager');
    const isRegistry = (v: unknown): v is HealthRegistry =>
      typeof v === 'object' && v !== null && typeof (v as HealthRegistry).register === 'function';
    if (!isRegistry(registryOrMonitor) && !isRegistry((registryOrMonitor as MonitorLike | null)?.health))
      throw new Error(
        'ResourceHealthAdapter: the second argument must be a HealthRegistry or the ResourceMonitor',
      );
    if (_options === null || typeof _options !== 'object')
      throw new Error('ResourceHealthAdapter: options must be an object');
    checkOptionKeys(_options, ADAPTER_OPTION_KEYS, 'ResourceHealthAdapter');
    this._kinds = _options.kinds ?? ['readiness'];
    this._prefix = _options.prefix ?? 'resource:';
    if (isRegistry(registryOrMonitor)) this.attach(registryOrMonitor);
  }

  /**
   * Adds the checks to `registry` and follows new resources (what `registry.registerAdapter(this)`
   * calls). One registry per adapter: attaching to a second one throws. Returns {@link close}.
   */
  attach(registry: HealthRegistry): () => void {
    if (this._registry === registry) return () => this.close();
    if (this._registry) throw new Error('ResourceHealthAdapter: already attached to another HealthRegistry');
    if (this._closed) throw new Error('ResourceHealthAdapter: closed');
    this._registry = registry;
    for (const r of this._manager.getResources()) this._add(r);
    this._stopListening = this._manager.onRegister((r) => this._add(r));
    return () => this.close();
  }

  /** Check names registered so far. */
  checkNames(): string[] {
    return [...this._removers.keys()];
  }

  /** Removes every check this adapter added and stops following new resources. Idempotent. */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    this._stopListening?.();
    for (const remove of this._removers.values()) remove();
    this._removers.clear();
  }

  private _add(r: ResourceRegistration): void {
    const registry = this._registry;
    if (this._closed || !registry) return;
    if (this._options.categories && !this._options.categories.includes(r.category ?? 'custom')) return;
    const name = `${this._prefix}${r.id}`;
    if (this._removers.has(name) || registry.has(name)) return;
    const timeout = this._options.timeoutMillis ?? registry.checkTimeoutMillis;
    try {
      const remove = registry.register({
        name,
        kinds: this._kinds,
        timeoutMillis: timeout,
        ...(this._options.cacheMillis !== undefined ? { cacheMillis: this._options.cacheMillis } : {}),
        check: async (signal) => {
          if (!this._manager.getResource(r.id)) {
            // Unregistered since: drop the check (the registry removes it for the next probe).
            this._removers.get(name)?.();
            this._removers.delete(name);
            return { healthy: true, message: 'resource unregistered' };
          }
          return this._manager.checkResource(r.id, signal, timeout);
        },
      });
      this._removers.set(name, remove);
    } catch (err) {
      diag.warn(`@otelkit/resource-manager: health check ${name}: ${(err as Error).message}`);
    }
  }
}
