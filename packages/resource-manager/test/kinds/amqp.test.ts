import { ResourceMonitor } from '@otelkit/resource-monitor';
import * as amqp from 'amqplib';
import * as amqpCallback from 'amqplib/callback_api';
import { AmqpQueueMonitor, ResourceManager } from '../../src/index';
import { topicMatcher } from '../../src/kinds/amqp-channel-tap';
import { collectMetrics, createTestMeter, pointOf, uniqueName, waitFor } from '../helpers';

jest.setTimeout(60_000);

describe('RabbitMQ queue through amqplib against the local RabbitMQ', () => {
  it('publish N with no consumer: depth N; consume them: back to 0 with one consumer', async () => {
    const { provider, reader } = createTestMeter();
    const monitor = new ResourceMonitor({ intervalMillis: 60_000, hostMetricGroups: false });
    const manager = new ResourceManager({
      monitor,
      meter: provider.getMeter('test'),
      intervalMillis: 60_000,
    });
    manager.registerTypeMonitor(new AmqpQueueMonitor(manager));
    const queue = uniqueName('otelkit-rm');
    const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    const channel = await connection.createConfirmChannel();
    try {
      await channel.assertQueue(queue, { durable: false, autoDelete: false });
      manager.register({ id: 'orders', type: 'amqplib', resource: { connection, queue } });
      expect(manager.getResource('orders')).toMatchObject({ category: 'queue', peer: '127.0.0.1:5672' });
      await manager.collectNow();
      expect(manager.getValue('orders', 'queue_depth')).toBe(0);

      const N = 25;
      for (let i = 0; i < N; i++) channel.sendToQueue(queue, Buffer.from(`m${i}`));
      await channel.waitForConfirms();
      await waitFor(
        async () => {
          await manager.collectNow();
          return manager.getValue('orders', 'queue_depth') === N;
        },
        15_000,
        `queue depth ${N}`,
      );
      expect(manager.getValue('orders', 'consumers')).toBe(0);
      expect(manager.getValue('orders', 'connected')).toBe(1);
      expect(manager.getValue('orders', 'queue_depth_rate')).toBeGreaterThan(0);
      const metrics = await collectMetrics(reader);
      expect(
        pointOf(metrics, 'otelkit.resource.queue_depth', {
          'resource.id': 'orders',
          'resource.type': 'amqplib',
        })?.value,
      ).toBe(N);

      let got = 0;
      await channel.consume(queue, (msg) => {
        if (msg) {
          got++;
          channel.ack(msg);
        }
      });
      await waitFor(() => got === N, 15_000, 'all messages consumed');
      await waitFor(
        async () => {
          await manager.collectNow();
          return manager.getValue('orders', 'queue_depth') === 0;
        },
        15_000,
        'queue depth 0',
      );
      expect(manager.getValue('orders', 'consumers')).toBe(1);
      expect(await manager.checkResource('orders')).toMatchObject({ healthy: true });
    } finally {
      await channel.deleteQueue(queue).catch(() => undefined);
      await manager.shutdown();
      await connection.close();
      await monitor.shutdown();
      await provider.shutdown();
    }
  });

  it('a missing queue is unhealthy and counted as an error, and the connection closing is reported', async () => {
    const monitor = new ResourceMonitor({ intervalMillis: 60_000, hostMetricGroups: false });
    const manager = new ResourceManager({ monitor, intervalMillis: 60_000 });
    manager.registerTypeMonitor(new AmqpQueueMonitor(manager));
    const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    try {
      manager.register({
        id: 'ghost',
        type: 'amqplib',
        resource: { connection, queue: uniqueName('missing') },
      });
      await manager.collectNow();
      expect(manager.getValue('ghost', 'healthy')).toBe(0);
      expect(manager.getValue('ghost', 'errors')).toBe(1);
      // The private channel closed with a 404; the next read opens a new one (and fails again the same way).
      await manager.collectNow();
      expect(manager.getValue('ghost', 'errors')).toBe(2);
      expect((await manager.checkResource('ghost')).message).toMatch(/NOT_FOUND|404/);
    } finally {
      await connection.close();
    }
    await manager.collectNow();
    expect(manager.getValue('ghost', 'connected')).toBe(0);
    expect(await manager.checkResource('ghost')).toMatchObject({
      healthy: false,
      message: 'connection closed',
    });
    await manager.shutdown();
    await monitor.shutdown();
  });
});

describe('RabbitMQ message counts on the app channels (amqplib, local RabbitMQ)', () => {
  const METHODS = ['publish', 'consume', 'get', 'ack', 'ackAll', 'nack', 'nackAll', 'reject'];

  function setup() {
    const monitor = new ResourceMonitor({ intervalMillis: 60_000, hostMetricGroups: false });
    const manager = new ResourceManager({ monitor, intervalMillis: 60_000 });
    manager.registerTypeMonitor(new AmqpQueueMonitor(manager));
    return { monitor, manager };
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('publish N: published N and depth N; consume + ack: delivered N, acked N, depth 0; rates > 0, then 0', async () => {
    const { monitor, manager } = setup();
    const queue = uniqueName('otelkit-rates');
    const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    const channel = await connection.createConfirmChannel();
    try {
      await channel.assertQueue(queue, { durable: false });
      manager.register({ id: 'jobs', type: 'amqplib', resource: { connection, queue, channels: [channel] } });
      await manager.collectNow();
      expect(manager.getValue('jobs', 'messages_published')).toBe(0);
      expect(manager.getValue('jobs', 'publish_rate')).toBe(0);

      const N = 40;
      for (let i = 0; i < N; i++) expect(channel.sendToQueue(queue, Buffer.from(`m${i}`))).toBe(true);
      // Another queue's messages on the same channel are not this queue's.
      await channel.assertQueue(`${queue}-other`, { durable: false, autoDelete: true });
      channel.sendToQueue(`${queue}-other`, Buffer.from('x'));
      await channel.waitForConfirms();
      await waitFor(
        async () => {
          await manager.collectNow();
          return manager.getValue('jobs', 'queue_depth') === N;
        },
        15_000,
        `queue depth ${N}`,
      );
      expect(manager.getValue('jobs', 'messages_published')).toBe(N);
      expect(manager.getValue('jobs', 'messages_delivered')).toBe(0);

      await manager.collectNow();
      await channel.prefetch(10);
      let got = 0;
      const ok = await channel.consume(queue, (msg) => {
        if (!msg) return;
        got++;
        channel.ack(msg);
      });
      expect(typeof ok.consumerTag).toBe('string');
      await waitFor(() => got === N, 15_000, 'all messages consumed');
      await waitFor(
        async () => {
          await manager.collectNow();
          return manager.getValue('jobs', 'queue_depth') === 0;
        },
        15_000,
        'queue depth 0',
      );
      expect(manager.getValue('jobs', 'messages_published')).toBe(N);
      expect(manager.getValue('jobs', 'messages_delivered')).toBe(N);
      expect(manager.getValue('jobs', 'messages_acked')).toBe(N);
      expect(manager.getValue('jobs', 'messages_nacked')).toBe(0);
      expect(manager.getValue('jobs', 'consumers')).toBe(1);

      // Rates over one collection interval in which N are delivered and acked, nothing published.
      await channel.cancel(ok.consumerTag);
      for (let i = 0; i < N; i++) channel.sendToQueue(queue, Buffer.from(`n${i}`));
      await channel.waitForConfirms();
      await manager.collectNow();
      expect(manager.getValue('jobs', 'publish_rate')).toBeGreaterThan(0);
      got = 0;
      await channel.consume(queue, (msg) => {
        if (msg) {
          got++;
          channel.ack(msg);
        }
      });
      await waitFor(() => got === N, 15_000, 'second batch consumed');
      await sleep(50);
      await manager.collectNow();
      expect(manager.getValue('jobs', 'deliver_rate')).toBeGreaterThan(0);
      expect(manager.getValue('jobs', 'ack_rate')).toBeGreaterThan(0);
      expect(manager.getValue('jobs', 'publish_rate')).toBe(0);
      expect(manager.getValue('jobs', 'messages_acked')).toBe(2 * N);
      await sleep(50);
      await manager.collectNow();
      expect(manager.getValue('jobs', 'deliver_rate')).toBe(0);
      expect(manager.getValue('jobs', 'ack_rate')).toBe(0);
      expect(manager.getValue('jobs', 'publish_rate')).toBe(0);
    } finally {
      await channel.deleteQueue(queue).catch(() => undefined);
      await manager.shutdown();
      await connection.close();
      await monitor.shutdown();
    }
  });

  it('counts get, nack, reject, ackAll and publishes through a bound topic exchange; unregistering restores the channel', async () => {
    const { monitor, manager } = setup();
    const queue = uniqueName('otelkit-nack');
    const exchange = uniqueName('otelkit-x');
    const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    const channel = await connection.createConfirmChannel();
    try {
      await channel.assertQueue(queue, { durable: false });
      await channel.assertExchange(exchange, 'topic', { durable: false, autoDelete: true });
      await channel.bindQueue(queue, exchange, 'orders.*');
      manager.register({
        id: 'orders',
        type: 'amqplib',
        resource: {
          connection,
          queue,
          channels: [channel],
          bindings: [{ exchange, routingKey: 'orders.*' }],
        },
      });
      for (const m of METHODS) expect(Object.hasOwn(channel, m)).toBe(true);
      for (let i = 0; i < 4; i++) channel.publish(exchange, 'orders.created', Buffer.from(`o${i}`));
      // Not routed to the queue (two words after orders): not counted, and the broker drops it.
      channel.publish(exchange, 'orders.created.eu', Buffer.from('dropped'));
      await channel.waitForConfirms();
      await waitFor(
        async () => {
          await manager.collectNow();
          return manager.getValue('orders', 'queue_depth') === 4;
        },
        15_000,
        'depth 4',
      );
      expect(manager.getValue('orders', 'messages_published')).toBe(4);

      const a = await channel.get(queue);
      const b = await channel.get(queue);
      const c = await channel.get(queue);
      const d = await channel.get(queue);
      expect(a && b && c && d).toBeTruthy();
      expect(await channel.get(queue)).toBe(false);
      if (!a || !b || !c || !d) throw new Error('expected four messages');
      channel.nack(a, false, false);
      channel.reject(b, false);
      channel.ackAll();
      // A call the channel itself refuses throws exactly as without the counting.
      expect(() => channel.ack({} as amqp.Message)).toThrow(TypeError);
      await manager.collectNow();
      expect(manager.getValue('orders', 'messages_delivered')).toBe(4);
      expect(manager.getValue('orders', 'messages_nacked')).toBe(2);
      expect(manager.getValue('orders', 'messages_acked')).toBe(2);
      await waitFor(
        async () => {
          await manager.collectNow();
          return manager.getValue('orders', 'queue_depth') === 0;
        },
        15_000,
        'depth 0',
      );

      manager.unregister('orders');
      for (const m of METHODS) expect(Object.hasOwn(channel, m)).toBe(false);
      expect(channel.publish).toBe(Object.getPrototypeOf(channel).publish);
      // The channel still works.
      expect(channel.sendToQueue(queue, Buffer.from('after'))).toBe(true);
      await channel.waitForConfirms();
    } finally {
      await channel.deleteQueue(queue).catch(() => undefined);
      await manager.shutdown();
      await connection.close();
      await monitor.shutdown();
    }
  });

  it('topic binding keys (* and #) count exactly the publishes that RabbitMQ routes to the queue', async () => {
    const { monitor, manager } = setup();
    const queue = uniqueName('otelkit-topic');
    const exchange = uniqueName('otelkit-tx');
    const patterns = ['*.orders.#', 'audit.#', '#.eu', 'a.*.c'];
    const keys = [
      'eu.orders',
      'eu.orders.created',
      'eu.orders.created.v2',
      'orders',
      'orders.created',
      'eu.us.orders',
      'audit',
      'audit.x.y',
      'x.audit',
      'eu',
      'x.y.eu',
      'eu.x',
      'a.b.c',
      'a.c',
      'a.b.b.c',
      'eu.orders.',
      '',
    ];
    const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    const channel = await connection.createConfirmChannel();
    try {
      await channel.assertQueue(queue, { durable: false });
      await channel.assertExchange(exchange, 'topic', { durable: false, autoDelete: true });
      for (const p of patterns) await channel.bindQueue(queue, exchange, p);
      manager.register({
        id: 'topic',
        type: 'amqplib',
        resource: {
          connection,
          queue,
          channels: [channel],
          bindings: patterns.map((routingKey) => ({ exchange, routingKey })),
        },
      });
      for (const key of keys) channel.publish(exchange, key, Buffer.from(key));
      await channel.waitForConfirms();
      await manager.collectNow();
      const counted = manager.getValue('topic', 'messages_published');
      const routed: string[] = [];
      for (
        let m = await channel.get(queue, { noAck: true });
        m;
        m = await channel.get(queue, { noAck: true })
      )
        routed.push(m.content.toString());
      expect(routed.length).toBeGreaterThan(5);
      expect(routed.length).toBeLessThan(keys.length);
      expect(counted).toBe(routed.length);
      // Key by key, the matcher agrees with the broker.
      const ours = keys.filter((k) => patterns.some((p) => topicMatcher(p)(k)));
      expect(ours.sort()).toEqual(routed.sort());
    } finally {
      await channel.deleteQueue(queue).catch(() => undefined);
      await manager.shutdown();
      await connection.close();
      await monitor.shutdown();
    }
  });

  it('counts on a callback-API channel too (publish, consume, get with a callback, ack)', async () => {
    const { monitor, manager } = setup();
    const queue = uniqueName('otelkit-cb');
    const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    const cbConnection = await new Promise<amqpCallback.Connection>((resolve, reject) =>
      amqpCallback.connect('amqp://guest:guest@127.0.0.1:5672', (err, c) => (err ? reject(err) : resolve(c))),
    );
    const channel = await new Promise<amqpCallback.Channel>((resolve, reject) =>
      cbConnection.createChannel((err, ch) => (err ? reject(err) : resolve(ch))),
    );
    try {
      await new Promise((resolve, reject) =>
        channel.assertQueue(queue, { durable: false }, (err, ok) => (err ? reject(err) : resolve(ok))),
      );
      manager.register({ id: 'cb', type: 'amqplib', resource: { connection, queue, channels: [channel] } });
      for (let i = 0; i < 3; i++) channel.sendToQueue(queue, Buffer.from(`c${i}`));
      await waitFor(
        async () => {
          await manager.collectNow();
          return manager.getValue('cb', 'queue_depth') === 3;
        },
        15_000,
        'depth 3',
      );
      const first = await new Promise<amqpCallback.Message | false>((resolve, reject) =>
        channel.get(queue, {}, (err, m) => (err ? reject(err) : resolve(m))),
      );
      if (!first) throw new Error('expected a message');
      channel.ack(first);
      let got = 0;
      channel.consume(queue, (m) => {
        if (m) {
          got++;
          channel.ack(m);
        }
      });
      await waitFor(() => got === 2, 15_000, 'consumed');
      await manager.collectNow();
      expect(manager.getValue('cb', 'messages_published')).toBe(3);
      expect(manager.getValue('cb', 'messages_delivered')).toBe(3);
      expect(manager.getValue('cb', 'messages_acked')).toBe(3);
    } finally {
      await new Promise((r) => channel.deleteQueue(queue, {}, r));
      await manager.shutdown();
      await new Promise((r) => cbConnection.close(r));
      await connection.close();
      await monitor.shutdown();
    }
  });

  it('one channel watched for two queues counts each apart; the wrappers stay until the last one goes', async () => {
    const { monitor, manager } = setup();
    const q1 = uniqueName('otelkit-a');
    const q2 = uniqueName('otelkit-b');
    const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    const channel = await connection.createChannel();
    try {
      await channel.assertQueue(q1, { durable: false });
      await channel.assertQueue(q2, { durable: false });
      manager.register({
        id: 'a',
        type: 'amqplib',
        resource: { connection, queue: q1, channels: [channel] },
      });
      manager.register({
        id: 'b',
        type: 'amqplib',
        resource: { connection, queue: q2, channels: [channel] },
      });
      channel.sendToQueue(q1, Buffer.from('1'));
      channel.sendToQueue(q2, Buffer.from('2'));
      channel.sendToQueue(q2, Buffer.from('3'));
      let got = 0;
      await channel.consume(q2, () => got++, { noAck: true });
      await waitFor(() => got === 2, 15_000, 'q2 consumed');
      await manager.collectNow();
      expect(manager.getValue('a', 'messages_published')).toBe(1);
      expect(manager.getValue('b', 'messages_published')).toBe(2);
      expect(manager.getValue('b', 'messages_delivered')).toBe(2);
      expect(manager.getValue('a', 'messages_delivered')).toBe(0);
      manager.unregister('a');
      expect(Object.hasOwn(channel, 'publish')).toBe(true);
      channel.sendToQueue(q2, Buffer.from('4'));
      await waitFor(() => got === 3, 15_000, 'q2 consumed again');
      await manager.collectNow();
      expect(manager.getValue('b', 'messages_published')).toBe(3);
      manager.unregister('b');
      expect(Object.hasOwn(channel, 'publish')).toBe(false);
      expect(() =>
        manager.register({
          id: 'bad',
          type: 'amqplib',
          resource: { connection, queue: q1, channels: [{}] },
        }),
      ).toThrow(/channels must be amqplib channels/);
    } finally {
      await channel.deleteQueue(q1).catch(() => undefined);
      await channel.deleteQueue(q2).catch(() => undefined);
      await manager.shutdown();
      await connection.close();
      await monitor.shutdown();
    }
  });
});
