import { type AnyFn, guarded, patchInstance } from '../internal/instance-patch';

/** Messages counted for one watched queue on one channel, since it was watched. */
export interface AmqpMessageCounts {
  /** Published through the channel to the queue (default exchange, routing key = queue) or to a binding given. */
  published: number;
  /** Handed to a consumer callback of the channel, or returned by `get`. */
  delivered: number;
  acked: number;
  /** Negatively acknowledged: `nack`, `nackAll` and `reject`. */
  nacked: number;
}

/** An exchange the queue is bound to: publishes to it count as publishes to the queue. */
export interface AmqpBinding {
  readonly exchange: string;
  /** The binding key; `*` (one word) and `#` (any words) match as in a topic exchange. Omitted: any key (fanout). */
  readonly routingKey?: string;
}

interface Watch {
  readonly queue: string;
  readonly routes: ReadonlyArray<{ exchange: string; matches: (key: string) => boolean }>;
  readonly counts: AmqpMessageCounts;
}

/** Unacknowledged deliveries remembered per channel, to attribute later acks to their queue. */
const MAX_UNACKED = 100_000;

interface Tap {
  readonly watches: Set<Watch>;
  /** deliveryTag → queue, in delivery order (tags grow per channel). */
  readonly unacked: Map<number, string>;
  readonly undo: Array<() => void>;
}

const taps = new WeakMap<object, Tap>();

/** `*.orders.#`-style matching of AMQP topic exchanges, on whole dot-separated words. */
export function topicMatcher(pattern: string): (key: string) => boolean {
  if (!pattern.includes('*') && !pattern.includes('#')) return (key) => key === pattern;
  const p = pattern.split('.');
  return (key) => {
    const k = key.split('.');
    // ok[j]: the pattern words so far match the first j key words.
    let ok = new Array<boolean>(k.length + 1).fill(false);
    ok[0] = true;
    for (const word of p) {
      const next = new Array<boolean>(k.length + 1).fill(false);
      for (let j = 0; j <= k.length; j++) {
        if (word === '#') next[j] = ok[j]! || (j > 0 && next[j - 1]!);
        else if (j > 0) next[j] = ok[j - 1]! && (word === '*' || word === k[j - 1]);
      }
      ok = next;
    }
    return ok[k.length]!;
  };
}

function deliveryTag(message: unknown): number | undefined {
  const tag = (message as { fields?: { deliveryTag?: unknown } } | null | undefined)?.fields?.deliveryTag;
  return typeof tag === 'number' ? tag : undefined;
}

function install(channel: object): Tap {
  const tap: Tap = { watches: new Set(), unacked: new Map(), undo: [] };
  const each = (queue: string, f: (c: AmqpMessageCounts) => void) => {
    for (const w of tap.watches) if (w.queue === queue) f(w.counts);
  };
  const watched = (queue: string) => {
    for (const w of tap.watches) if (w.queue === queue) return true;
    return false;
  };
  const delivered = (queue: string, message: unknown, noAck: boolean) => {
    if (!message || !watched(queue)) return;
    each(queue, (c) => c.delivered++);
    const tag = deliveryTag(message);
    if (noAck || tag === undefined) return;
    tap.unacked.set(tag, queue);
    if (tap.unacked.size > MAX_UNACKED) tap.unacked.delete(tap.unacked.keys().next().value as number);
  };
  /** Settles one delivery, or every one up to `upTo` (`Infinity`: all of them). */
  const settle = (tag: number | undefined, allUpTo: boolean, field: 'acked' | 'nacked') => {
    if (tag === undefined) return;
    if (!allUpTo) {
      const queue = tap.unacked.get(tag);
      if (queue === undefined) return;
      tap.unacked.delete(tag);
      each(queue, (c) => c[field]++);
      return;
    }
    for (const [t, queue] of tap.unacked) {
      if (t > tag) break;
      tap.unacked.delete(t);
      each(queue, (c) => c[field]++);
    }
  };
  const after =
    (count: (args: unknown[]) => void) =>
    (original: AnyFn): AnyFn =>
      function (this: unknown, ...args: unknown[]) {
        const result = original.apply(this, args);
        guarded('amqplib message count', () => count(args));
        return result;
      };

  // sendToQueue(q, …) is publish('', q, …) on the same object: counted once, here.
  tap.undo.push(
    patchInstance(
      channel,
      'publish',
      after(([exchange, routingKey]) => {
        if (typeof exchange !== 'string' || typeof routingKey !== 'string') return;
        for (const w of tap.watches)
          if (
            (exchange === '' && routingKey === w.queue) ||
            w.routes.some((r) => r.exchange === exchange && r.matches(routingKey))
          )
            w.counts.published++;
      }),
    ),
  );
  tap.undo.push(
    patchInstance(
      channel,
      'consume',
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          const [queue, callback, options] = args;
          if (typeof queue === 'string' && typeof callback === 'function') {
            const noAck = Boolean((options as { noAck?: unknown } | undefined)?.noAck);
            args[1] = function (this: unknown, message: unknown) {
              guarded('amqplib message count', () => delivered(queue, message, noAck));
              return (callback as AnyFn).call(this, message);
            };
          }
          return original.apply(this, args);
        },
    ),
  );
  tap.undo.push(
    patchInstance(
      channel,
      'get',
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          const [queue, options, callback] = args;
          const noAck = Boolean((options as { noAck?: unknown } | undefined)?.noAck);
          // The callback API: get(queue, options, (err, message) => …).
          if (typeof queue === 'string' && typeof callback === 'function')
            args[2] = function (this: unknown, err: unknown, message: unknown) {
              if (!err) guarded('amqplib message count', () => delivered(queue, message, noAck));
              return (callback as AnyFn).call(this, err, message);
            };
          const result = original.apply(this, args);
          if (typeof queue === 'string' && typeof callback !== 'function')
            guarded('amqplib message count', () => {
              if (typeof (result as PromiseLike<unknown>)?.then !== 'function') return;
              // Our own branch of the same promise; its rejection is the caller's to see, not ours.
              (result as PromiseLike<unknown>).then(
                (message) => guarded('amqplib message count', () => delivered(queue, message, noAck)),
                () => undefined,
              );
            });
          return result;
        },
    ),
  );
  tap.undo.push(
    patchInstance(
      channel,
      'ack',
      after(([message, allUpTo]) => settle(deliveryTag(message), Boolean(allUpTo), 'acked')),
    ),
    patchInstance(
      channel,
      'nack',
      after(([message, allUpTo]) => settle(deliveryTag(message), Boolean(allUpTo), 'nacked')),
    ),
    patchInstance(
      channel,
      'reject',
      after(([message]) => settle(deliveryTag(message), false, 'nacked')),
    ),
    patchInstance(
      channel,
      'ackAll',
      after(() => settle(Number.POSITIVE_INFINITY, true, 'acked')),
    ),
    patchInstance(
      channel,
      'nackAll',
      after(() => settle(Number.POSITIVE_INFINITY, true, 'nacked')),
    ),
  );
  // Unacknowledged messages go back to their queue when the channel closes: nothing left to settle.
  const emitter = channel as { on?: AnyFn; removeListener?: AnyFn };
  if (typeof emitter.on === 'function' && typeof emitter.removeListener === 'function') {
    const onClose = () => tap.unacked.clear();
    emitter.on.call(channel, 'close', onClose);
    tap.undo.push(() => emitter.removeListener?.call(channel, 'close', onClose));
  }
  return tap;
}

/**
 * Counts the messages of `queue` that go through `channel` (an amqplib channel of the app): each
 * counted method is wrapped on that channel object only, runs exactly once with the same arguments
 * and returns the same value (or throws the same error); counting happens after the call and never
 * throws. Channels are shared: every queue watched on a channel uses one set of wrappers, removed
 * when the last watch is. Returns the live counts and the function that stops watching.
 */
export function watchChannel(
  channel: object,
  queue: string,
  bindings: readonly AmqpBinding[] = [],
): { counts: AmqpMessageCounts; stop(): void } {
  let tap = taps.get(channel);
  if (!tap) {
    tap = install(channel);
    taps.set(channel, tap);
  }
  const watch: Watch = {
    queue,
    routes: bindings.map((b) => ({
      exchange: b.exchange,
      matches: b.routingKey === undefined ? () => true : topicMatcher(b.routingKey),
    })),
    counts: { published: 0, delivered: 0, acked: 0, nacked: 0 },
  };
  tap.watches.add(watch);
  const t = tap;
  let stopped = false;
  return {
    counts: watch.counts,
    stop() {
      if (stopped) return;
      stopped = true;
      t.watches.delete(watch);
      if (t.watches.size > 0) return;
      for (const undo of t.undo.splice(0).reverse()) undo();
      if (taps.get(channel) === t) taps.delete(channel);
    },
  };
}
