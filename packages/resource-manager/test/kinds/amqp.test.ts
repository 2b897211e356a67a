import { ResourceMonitor } from '@otelkit/resource-monitor';
import * as amqp from 'amqplib';
import { AmqpQueueMonitor, ResourceManager } from '../../src/index';
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
      await manager.shutdown(2000);
      await connection.close();
      await monitor.shutdown(2000);
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
    await manager.shutdown(2000);
    await monitor.shutdown(2000);
  });
});
