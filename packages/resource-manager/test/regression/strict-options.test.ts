// Regression: unknown options of the resource manager and the anomaly detector were ignored, so a
// typo ran with the default. They are errors naming the key, like the config file's.
import { ResourceMonitor } from '@otelkit/resource-monitor';
import {
  AnomalyDetector,
  CustomResourceMonitor,
  createResourceManager,
  ManagedResourceMonitor,
  PeerCollector,
  RedisClientMonitor,
  ResourceManager,
  ResourceTypeMonitor,
} from '../../src/index';

describe('strict options', () => {
  it('ResourceManager names the unknown option', () => {
    expect(() => new ResourceManager({ interval_millis: 1000 } as never)).toThrow(
      'ResourceManager: option "interval_millis" is spelled "intervalMillis" here; allowed: meter, monitor, intervalMillis,',
    );
    expect(() => new ResourceManager({ maxResorces: 5 } as never)).toThrow(
      'unknown option "maxResorces" (did you mean "maxResources"?)',
    );
  });

  it('AnomalyDetector names the unknown option', () => {
    expect(() => new AnomalyDetector({ windowsize: 60 } as never)).toThrow(
      'AnomalyDetector: unknown option "windowsize" (did you mean "windowSize"?)',
    );
    expect(new AnomalyDetector({ windowSize: 60 }).windowSize).toBe(60);
  });

  it('ManagedResourceMonitor takes the monitor options plus `resources`', async () => {
    const m = new ManagedResourceMonitor({
      interval: 60,
      hostMetricGroups: false,
      resources: { maxResources: 5 },
    });
    await m.shutdown();
    expect(() => new ManagedResourceMonitor({ interval: 60, resource: {} } as never)).toThrow(
      'unknown option "resource" (did you mean "resources"?)',
    );
  });

  it('new ResourceMonitor(resourceManager), as uno writes it, names ManagedResourceMonitor', async () => {
    const manager = new ResourceManager();
    expect(() => new ResourceMonitor(manager as never)).toThrow(
      /ResourceMonitor: got a resource manager, not options\. For a monitor with resources, use `new ManagedResourceMonitor\(options\)`/,
    );
    await manager.shutdown();
  });

  it('createResourceManager with the slice and hand-written options', async () => {
    const manager = createResourceManager({ interval: 60, kinds: ['custom'] });
    expect(manager.intervalMillis).toBe(60_000);
    await manager.shutdown();
  });
});

describe('strict options of kinds, collectors and the factory', () => {
  it('ResourceTypeMonitor, CustomResourceMonitor, RedisClientMonitor, PeerCollector, createResourceManager', async () => {
    const manager = new ResourceManager();
    class Db extends ResourceTypeMonitor {
      constructor() {
        super(manager, { resourceType: 'database', resource_type: 'x' } as never);
      }
      setupMetrics(): void {}
      async collectMetrics(): Promise<void> {}
    }
    expect(() => new Db()).toThrow(
      'ResourceTypeMonitor("database"): option "resource_type" is spelled "resourceType" here; allowed: resourceType',
    );
    expect(() => new CustomResourceMonitor(manager, { maxMetric: 3 } as never)).toThrow(
      'CustomResourceMonitor: unknown option "maxMetric" (did you mean "maxMetrics"?)',
    );
    expect(() => new RedisClientMonitor(manager, { probeTimeout: 5 } as never)).toThrow(
      'RedisClientMonitor: unknown option "probeTimeout" (did you mean "probeTimeoutMillis"?)',
    );
    expect(() => new PeerCollector({ maxPeer: 3 } as never)).toThrow(
      'PeerCollector: unknown option "maxPeer" (did you mean "maxPeers"?)',
    );
    expect(() => createResourceManager({ interval: 60 }, { monitr: undefined } as never)).toThrow(
      'createResourceManager: options: unknown option "monitr" (did you mean "monitor"?)',
    );
    await manager.shutdown();
  });
});
