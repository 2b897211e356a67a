// mtaio.monitoring — "Best Practices / Performance Optimization": OptimizedMonitor.
import { ResourceMonitor } from '@otelkit/resource-monitor';
import { runIfMain } from '../services';

export class OptimizedMonitor extends ResourceMonitor {
  private readonly _metricsCache = new Map<string, { value: number; timestamp: number }>();
  collections = 0;

  constructor() {
    super({ interval: 5.0 }); // Reduce collection frequency
  }

  async getMetric(name: string): Promise<number> {
    const cached = this._metricsCache.get(name);
    if (cached !== undefined) {
      if (Date.now() / 1000 - cached.timestamp < 1.0) {
        return cached.value;
      }
    }

    const value = await this._collectMetric(name);
    this._metricsCache.set(name, {
      value,
      timestamp: Date.now() / 1000,
    });
    return value;
  }

  private async _collectMetric(name: string): Promise<number> {
    this.collections++;
    const stats = await this.getCurrentStats();
    if (name === 'cpu_usage') return stats.cpu.usagePercent;
    if (name === 'memory_usage') return stats.memory.percent;
    throw new Error(`unknown metric ${name}`);
  }
}

export async function main(): Promise<{ first: number; second: number; collections: number }> {
  const monitor = new OptimizedMonitor();
  const first = await monitor.getMetric('memory_usage');
  const second = await monitor.getMetric('memory_usage'); // from the cache
  await monitor.shutdown();
  return { first, second, collections: monitor.collections };
}

runIfMain(module, main);
