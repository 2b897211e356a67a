// mtaio.monitoring — "System Statistics": SystemStats { timestamp, cpu, memory, io }.
// otelkit's fields are camelCase and the timestamp says its unit: `timestampMillis`.
import { ResourceMonitor, type SystemStats } from '@otelkit/resource-monitor';
import { runIfMain } from '../services';

export async function main(): Promise<SystemStats> {
  const monitor = new ResourceMonitor();
  const stats: SystemStats = await monitor.getCurrentStats();
  const timestamp = stats.timestampMillis / 1000; // mtaio's timestamp: float seconds
  const { usagePercent, loadAverage, threadCount } = stats.cpu; // CPUStats
  const { total, available, used, percent } = stats.memory; // MemoryStats
  const { readBytes, writeBytes, readCount, writeCount } = stats.io; // IOStats
  console.log({ timestamp, usagePercent, loadAverage, threadCount, total, available, used, percent });
  console.log({ readBytes, writeBytes, readCount, writeCount });
  await monitor.shutdown();
  return stats;
}

runIfMain(module, main);
