import { diag } from '@opentelemetry/api';
import type { HealthKind, HealthRegistry } from '@otelkit/resource-monitor';
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

/**
 * Turns resource state into `HealthRegistry` checks: one check per resource (already registered
 * and registered later), failing when its kind says it is unhealthy (closed or exhausted pool,
 * Redis not answering a PING, unreadable queue) or when a critical alert fires on it. Unregistered
 * resources lose their check.
 *
 * @example
 * const adapter = new ResourceHealthAdapter(manager, monitor.health);
 * http.createServer(monitor.health.handler()).listen(8080, '127.0.0.1'); // /health/ready is 503 while main-db is exhausted
 */
export class ResourceHealthAdapter {
  private readonly _removers = new Map<string, () => void>();
  private readonly _kinds: readonly HealthKind[];
  private readonly _prefix: string;
  private readonly _stopListening: () => void;
  private _closed = false;

  constructor(
    private readonly _manager: ResourceRegistry,
    private readonly _registry: HealthRegistry,
    private readonly _options: ResourceHealthAdapterOptions = {},
  ) {
    if (!_manager || typeof _manager.checkResource !== 'function')
      throw new Error('ResourceHealthAdapter: the first argument must be a ResourceManager');
    if (!_registry || typeof _registry.register !== 'function')
      throw new Error('ResourceHealthAdapter: the second argument must be a HealthRegistry');
    this._kinds = _options.kinds ?? ['readiness'];
    this._prefix = _options.prefix ?? 'resource:';
    for (const r of _manager.getResources()) this._add(r);
    this._stopListening = _manager.onRegister((r) => this._add(r));
  }

  /** Check names registered so far. */
  checkNames(): string[] {
    return [...this._removers.keys()];
  }

  /** Removes every check this adapter added and stops following new resources. Idempotent. */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    this._stopListening();
    for (const remove of this._removers.values()) remove();
    this._removers.clear();
  }

  private _add(r: ResourceRegistration): void {
    if (this._closed) return;
    if (this._options.categories && !this._options.categories.includes(r.category ?? 'custom')) return;
    const name = `${this._prefix}${r.id}`;
    if (this._removers.has(name) || this._registry.has(name)) return;
    const timeout = this._options.timeoutMillis ?? this._registry.checkTimeoutMillis;
    try {
      const remove = this._registry.register({
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
