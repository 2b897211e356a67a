import { diag } from '@opentelemetry/api';
import type { ResourceManager } from '../resource-manager';
import { ResourceTypeMonitor } from '../resource-type-monitor';
import type { ResourceHealth, ResourceRegistration } from '../types';

/** An amqplib channel (promise API). */
export interface AmqpChannelLike {
  checkQueue(queue: string): Promise<{ messageCount: number; consumerCount: number }>;
  close(): Promise<void>;
  on(event: 'error' | 'close', listener: (err?: unknown) => void): unknown;
}

/** An amqplib connection (promise API, `amqplib.connect()`). */
export interface AmqpConnectionLike {
  createChannel(): Promise<AmqpChannelLike>;
  on(event: 'error' | 'close', listener: (err?: unknown) => void): unknown;
  removeListener(event: 'error' | 'close', listener: (err?: unknown) => void): unknown;
  readonly connection?: {
    readonly stream?: { readonly remoteAddress?: string; readonly remotePort?: number };
  };
}

/** What to register for the `amqplib` kind: a connection and the queue to watch. */
export interface AmqpQueueResource {
  readonly connection: AmqpConnectionLike;
  readonly queue: string;
}

interface State {
  channel: Promise<AmqpChannelLike> | undefined;
  connected: boolean;
  lastDepth: number | undefined;
  lastAt: number;
  unhook: () => void;
}

/**
 * A RabbitMQ queue through amqplib (resource type `amqplib`): `queue_depth` (ready messages),
 * `consumers`, `queue_depth_rate` (net change of the depth per second between collections:
 * positive when messages arrive faster than they are consumed — the AMQP protocol has no
 * publish/deliver rates; those need the management plugin), `connected`, `errors` and health.
 * Reads with `checkQueue` on a channel of its own, so a missing queue never closes yours.
 */
export class AmqpQueueMonitor extends ResourceTypeMonitor<AmqpQueueResource> {
  private readonly _state = new WeakMap<object, State>();

  constructor(manager: ResourceManager) {
    super(manager, { resourceType: 'amqplib' });
  }

  setupMetrics(): void {
    this.addMetric({
      name: 'queue_depth',
      type: 'gauge',
      unit: '{message}',
      description: 'Messages ready in the queue',
    });
    this.addMetric({
      name: 'consumers',
      type: 'gauge',
      unit: '{consumer}',
      description: 'Consumers of the queue',
    });
    this.addMetric({
      name: 'queue_depth_rate',
      type: 'gauge',
      unit: '{message}/s',
      description: 'Net change of the queue depth per second',
    });
    this.addMetric({
      name: 'connected',
      type: 'gauge',
      unit: '1',
      description: '1 while the connection is open',
    });
    this.addMetric({
      name: 'errors',
      type: 'counter',
      unit: '{error}',
      description: 'Connection errors and failed queue reads',
    });
    this.addMetric({
      name: 'healthy',
      type: 'gauge',
      unit: '1',
      description: '1 when connected and the queue can be read',
    });
  }

  peerOf(r: AmqpQueueResource): string | undefined {
    const s = r.connection.connection?.stream;
    return s?.remoteAddress ? `${s.remoteAddress}:${s.remotePort ?? 5672}` : undefined;
  }

  override onRegister(r: ResourceRegistration<AmqpQueueResource>): void {
    const res = r.resource;
    if (!res || typeof res.queue !== 'string' || typeof res.connection?.createChannel !== 'function')
      throw new Error(`amqplib resource ${r.id} must be { connection, queue }`);
    const onClose = () => {
      state.connected = false;
      state.channel = undefined;
    };
    const onError = () => this.incrementMetric('errors', 1, undefined, r);
    res.connection.on('close', onClose);
    res.connection.on('error', onError);
    const state: State = {
      channel: undefined,
      connected: true,
      lastDepth: undefined,
      lastAt: 0,
      unhook: () => {
        res.connection.removeListener('close', onClose);
        res.connection.removeListener('error', onError);
      },
    };
    this.incrementMetric('errors', 0, undefined, r);
    this._state.set(res, state);
  }

  override onUnregister(r: ResourceRegistration<AmqpQueueResource>): void {
    const state = this._state.get(r.resource);
    if (!state) return;
    state.unhook();
    const ch = state.channel;
    state.channel = undefined;
    ch?.then((c) => c.close()).catch(() => undefined);
    this._state.delete(r.resource);
  }

  async collectMetrics(r: ResourceRegistration<AmqpQueueResource>): Promise<void> {
    const state = this._state.get(r.resource);
    if (!state) return;
    this.updateMetric('connected', state.connected ? 1 : 0);
    const h = await this._read(r, state);
    this.updateMetric('healthy', h.healthy ? 1 : 0);
  }

  override async checkHealth(r: ResourceRegistration<AmqpQueueResource>): Promise<ResourceHealth> {
    const state = this._state.get(r.resource);
    if (!state) return { healthy: false, message: 'not registered' };
    if (!state.connected) return { healthy: false, message: 'connection closed' };
    try {
      const ch = await this._channel(r, state);
      const q = await ch.checkQueue(r.resource.queue);
      return { healthy: true, details: { depth: q.messageCount, consumers: q.consumerCount } };
    } catch (err) {
      return { healthy: false, message: `queue ${r.resource.queue}: ${(err as Error).message}` };
    }
  }

  private async _read(r: ResourceRegistration<AmqpQueueResource>, state: State): Promise<ResourceHealth> {
    if (!state.connected) return { healthy: false, message: 'connection closed' };
    try {
      const ch = await this._channel(r, state);
      const q = await ch.checkQueue(r.resource.queue);
      const now = Date.now();
      this.updateMetric('queue_depth', q.messageCount);
      this.updateMetric('consumers', q.consumerCount);
      if (state.lastDepth !== undefined && now > state.lastAt)
        this.updateMetric(
          'queue_depth_rate',
          ((q.messageCount - state.lastDepth) * 1000) / (now - state.lastAt),
        );
      state.lastDepth = q.messageCount;
      state.lastAt = now;
      return { healthy: true };
    } catch (err) {
      this.incrementMetric('errors', 1);
      diag.debug(
        `@otelkit/resource-manager: checkQueue(${r.resource.queue}) failed: ${(err as Error).message}`,
      );
      return { healthy: false, message: (err as Error).message };
    }
  }

  private _channel(r: ResourceRegistration<AmqpQueueResource>, state: State): Promise<AmqpChannelLike> {
    if (!state.channel) {
      const p = r.resource.connection.createChannel().then((ch) => {
        // A failed checkQueue closes the channel (404): open a new one next time.
        const drop = () => {
          if (state.channel === p) state.channel = undefined;
        };
        ch.on('close', drop);
        ch.on('error', drop);
        return ch;
      });
      p.catch(() => {
        if (state.channel === p) state.channel = undefined;
      });
      state.channel = p;
    }
    return state.channel;
  }
}
