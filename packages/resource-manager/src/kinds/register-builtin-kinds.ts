import { RESOURCE_KINDS, type ResourceKindName } from '@otelkit/config';
import type { ResourceHost } from '../types';
import { AmqpQueueMonitor } from './amqp-queue-monitor';
import { CustomResourceMonitor } from './custom-resource-monitor';
import { FileHandleMonitor } from './file-handle-monitor';
import { GenericPoolMonitor } from './generic-pool-monitor';
import { HttpAgentMonitor } from './http-agent-monitor';
import { Mysql2PoolMonitor } from './mysql2-pool-monitor';
import { PgPoolMonitor } from './pg-pool-monitor';
import { PiscinaMonitor } from './piscina-monitor';
import { RedisClientMonitor } from './redis-client-monitor';
import { UndiciAgentMonitor } from './undici-agent-monitor';
import { WorkerpoolMonitor } from './workerpool-monitor';

/** Resource types with a built-in monitor. */
/** The built-in kinds: `RESOURCE_KINDS` of `@otelkit/config` (the one list, also the `pools.kinds` values). */
const BUILTIN_KINDS = RESOURCE_KINDS;
export type BuiltinKind = ResourceKindName;

/**
 * Registers the built-in kinds (all by default) that are not registered yet. None of them loads its
 * driver library: they read the objects you register.
 */
export function registerBuiltinKinds(
  manager: ResourceHost,
  kinds: readonly BuiltinKind[] = BUILTIN_KINDS,
): void {
  for (const kind of kinds) {
    if (!BUILTIN_KINDS.includes(kind))
      throw new Error(
        `registerBuiltinKinds: unknown kind ${JSON.stringify(kind)}; known: ${BUILTIN_KINDS.join(', ')}`,
      );
    if (manager.getTypeMonitor(kind)) continue;
    manager.registerTypeMonitor(create(manager, kind));
  }
}

function create(manager: ResourceHost, kind: BuiltinKind) {
  switch (kind) {
    case 'pg':
      return new PgPoolMonitor(manager);
    case 'mysql2':
      return new Mysql2PoolMonitor(manager);
    case 'ioredis':
      return new RedisClientMonitor(manager, { resourceType: 'ioredis' });
    case 'redis':
      return new RedisClientMonitor(manager, { resourceType: 'redis' });
    case 'amqplib':
      return new AmqpQueueMonitor(manager);
    case 'generic-pool':
      return new GenericPoolMonitor(manager);
    case 'http-agent':
      return new HttpAgentMonitor(manager);
    case 'undici-agent':
      return new UndiciAgentMonitor(manager);
    case 'piscina':
      return new PiscinaMonitor(manager);
    case 'workerpool':
      return new WorkerpoolMonitor(manager);
    case 'file-handles':
      return new FileHandleMonitor(manager);
    case 'custom':
      return new CustomResourceMonitor(manager);
  }
}
