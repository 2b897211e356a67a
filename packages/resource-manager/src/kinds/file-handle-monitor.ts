import { readdir, readFile } from 'node:fs/promises';
import { ResourceTypeMonitor } from '../resource-type-monitor';
import type { ResourceHealth, ResourceHost, ResourceRegistration } from '../types';

/** What to register for the `file-handles` kind: the process (this one by default). */
export interface FileHandleResource {
  /** `/proc/<pid>`. @default '/proc/self' */
  readonly procDir?: string;
  /** Health fails above this usage (0..1). @default 0.9 */
  readonly maxUsage?: number;
}

/**
 * Open file handles of a process (resource type `file-handles`, Linux): `open_fds` (entries of
 * `/proc/<pid>/fd`), `max_fds` (soft "Max open files" of `/proc/<pid>/limits`), `fd_usage`
 * (open / max) and `healthy` (usage at most `maxUsage`). Elsewhere the collection fails and is counted.
 *
 * @example
 * manager.register({ id: 'fds', type: 'file-handles', resource: {} });
 */
export class FileHandleMonitor extends ResourceTypeMonitor<FileHandleResource> {
  constructor(manager: ResourceHost) {
    super(manager, { resourceType: 'file-handles' });
  }

  setupMetrics(): void {
    this.addMetric({ name: 'open_fds', type: 'gauge', unit: '{file}', description: 'Open file descriptors' });
    this.addMetric({
      name: 'max_fds',
      type: 'gauge',
      unit: '{file}',
      description: 'Soft limit of open files',
    });
    this.addMetric({ name: 'fd_usage', type: 'gauge', unit: '1', description: 'Open / soft limit' });
    this.addMetric({
      name: 'healthy',
      type: 'gauge',
      unit: '1',
      description: '1 while usage is at most maxUsage',
    });
  }

  async collectMetrics(r: ResourceRegistration<FileHandleResource>): Promise<void> {
    const h = await this.checkHealth(r);
    const d = h.details as { open: number; max: number; usage: number };
    this.updateMetric('open_fds', d.open);
    if (Number.isFinite(d.max)) {
      this.updateMetric('max_fds', d.max);
      this.updateMetric('fd_usage', d.usage);
    }
    this.updateMetric('healthy', h.healthy ? 1 : 0);
  }

  override async checkHealth(r: ResourceRegistration<FileHandleResource>): Promise<ResourceHealth> {
    const dir = r.resource?.procDir ?? '/proc/self';
    const maxUsage = r.resource?.maxUsage ?? 0.9;
    const [entries, limits] = await Promise.all([readdir(`${dir}/fd`), readFile(`${dir}/limits`, 'utf8')]);
    const m = /^Max open files\s+(\S+)/m.exec(limits);
    const max = m && m[1] !== 'unlimited' ? Number(m[1]) : Number.POSITIVE_INFINITY;
    // readdir itself holds one descriptor on the directory while listing.
    const open = Math.max(0, entries.length - 1);
    const usage = Number.isFinite(max) && max > 0 ? open / max : 0;
    return {
      healthy: usage <= maxUsage,
      message: `${open} of ${Number.isFinite(max) ? max : 'unlimited'} file descriptors open`,
      details: { open, max, usage },
    };
  }
}
