// uno calls these on the resource monitor itself (`resource_monitor.add_metric(...)`,
// `discover_resources(resource_type=...)`, `generate_report(start_time=..., end_time=...)`, ...);
// they used to live only on `.resources`. They delegate to the manager.

import { HealthRegistry } from '@otelkit/resource-monitor';
import * as pg from 'pg';
import {
  AnomalyDetector,
  CustomResourceMonitor,
  ManagedResourceMonitor,
  ResourceHealthAdapter,
  type ResourceManager,
} from '../../src/index';
import { collectMetrics, createTestMeter, pointOf } from '../helpers';

jest.setTimeout(30_000);

function monitorWithDb(): {
  monitor: ManagedResourceMonitor;
  reader: ReturnType<typeof createTestMeter>['reader'];
} {
  const { provider, reader } = createTestMeter();
  const monitor = new ManagedResourceMonitor({
    interval: 60,
    hostMetricGroups: false,
    meter: provider.getMeter('t'),
  });
  monitor.registerTypeMonitor(new CustomResourceMonitor(monitor.resources));
  monitor.resources.register({ id: 'main-db', type: 'custom', resource: { collect: () => ({}) } });
  return { monitor, reader };
}

describe('ManagedResourceMonitor: uno entry points', () => {
  it('addMetric(resourceId, gauge) declares a labelled gauge whose values reach the meter', async () => {
    const { monitor, reader } = monitorWithDb();
    const usage = monitor.addMetric('main-db', {
      name: 'connection_pool_usage',
      description: 'Current usage of the database connection pool',
      labels: ['database_name', 'pool_id'],
    });
    usage.set(0.42, { database_name: 'orders', pool_id: 'main', other: 'dropped' });
    const metrics = await collectMetrics(reader);
    const m = metrics.get('otelkit.resource.connection_pool_usage');
    expect(m?.descriptor.description).toBe('Current usage of the database connection pool');
    const p = pointOf(metrics, 'otelkit.resource.connection_pool_usage', { 'resource.id': 'main-db' });
    expect(p?.value).toBe(0.42);
    expect(p?.attributes).toMatchObject({ database_name: 'orders', pool_id: 'main' });
    expect(p?.attributes.other).toBeUndefined();
    expect(() => monitor.addMetric('main-db', { name: 'connection_pool_usage', type: 'counter' })).toThrow(
      'ResourceManager.addMetric: connection_pool_usage is already a gauge, not a counter',
    );
    expect(() => monitor.addMetric('main-db', { name: 'x', descripton: 'typo' } as never)).toThrow(
      'unknown option "descripton" (did you mean "description"?)',
    );
    await monitor.shutdown();
  });

  it('an unlabelled addMetric gauge goes to the alert engine: a resource threshold fires on it', async () => {
    const { monitor } = monitorWithDb();
    const fired: string[] = [];
    monitor.onAlert((e) => {
      if (e.state === 'firing') fired.push(`${e.resourceId}/${e.metric}:${e.level}`);
    });
    const usage = monitor.addMetric('main-db', { name: 'pool_usage' });
    monitor.setThreshold({ resourceId: 'main-db', metric: 'pool_usage', warning: 0.7, critical: 0.9 });
    usage.set(0.95);
    await monitor.flushAlerts();
    expect(fired).toEqual(['main-db/pool_usage:critical']);
    expect(usage.get()).toBe(0.95);
    await monitor.shutdown();
  });

  it("discoverResources({ resourceType: 'database' }) and discoverAllResources() hook through the manager", async () => {
    const monitor = new ManagedResourceMonitor({ interval: 60, hostMetricGroups: false });
    await monitor.start();
    const handle = monitor.discoverResources({ resourceType: 'database' });
    expect(handle.kinds).toEqual(['pg', 'mysql2']);
    const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 2 });
    try {
      expect(monitor.resources.getResources({ type: 'pg' }).map((r) => r.id)).toEqual(['pg-1']);
    } finally {
      handle.stop();
      await pool.end();
    }
    const all = monitor.discoverAllResources();
    expect(all.kinds).toContain('ioredis');
    all.stop();
    expect(() => monitor.discoverResources({ resource_type: 'database' } as never)).toThrow(
      'option "resource_type" is spelled "resourceType" here',
    );
    await monitor.shutdown();
  });

  it('generateReport({ startTime, endTime }) is the manager report over that window', async () => {
    const { monitor } = monitorWithDb();
    const g = monitor.addMetric('main-db', { name: 'pool_usage' });
    g.set(0.5);
    const now = Date.now();
    const report = monitor.generateReport({
      startTime: new Date(now - 24 * 3600_000),
      endTime: new Date(now + 1000),
    });
    expect(report.rows.find((r) => r.metric === 'pool_usage')).toMatchObject({
      resourceId: 'main-db',
      last: 0.5,
    });
    const empty = monitor.generateReport({ startTime: now + 10_000, endTime: now + 20_000 });
    expect(empty.rows.filter((r) => r.metric === 'pool_usage')).toEqual([]);
    expect(() => monitor.generateReport({ start: now, startTime: now })).toThrow(
      'generateReport: give start or startTime, not both',
    );
    expect(() => monitor.generateReport({ start_time: now } as never)).toThrow(
      'option "start_time" is spelled "startTime" here',
    );
    await monitor.shutdown();
  });

  it('setAnomalyDetector / configureAnomalyDetection on the monitor configure the manager', async () => {
    const { monitor } = monitorWithDb();
    expect(() => monitor.configureAnomalyDetection({ resourceId: 'main-db', metric: 'q' })).toThrow(
      'configureAnomalyDetection needs setAnomalyDetector',
    );
    const detector = new AnomalyDetector();
    monitor.setAnomalyDetector(detector);
    expect(monitor.resources.anomalyDetector).toBe(detector);
    monitor.configureAnomalyDetection({
      resourceId: 'main-db',
      metric: 'query_duration',
      sensitivity: 0.8,
      trainingPeriod: '7d',
    });
    expect(() =>
      monitor.configureAnomalyDetection({ resourceId: 'main-db', metric_name: 'q' } as never),
    ).toThrow('configureAnomalyDetection: unknown option "metric_name"');
    await monitor.shutdown();
  });

  it('generateDependencyGraph() is the manager graph', async () => {
    const { monitor } = monitorWithDb();
    const graph = monitor.generateDependencyGraph();
    expect(graph.nodes.map((n) => n.id)).toContain('resource:main-db');
    expect(graph.toDot()).toContain('"resource:main-db"');
    await monitor.shutdown();
  });
});

describe('HealthRegistry.registerAdapter (uno health integration)', () => {
  it('ResourceHealthAdapter(manager, monitor) adds its checks when the registry registers it', async () => {
    const monitor = new ManagedResourceMonitor({ interval: 60, hostMetricGroups: false });
    const manager: ResourceManager = monitor.resources;
    manager.registerTypeMonitor(new CustomResourceMonitor(manager));
    manager.register({
      id: 'main-db',
      type: 'custom',
      resource: { collect: () => ({}), health: () => false },
    });
    const healthRegistry = new HealthRegistry();
    const adapter = new ResourceHealthAdapter(manager, monitor);
    expect(healthRegistry.names()).toEqual([]);
    const remove = healthRegistry.registerAdapter(adapter);
    expect(healthRegistry.names()).toEqual(['resource:main-db']);
    manager.register({ id: 'cache', type: 'custom', resource: { collect: () => ({}) } });
    expect(healthRegistry.names()).toEqual(['resource:main-db', 'resource:cache']);
    const report = await healthRegistry.check('readiness');
    expect(report.status).toBe('fail');
    expect(() => new HealthRegistry().registerAdapter(adapter)).toThrow(
      'already attached to another HealthRegistry',
    );
    remove();
    expect(healthRegistry.names()).toEqual([]);
    expect(() => healthRegistry.registerAdapter({} as never)).toThrow(
      'needs an adapter with attach(registry)',
    );
    expect(() => new ResourceHealthAdapter(manager, {} as never)).toThrow(
      'the second argument must be a HealthRegistry or the ResourceMonitor',
    );
    await monitor.shutdown();
  });

  it('HealthRegistry and its checks reject unknown options', () => {
    expect(() => new HealthRegistry({ cacheMilis: 5 } as never)).toThrow(
      'HealthRegistry: unknown option "cacheMilis" (did you mean "cacheMillis"?)',
    );
    expect(() =>
      new HealthRegistry().register({ name: 'x', check: () => true, timeout: 5 } as never),
    ).toThrow('health check "x": unknown option "timeout"');
  });
});
