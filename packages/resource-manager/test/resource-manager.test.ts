import { DataPointType } from '@opentelemetry/sdk-metrics';
import { ResourceMonitor } from '@otelkit/resource-monitor';
import {
  ManagedResourceMonitor,
  ResourceManager,
  type ResourceRegistration,
  ResourceTypeMonitor,
} from '../src/index';
import { collectMetrics, createTestMeter, pointOf, waitFor } from './helpers';

interface FakeDb {
  readonly name: string;
  totalQueries: number;
  getStatistics(): Promise<{ totalQueries: number }>;
}

function fakeDb(name: string): FakeDb {
  const db: FakeDb = {
    name,
    totalQueries: 0,
    getStatistics: async () => ({ totalQueries: db.totalQueries }),
  };
  return db;
}

class DatabaseMonitor extends ResourceTypeMonitor<FakeDb> {
  constructor(manager: ResourceManager) {
    super(manager, { resourceType: 'database' });
  }
  setupMetrics() {
    this.addMetric({
      name: 'query_count',
      description: 'Queries run',
      type: 'counter',
      labels: ['query_type', 'database_name'],
    });
    this.addMetric('main-db', { type: 'gauge', name: 'connection_pool_usage', labels: [] });
  }
  async collectMetrics(resource: ResourceRegistration<FakeDb>) {
    const s = await resource.resource.getStatistics();
    this.updateMetric('query_count', s.totalQueries, { database_name: resource.name, query_type: 'all' });
    this.updateMetric('connection_pool_usage', s.totalQueries / 100);
  }
}

function setup(options: ConstructorParameters<typeof ResourceManager>[0] = {}) {
  const { provider, reader } = createTestMeter();
  const monitor = new ResourceMonitor({ intervalMillis: 60_000, hostMetricGroups: false });
  const manager = new ResourceManager({
    monitor,
    meter: provider.getMeter('test'),
    intervalMillis: 60_000,
    ...options,
  });
  return { provider, reader, monitor, manager };
}

describe('ResourceManager and ResourceTypeMonitor', () => {
  it('runs the DatabaseMonitor snippet: real OTel instruments with resource.id / resource.type and declared labels', async () => {
    const { provider, reader, monitor, manager } = setup();
    manager.registerTypeMonitor(new DatabaseMonitor(manager));
    const main = fakeDb('main');
    const replica = fakeDb('replica');
    manager.register({ id: 'main-db', type: 'database', resource: main, name: 'main' });
    manager.register({ id: 'replica-db', type: 'database', resource: replica, name: 'replica' });
    main.totalQueries = 12;
    replica.totalQueries = 3;
    await manager.collectNow();
    main.totalQueries = 20;
    await manager.collectNow();

    const metrics = await collectMetrics(reader);
    const counter = metrics.get('otelkit.resource.query_count');
    expect(counter?.dataPointType).toBe(DataPointType.SUM);
    expect((counter as { isMonotonic?: boolean }).isMonotonic).toBe(true);
    expect(counter?.descriptor.description).toBe('Queries run');
    expect(pointOf(metrics, 'otelkit.resource.query_count', { 'resource.id': 'main-db' })).toMatchObject({
      attributes: {
        'resource.id': 'main-db',
        'resource.type': 'database',
        database_name: 'main',
        query_type: 'all',
      },
      value: 20,
    });
    expect(pointOf(metrics, 'otelkit.resource.query_count', { 'resource.id': 'replica-db' })?.value).toBe(3);
    // The per-resource gauge exists for main-db only.
    const usage = metrics.get('otelkit.resource.connection_pool_usage');
    expect(usage?.dataPointType).toBe(DataPointType.GAUGE);
    expect(usage?.dataPoints.map((p) => p.attributes['resource.id'])).toEqual(['main-db']);
    expect(usage?.dataPoints[0]?.value).toBe(0.2);
    // Unlabelled values also reach the monitor (history and thresholds).
    expect(
      monitor.getHistory({ metric: 'connection_pool_usage', resourceId: 'main-db' }).map((p) => p.value),
    ).toEqual([0.12, 0.2]);
    await manager.shutdown();
    await monitor.shutdown();
    await provider.shutdown();
  });

  it('drops undeclared label keys and caps label sets per metric per resource, counting the drops', async () => {
    const { provider, reader, monitor, manager } = setup({ maxSeriesPerMetric: 3 });
    class Noisy extends ResourceTypeMonitor {
      constructor(m: ResourceManager) {
        super(m, { resourceType: 'noisy' });
      }
      setupMetrics() {
        this.addMetric({ name: 'requests', type: 'gauge', labels: ['route'] });
      }
      collectMetrics() {
        for (let i = 0; i < 10; i++) this.updateMetric('requests', i, { route: `/r${i}`, user_id: `u${i}` });
      }
    }
    manager.registerTypeMonitor(new Noisy(manager));
    manager.register({ id: 'api', type: 'noisy', resource: {} });
    await manager.collectNow();
    const points = (await collectMetrics(reader)).get('otelkit.resource.requests')?.dataPoints ?? [];
    expect(points).toHaveLength(3);
    for (const p of points)
      expect(Object.keys(p.attributes).sort()).toEqual(['resource.id', 'resource.type', 'route']);
    expect(manager.getCounters().seriesDropped).toBe(7);
    await manager.shutdown();
    await monitor.shutdown();
    await provider.shutdown();
  });

  it('a hanging or throwing collectMetrics is bounded and counted; others are still collected; never started twice', async () => {
    const { provider, monitor, manager } = setup({ collectTimeoutMillis: 100 });
    let calls = 0;
    class Hanging extends ResourceTypeMonitor {
      constructor(m: ResourceManager) {
        super(m, { resourceType: 'hanging' });
      }
      setupMetrics() {
        this.addMetric({ name: 'v', type: 'gauge' });
      }
      collectMetrics(r: ResourceRegistration) {
        if (r.id === 'hang') {
          calls++;
          return new Promise<void>(() => undefined);
        }
        if (r.id === 'throw') throw new Error('boom');
        this.updateMetric('v', 5);
      }
    }
    manager.registerTypeMonitor(new Hanging(manager));
    for (const id of ['hang', 'throw', 'ok']) manager.register({ id, type: 'hanging', resource: {} });
    await manager.collectNow();
    await manager.collectNow();
    expect(manager.getValue('ok', 'v')).toBe(5);
    expect(calls).toBe(1);
    expect(manager.getCounters()).toMatchObject({ collectTimeouts: 1, collectErrors: 2, collections: 2 });
    await manager.shutdown();
    await manager.shutdown();
    await monitor.shutdown();
    await provider.shutdown();
  });

  it('start() collects at once and then every interval with an unref()ed timer; stop() halts it', async () => {
    const { provider, monitor, manager } = setup({ intervalMillis: 50 });
    let n = 0;
    class Counter extends ResourceTypeMonitor {
      constructor(m: ResourceManager) {
        super(m, { resourceType: 'c' });
      }
      setupMetrics() {
        this.addMetric({ name: 'n', type: 'gauge' });
      }
      collectMetrics() {
        this.updateMetric('n', ++n);
      }
    }
    manager.registerTypeMonitor(new Counter(manager));
    manager.register({ id: 'x', type: 'c', resource: {} });
    await manager.start();
    expect(n).toBe(1);
    // Two more collections come from the timer (bounded wait: a fixed sleep flakes on a loaded machine).
    await waitFor(() => n >= 3, 10_000, 'two timer collections');
    await manager.stop();
    const stopped = n;
    await new Promise((r) => setTimeout(r, 200));
    expect(n).toBe(stopped);
    await manager.shutdown();
    await monitor.shutdown();
    await provider.shutdown();
  });

  it('rejects bad options and registrations with errors naming the field', () => {
    expect(() => new ResourceManager({ intervalMillis: 0 })).toThrow(
      /intervalMillis must be an integer from 10/,
    );
    expect(() => new ResourceManager({ monitor: {} as never })).toThrow(
      /options.monitor must be a ResourceMonitor/,
    );
    const manager = new ResourceManager();
    expect(() => manager.register({ id: 'bad id!', type: 'pg', resource: {} })).toThrow(
      /resource id must match/,
    );
    expect(() => manager.register({ id: 'a', type: '', resource: {} })).toThrow(
      /type must be a non-empty string/,
    );
    expect(() => manager.register({ id: 'a', type: 'x', resource: {}, category: 'nosql' as never })).toThrow(
      /category must be one of database, cache, queue, http, pool, custom/,
    );
    manager.register({ id: 'a', type: 'x', resource: {} });
    expect(() => manager.register({ id: 'a', type: 'x', resource: {} })).toThrow(/already registered/);
    class Bad extends ResourceTypeMonitor {
      constructor(m: ResourceManager) {
        super(m, { resourceType: 'bad' });
      }
      setupMetrics() {
        this.addMetric({ name: 'x', type: 'summary' as never });
      }
      collectMetrics() {}
    }
    expect(() => manager.registerTypeMonitor(new Bad(manager))).toThrow(
      /type must be one of gauge, counter, updowncounter, histogram/,
    );
    expect(() => manager.configureAnomalyDetection({ resourceId: 'a', metric: 'm' })).toThrow(
      /setAnomalyDetector/,
    );
  });

  it('updateMetric never throws into user code, even for unknown metrics or outside a collection', () => {
    const manager = new ResourceManager();
    class K extends ResourceTypeMonitor {
      constructor(m: ResourceManager) {
        super(m, { resourceType: 'k' });
      }
      setupMetrics() {
        this.addMetric({ name: 'g', type: 'gauge' });
      }
      collectMetrics() {}
    }
    const k = new K(manager);
    manager.registerTypeMonitor(k);
    manager.register({ id: 'r', type: 'k', resource: {} });
    expect(() => k.updateMetric('nope', 1)).not.toThrow();
    expect(() => k.updateMetric('g', 1)).not.toThrow();
    expect(manager.getValue('r', 'g')).toBeUndefined();
    k.updateMetric('g', 2, undefined, 'r');
    expect(manager.getValue('r', 'g')).toBe(2);
  });
});

describe('ManagedResourceMonitor', () => {
  it('takes resource kinds with registerTypeMonitor (the uno form) and drives the manager with start/stop', async () => {
    const { provider, reader } = createTestMeter();
    const resourceMonitor = new ManagedResourceMonitor({
      intervalMillis: 50,
      hostMetricGroups: false,
      meter: provider.getMeter('test'),
    });
    const manager = resourceMonitor.resources;
    resourceMonitor.registerTypeMonitor(new DatabaseMonitor(manager));
    const db = fakeDb('main');
    db.totalQueries = 5;
    manager.register({ id: 'main-db', type: 'database', resource: db });
    resourceMonitor.setThreshold({ resourceId: 'main-db', metric: 'connection_pool_usage', critical: 0.5 });
    const fired: string[] = [];
    resourceMonitor.onThresholdExceeded((metric, _v, _t, info) => {
      fired.push(`${info.event.resourceId}/${metric}:${info.state}:${info.level}`);
    });
    await resourceMonitor.start();
    expect(manager.isRunning).toBe(true);
    db.totalQueries = 60;
    await waitFor(() => fired.length === 1, 10_000, 'critical alert');
    expect(fired).toEqual(['main-db/connection_pool_usage:firing:critical']);
    const metrics = await collectMetrics(reader);
    expect(pointOf(metrics, 'otelkit.resource.query_count', { 'resource.id': 'main-db' })?.value).toBe(60);
    await resourceMonitor.stop();
    expect(manager.isRunning).toBe(false);
    await resourceMonitor.shutdown();
    await resourceMonitor.shutdown();
    await provider.shutdown();
  });
});
