// uno resource monitoring — "Resource Dependency Mapping".
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AmqpQueueMonitor,
  type DependencyGraph,
  ManagedResourceMonitor,
  PgPoolMonitor,
  RedisClientMonitor,
} from '@otelkit/resource-manager';
import * as amqp from 'amqplib';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { POSTGRES, RABBITMQ_URL, REDIS, runIfMain } from '../services';

export async function main(
  dir = tmpdir(),
): Promise<{ dependencyGraph: DependencyGraph; dotPath: string; jsonPath: string }> {
  const resourceMonitor = new ManagedResourceMonitor();
  const manager = resourceMonitor.resources;
  manager.registerTypeMonitor(new PgPoolMonitor(manager));
  manager.registerTypeMonitor(new RedisClientMonitor(manager));
  manager.registerTypeMonitor(new AmqpQueueMonitor(manager));
  const pool = new Pool({ ...POSTGRES, max: 2 });
  const redis = new Redis({ ...REDIS, lazyConnect: true });
  await redis.connect();
  const connection = await amqp.connect(RABBITMQ_URL);
  const queue = `otelkit-seed-graph-${process.pid}`;
  const setup = await connection.createChannel();
  await setup.assertQueue(queue, { autoDelete: true });
  manager.register({ id: 'main-db', type: 'pg', resource: pool });
  manager.register({ id: 'cache', type: 'ioredis', resource: redis });
  manager.register({ id: 'jobs', type: 'amqplib', resource: { connection, queue } });
  try {
    // Generate a dependency graph
    const dependencyGraph = resourceMonitor.generateDependencyGraph();

    // Export as various formats
    const dotPath = join(dir, `otelkit-dependencies-${process.pid}.dot`);
    const jsonPath = join(dir, `otelkit-dependencies-${process.pid}.json`);
    await dependencyGraph.exportDot(dotPath);
    await dependencyGraph.exportJson(jsonPath);
    return { dependencyGraph, dotPath, jsonPath };
  } finally {
    await resourceMonitor.shutdown();
    await setup.deleteQueue(queue).catch(() => undefined);
    await connection.close();
    redis.disconnect();
    await pool.end();
  }
}

runIfMain(module, async () => {
  const { dotPath } = await main();
  console.log(`dot -Tsvg ${dotPath} > deps.svg`);
});
