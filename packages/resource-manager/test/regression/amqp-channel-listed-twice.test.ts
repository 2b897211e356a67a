import * as amqp from 'amqplib';
import { AmqpQueueMonitor, ResourceManager } from '../../src/index';
import { uniqueName, waitFor } from '../helpers';

jest.setTimeout(30_000);

// Bug: a channel named twice in `channels` (the app's publish and consume channels being the same
// object) was watched twice, so every message of the queue was counted twice.
describe('regression: amqplib channel listed twice', () => {
  it('counts each message once and unregistering still restores the channel', async () => {
    const manager = new ResourceManager({ intervalMillis: 60_000 });
    manager.registerTypeMonitor(new AmqpQueueMonitor(manager));
    const queue = uniqueName('otelkit-twice');
    const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    const channel = await connection.createChannel();
    const publishChannel = channel;
    const consumeChannel = channel;
    try {
      await channel.assertQueue(queue, { durable: false });
      manager.register({
        id: 'jobs',
        type: 'amqplib',
        resource: { connection, queue, channels: [publishChannel, consumeChannel] },
      });
      for (let i = 0; i < 3; i++) channel.sendToQueue(queue, Buffer.from(`m${i}`));
      let got = 0;
      await channel.consume(queue, (m) => {
        if (m) {
          got++;
          channel.ack(m);
        }
      });
      await waitFor(() => got === 3, 15_000, 'three consumed');
      await manager.collectNow();
      expect(manager.getValue('jobs', 'messages_published')).toBe(3);
      expect(manager.getValue('jobs', 'messages_delivered')).toBe(3);
      expect(manager.getValue('jobs', 'messages_acked')).toBe(3);
      manager.unregister('jobs');
      expect(Object.hasOwn(channel, 'publish')).toBe(false);
      expect(Object.hasOwn(channel, 'ack')).toBe(false);
    } finally {
      await channel.deleteQueue(queue).catch(() => undefined);
      await manager.shutdown();
      await connection.close();
    }
  });
});
