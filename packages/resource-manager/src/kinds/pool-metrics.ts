import type { MetricDefinition } from '../types';

/** Metric names shared by every pool kind (pg, mysql2, generic-pool, http-agent). */
export const POOL_METRICS = {
  size: 'connection_pool_size',
  max: 'connection_pool_max',
  inUse: 'connection_pool_in_use',
  idle: 'connection_pool_idle',
  waiting: 'connection_pool_waiting',
  usage: 'connection_pool_usage',
  acquireWait: 'connection_pool_acquire_wait',
  errors: 'errors',
  healthy: 'healthy',
} as const;

export const POOL_DEFINITIONS: readonly MetricDefinition[] = [
  {
    name: POOL_METRICS.size,
    type: 'gauge',
    unit: '{connection}',
    description: 'Connections open (in use + idle)',
  },
  {
    name: POOL_METRICS.max,
    type: 'gauge',
    unit: '{connection}',
    description: 'Most connections the pool opens',
  },
  { name: POOL_METRICS.inUse, type: 'gauge', unit: '{connection}', description: 'Connections checked out' },
  { name: POOL_METRICS.idle, type: 'gauge', unit: '{connection}', description: 'Connections open and free' },
  {
    name: POOL_METRICS.waiting,
    type: 'gauge',
    unit: '{request}',
    description: 'Callers waiting for a connection',
  },
  { name: POOL_METRICS.usage, type: 'gauge', unit: '1', description: 'In use / max (0..1)' },
  {
    name: POOL_METRICS.acquireWait,
    type: 'histogram',
    unit: 's',
    description: 'Time from asking the pool for a connection to getting it (or failing)',
  },
  {
    name: POOL_METRICS.errors,
    type: 'counter',
    unit: '{error}',
    description: 'Errors: failed acquisitions and resource error events',
  },
  {
    name: POOL_METRICS.healthy,
    type: 'gauge',
    unit: '1',
    description: '1 when the resource is usable, else 0',
  },
];
