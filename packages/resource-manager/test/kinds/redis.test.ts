import { ResourceMonitor } from '@otelkit/resource-monitor';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RedisClientMonitor, ResourceManager } from '../../src/index';
import { collectMetrics, createTestMeter, histCount, pointOf, type TestReader } from '../helpers';

jest.setTimeout(60_000);

describe('Redis clients against the local Redis', () => {
  let manager: ResourceManager;
  let monitor: ResourceMonitor;
  let reader: TestReader;
  let provider: ReturnType<typeof createTestMeter>['provider'];

  beforeEach(() => {
    ({ provider, reader } = createTestMeter());
    monitor = new ResourceMonitor({ intervalMillis: 60_000, hostMetricGroups: false });
    manager = new ResourceManager({ monitor, meter: provider.getMeter('test'), intervalMillis: 60_000 });
  });

  afterEach(async () => {
    await manager.shutdown();
    await monitor.shutdown();
    await provider.shutdown();
  });

  it('ioredis: reports connection state and PING latency; CLIENT PAUSE makes it unhealthy with pending commands, then it recovers', async () => {
    manager.registerTypeMonitor(
      new RedisClientMonitor(manager, { resourceType: 'ioredis', probeTimeoutMillis: 1000 }),
    );
    const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    const admin = new Redis({ host: '127.0.0.1', port: 6379 });
    try {
      manager.register({ id: 'cache', type: 'ioredis', resource: client });
      await manager.collectNow();
      expect(manager.getValue('cache', 'connected')).toBe(0); // not connected yet
      expect(await manager.checkResource('cache')).toMatchObject({ healthy: false });

      await client.connect();
      await manager.collectNow();
      expect(manager.getValue('cache', 'connected')).toBe(1);
      expect(manager.getValue('cache', 'healthy')).toBe(1);
      const latency = manager.getValue('cache', 'command_latency_last')!;
      expect(latency).toBeGreaterThan(0);
      expect(latency).toBeLessThan(1);
      const metrics = await collectMetrics(reader);
      const hist = pointOf(metrics, 'otelkit.resource.command_latency', {
        'resource.id': 'cache',
        'resource.type': 'ioredis',
      });
      expect(histCount(hist)).toBe(1);
      expect(manager.getResource('cache')?.peer).toBe('127.0.0.1:6379');

      // The server stops answering every client for 4 s.
      await admin.call('CLIENT', 'PAUSE', '4000', 'ALL');
      const during = await manager.checkResource('cache');
      expect(during.healthy).toBe(false);
      expect(during.message).toMatch(/no PING answer/);
      await manager.collectNow();
      expect(manager.getValue('cache', 'healthy')).toBe(0);
      expect(manager.getValue('cache', 'pending_commands')).toBeGreaterThanOrEqual(1);
      expect(manager.getValue('cache', 'errors')).toBeGreaterThanOrEqual(2);

      // Once the pause is over, it answers again.
      const deadline = Date.now() + 20_000;
      let after = await manager.checkResource('cache');
      while (!after.healthy && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        after = await manager.checkResource('cache');
      }
      expect(after.healthy).toBe(true);
      await manager.collectNow();
      expect(manager.getValue('cache', 'healthy')).toBe(1);
      expect(manager.getValue('cache', 'pending_commands')).toBe(0);
    } finally {
      client.disconnect();
      admin.disconnect();
    }
  });

  it('redis (node-redis): latency while connected; after quit it reports disconnected and unhealthy', async () => {
    manager.registerTypeMonitor(
      new RedisClientMonitor(manager, { resourceType: 'redis', probeTimeoutMillis: 1000 }),
    );
    const client = createClient({ socket: { host: '127.0.0.1', port: 6379 } });
    client.on('error', () => undefined);
    await client.connect();
    manager.register({ id: 'sessions', type: 'redis', resource: client });
    await manager.collectNow();
    expect(manager.getValue('sessions', 'connected')).toBe(1);
    expect(manager.getValue('sessions', 'command_latency_last')).toBeGreaterThan(0);
    expect(manager.getResource('sessions')).toMatchObject({ category: 'cache', peer: '127.0.0.1:6379' });
    await client.close();
    await manager.collectNow();
    expect(manager.getValue('sessions', 'connected')).toBe(0);
    expect(await manager.checkResource('sessions')).toMatchObject({ healthy: false });
  });
});
