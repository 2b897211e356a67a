import { checkOptionKeys, settleWithin } from '@otelkit/config';
import { watchErrors } from '../internal/error-events';
import { ResourceTypeMonitor } from '../resource-type-monitor';
import type { ResourceHealth, ResourceHost, ResourceRegistration } from '../types';

interface Sized {
  readonly length: number;
}

/** An `ioredis` client (Redis or Cluster-less single node). */
export interface IoredisLike {
  readonly status: string;
  readonly commandQueue?: Sized;
  readonly offlineQueue?: Sized;
  readonly options?: { readonly host?: string; readonly port?: number };
  ping(): Promise<unknown>;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  removeListener(event: 'error', listener: (err: unknown) => void): unknown;
}

/** A `redis` (node-redis 4+) client. */
export interface NodeRedisLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  readonly options?: {
    readonly socket?: { readonly host?: string; readonly port?: number };
    readonly url?: string;
  };
  ping(): Promise<unknown>;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  removeListener(event: 'error', listener: (err: unknown) => void): unknown;
}

export type RedisClientLike = IoredisLike | NodeRedisLike;

/** Options of {@link RedisClientMonitor}. */
export interface RedisClientMonitorOptions {
  /** `ioredis` or `redis` (node-redis). @default 'ioredis' */
  readonly resourceType?: 'ioredis' | 'redis';
  /** A PING slower than this counts as unanswered (health fails, latency is not recorded). @default 1000 */
  readonly probeTimeoutMillis?: number;
}

function isIoredis(c: RedisClientLike): c is IoredisLike {
  return typeof (c as IoredisLike).status === 'string';
}

/**
 * Redis clients (`ioredis` or `redis`): connection state (`connected` 1/0), command latency
 * (a PING round trip each collection, histogram `command_latency` and gauge `command_latency_last`
 * in seconds), pending commands (ioredis: sent but unanswered + offline queue), errors (`error`
 * events, failed or timed-out probes) and health (connected and answering a PING within
 * `probeTimeoutMillis`).
 */
export class RedisClientMonitor extends ResourceTypeMonitor<RedisClientLike> {
  readonly probeTimeoutMillis: number;
  /** Per registration, not per object: one pool may be registered twice (discovery and the app). */
  private readonly _unhook = new WeakMap<object, () => void>();

  constructor(manager: ResourceHost, options: RedisClientMonitorOptions = {}) {
    checkOptionKeys(options, ['resourceType', 'probeTimeoutMillis'], 'RedisClientMonitor');
    const type = options.resourceType ?? 'ioredis';
    if (type !== 'ioredis' && type !== 'redis')
      throw new Error(
        `RedisClientMonitor: options.resourceType must be 'ioredis' or 'redis', got ${JSON.stringify(type)}`,
      );
    super(manager, { resourceType: type });
    this.probeTimeoutMillis = options.probeTimeoutMillis ?? 1000;
    if (!(this.probeTimeoutMillis > 0))
      throw new Error(
        `RedisClientMonitor: options.probeTimeoutMillis must be > 0, got ${options.probeTimeoutMillis}`,
      );
  }

  setupMetrics(): void {
    this.addMetric({
      name: 'connected',
      type: 'gauge',
      unit: '1',
      description: '1 when the client is connected and ready',
    });
    this.addMetric({ name: 'command_latency', type: 'histogram', unit: 's', description: 'PING round trip' });
    this.addMetric({
      name: 'command_latency_last',
      type: 'gauge',
      unit: 's',
      description: 'Last PING round trip',
    });
    this.addMetric({
      name: 'pending_commands',
      type: 'gauge',
      unit: '{command}',
      description: 'Commands sent and not yet answered, plus queued offline',
    });
    this.addMetric({
      name: 'errors',
      type: 'counter',
      unit: '{error}',
      description: 'Client error events and failed probes',
    });
    this.addMetric({
      name: 'healthy',
      type: 'gauge',
      unit: '1',
      description: '1 when connected and answering',
    });
  }

  peerOf(c: RedisClientLike): string | undefined {
    if (isIoredis(c)) return `${c.options?.host ?? 'localhost'}:${c.options?.port ?? 6379}`;
    const s = c.options?.socket;
    if (s?.host || s?.port) return `${s.host ?? 'localhost'}:${s.port ?? 6379}`;
    if (c.options?.url) {
      try {
        const u = new URL(c.options.url);
        return `${u.hostname}:${u.port || 6379}`;
      } catch {
        return undefined;
      }
    }
    return 'localhost:6379';
  }

  override onRegister(r: ResourceRegistration<RedisClientLike>): void {
    const listener = () => this.incrementMetric('errors', 1, undefined, r);
    const c = r.resource;
    // node-redis throws an error nobody listens for: watched without handling it. ioredis never
    // throws one (it emits only to listeners, else logs it), so errorMonitor would see nothing there.
    let unhook: () => void;
    if (isIoredis(c)) {
      c.on('error', listener);
      unhook = () => c.removeListener('error', listener);
    } else unhook = watchErrors(c, listener);
    this.incrementMetric('errors', 0, undefined, r);
    this._unhook.set(r, unhook);
  }

  override onUnregister(r: ResourceRegistration<RedisClientLike>): void {
    this._unhook.get(r)?.();
    this._unhook.delete(r);
  }

  async collectMetrics(r: ResourceRegistration<RedisClientLike>): Promise<void> {
    const c = r.resource;
    const connected = isIoredis(c) ? c.status === 'ready' : c.isReady;
    this.updateMetric('connected', connected ? 1 : 0);
    if (isIoredis(c))
      this.updateMetric('pending_commands', (c.commandQueue?.length ?? 0) + (c.offlineQueue?.length ?? 0));
    const health = connected ? await this._probe(r) : { healthy: false, message: 'not connected' };
    this.updateMetric('healthy', health.healthy ? 1 : 0);
  }

  override async checkHealth(r: ResourceRegistration<RedisClientLike>): Promise<ResourceHealth> {
    const c = r.resource;
    const connected = isIoredis(c) ? c.status === 'ready' : c.isReady;
    if (!connected)
      return { healthy: false, message: `not connected (${isIoredis(c) ? c.status : 'closed'})` };
    return this._probe(r);
  }

  private async _probe(r: ResourceRegistration<RedisClientLike>): Promise<ResourceHealth> {
    const started = performance.now();
    const answer = await settleWithin(r.resource.ping(), this.probeTimeoutMillis);
    if (answer.status !== 'fulfilled') {
      this.incrementMetric('errors', 1, undefined, r);
      return {
        healthy: false,
        message:
          answer.status === 'timedOut'
            ? `no PING answer within ${this.probeTimeoutMillis} ms`
            : `PING failed: ${(answer.reason as Error)?.message}`,
      };
    }
    const seconds = (performance.now() - started) / 1000;
    this.updateMetric('command_latency', seconds, undefined, r);
    this.updateMetric('command_latency_last', seconds, undefined, r);
    return {
      healthy: true,
      message: `PING ${(seconds * 1000).toFixed(1)} ms`,
      details: { latencySeconds: seconds },
    };
  }
}
