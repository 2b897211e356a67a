import { diag } from '@opentelemetry/api';
import { watchErrors } from '../internal/error-events';
import { ResourceTypeMonitor } from '../resource-type-monitor';
import type { ResourceHealth, ResourceHost, ResourceRegistration } from '../types';
import { type AmqpBinding, type AmqpMessageCounts, watchChannel } from './amqp-channel-tap';

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
  /**
   * The app's channels that publish to or consume from the queue: their messages are counted
   * (`messages_published`, `_delivered`, `_acked`, `_nacked` and the rates). Each channel object gets
   * thin wrappers of `publish` (`sendToQueue` goes through it), `consume`, `get`, `ack`, `ackAll`,
   * `nack`, `nackAll` and `reject`, removed when the resource is unregistered. Without channels only
   * the broker's view (depth, consumers) is reported.
   */
  readonly channels?: readonly object[];
  /**
   * Exchanges the queue is bound to: publishes to them count as published to the queue. Publishes
   * to the default exchange with the queue's name as routing key always count.
   */
  readonly bindings?: readonly AmqpBinding[];
}

interface Counted {
  readonly watches: Array<{ counts: AmqpMessageCounts; stop(): void }>;
  /** Totals at the last collection, for the rates. */
  last: AmqpMessageCounts;
  lastAt: number;
}

interface State {
  channel: Promise<AmqpChannelLike> | undefined;
  connected: boolean;
  lastDepth: number | undefined;
  lastAt: number;
  counted: Counted | undefined;
  unhook: () => void;
}

const MESSAGE_COUNTERS = [
  ['messages_published', 'published', 'Messages published to the queue through the registered channels'],
  [
    'messages_delivered',
    'delivered',
    'Messages of the queue handed to consumers of the registered channels or got',
  ],
  ['messages_acked', 'acked', 'Deliveries of the queue acknowledged'],
  ['messages_nacked', 'nacked', 'Deliveries of the queue rejected (nack, reject)'],
] as const;

const RATES = [
  ['publish_rate', 'published', 'Messages published to the queue per second, between collections'],
  ['deliver_rate', 'delivered', 'Messages of the queue delivered per second, between collections'],
  ['ack_rate', 'acked', 'Deliveries of the queue acknowledged per second, between collections'],
] as const;

function total(counted: Counted): AmqpMessageCounts {
  const t = { published: 0, delivered: 0, acked: 0, nacked: 0 };
  for (const { counts } of counted.watches) {
    t.published += counts.published;
    t.delivered += counts.delivered;
    t.acked += counts.acked;
    t.nacked += counts.nacked;
  }
  return t;
}

function checkChannels(id: string, r: AmqpQueueResource): void {
  if (r.channels === undefined && r.bindings === undefined) return;
  if (!Array.isArray(r.channels))
    throw new Error(`amqplib resource ${id}: channels must be an array of amqplib channels`);
  for (const ch of r.channels)
    if (!ch || typeof (ch as { publish?: unknown }).publish !== 'function')
      throw new Error(`amqplib resource ${id}: channels must be amqplib channels (with publish)`);
  if (r.bindings !== undefined) {
    if (!Array.isArray(r.bindings))
      throw new Error(`amqplib resource ${id}: bindings must be an array of { exchange, routingKey? }`);
    for (const b of r.bindings)
      if (
        !b ||
        typeof b.exchange !== 'string' ||
        (b.routingKey !== undefined && typeof b.routingKey !== 'string')
      )
        throw new Error(`amqplib resource ${id}: bindings must be an array of { exchange, routingKey? }`);
  }
}

/**
 * A RabbitMQ queue through amqplib (resource type `amqplib`): `queue_depth` (ready messages),
 * `consumers`, `queue_depth_rate` (net change of the depth per second between collections:
 * positive when messages arrive faster than they are consumed), `connected`, `errors` and health.
 * Reads with `checkQueue` on a channel of its own, so a missing queue never closes yours.
 *
 * AMQP 0-9-1 itself gives no message rates (the broker's come from its management plugin), so when
 * the registration names the app's `channels` this kind counts, on those channels, the messages of
 * the queue: published, delivered (consumer callbacks and `get`), acked and nacked / rejected, with
 * per-second rates between collections. What other processes or channels do is not seen.
 *
 * @example
 * manager.register({ id: 'orders', type: 'amqplib', resource: { connection, queue: 'orders', channels: [channel] } });
 */
export class AmqpQueueMonitor extends ResourceTypeMonitor<AmqpQueueResource> {
  /** Per registration, not per object: one pool may be registered twice (discovery and the app). */
  private readonly _state = new WeakMap<ResourceRegistration, State>();

  constructor(manager: ResourceHost) {
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
    for (const [name, , description] of MESSAGE_COUNTERS)
      this.addMetric({ name, type: 'counter', unit: '{message}', description });
    for (const [name, , description] of RATES)
      this.addMetric({ name, type: 'gauge', unit: '{message}/s', description });
  }

  peerOf(r: AmqpQueueResource): string | undefined {
    const s = r.connection.connection?.stream;
    return s?.remoteAddress ? `${s.remoteAddress}:${s.remotePort ?? 5672}` : undefined;
  }

  override onRegister(r: ResourceRegistration<AmqpQueueResource>): void {
    const res = r.resource;
    if (!res || typeof res.queue !== 'string' || typeof res.connection?.createChannel !== 'function')
      throw new Error(`amqplib resource ${r.id} must be { connection, queue }`);
    checkChannels(r.id, res);
    const onClose = () => {
      state.connected = false;
      state.channel = undefined;
    };
    res.connection.on('close', onClose);
    const unwatchErrors = watchErrors(res.connection, () => this.incrementMetric('errors', 1, undefined, r));
    const counted: Counted | undefined = res.channels
      ? {
          // Each channel once: one named twice (publish and consume on the same one) would count twice.
          watches: [...new Set(res.channels)].map((ch) => watchChannel(ch, res.queue, res.bindings)),
          last: { published: 0, delivered: 0, acked: 0, nacked: 0 },
          lastAt: performance.now(),
        }
      : undefined;
    const state: State = {
      channel: undefined,
      connected: true,
      lastDepth: undefined,
      lastAt: 0,
      counted,
      unhook: () => {
        res.connection.removeListener('close', onClose);
        unwatchErrors();
        for (const w of counted?.watches ?? []) w.stop();
      },
    };
    this.incrementMetric('errors', 0, undefined, r);
    this._state.set(r, state);
  }

  override onUnregister(r: ResourceRegistration<AmqpQueueResource>): void {
    const state = this._state.get(r);
    if (!state) return;
    state.unhook();
    const ch = state.channel;
    state.channel = undefined;
    ch?.then((c) => c.close()).catch(() => undefined);
    this._state.delete(r);
  }

  async collectMetrics(r: ResourceRegistration<AmqpQueueResource>): Promise<void> {
    const state = this._state.get(r);
    if (!state) return;
    this.updateMetric('connected', state.connected ? 1 : 0);
    if (state.counted) this._reportCounts(state.counted);
    const h = await this._read(r, state);
    this.updateMetric('healthy', h.healthy ? 1 : 0);
  }

  private _reportCounts(counted: Counted): void {
    const now = performance.now();
    const t = total(counted);
    for (const [name, field] of MESSAGE_COUNTERS) this.updateMetric(name, t[field]);
    const seconds = (now - counted.lastAt) / 1000;
    if (seconds > 0)
      for (const [name, field] of RATES) this.updateMetric(name, (t[field] - counted.last[field]) / seconds);
    counted.last = t;
    counted.lastAt = now;
  }

  override async checkHealth(r: ResourceRegistration<AmqpQueueResource>): Promise<ResourceHealth> {
    const state = this._state.get(r);
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
