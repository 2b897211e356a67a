// mtaio.monitoring — "Background Task Monitoring": TaskMonitor.
import { ResourceMonitor } from '@otelkit/resource-monitor';
import { runIfMain, sleep } from '../services';

interface TaskStats {
  readonly memoryUsage: number;
  readonly cpuUsage: number;
}

export class TaskMonitor {
  readonly monitor = new ResourceMonitor();
  readonly notified: string[] = [];
  private _active = true;

  async monitorTask(taskId: string, rounds = Number.POSITIVE_INFINITY): Promise<void> {
    const handleTaskAlert = async (metric: string, _value: number, _threshold: number) => {
      await this.notifyAdmin(`Task ${taskId} ${metric} exceeded threshold`);
    };
    const unsubscribe = this.monitor.onThresholdExceeded(handleTaskAlert);

    try {
      for (let i = 0; i < rounds && this._active; i++) {
        const stats = await this.getTaskStats(taskId);
        this.monitor.recordMetrics({
          task_memory: stats.memoryUsage,
          task_cpu: stats.cpuUsage,
        });
        await sleep(1000);
      }
    } finally {
      unsubscribe();
    }
  }

  stop(): void {
    this._active = false;
  }

  async getTaskStats(_taskId: string): Promise<TaskStats> {
    const usage = process.resourceUsage();
    return {
      memoryUsage: process.memoryUsage().rss,
      cpuUsage: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    };
  }

  async notifyAdmin(message: string): Promise<void> {
    this.notified.push(message);
    console.log(message);
  }
}

export async function main(): Promise<TaskMonitor> {
  const tasks = new TaskMonitor();
  tasks.monitor.setThreshold('task_memory', 1); // any process is above 1 byte
  await tasks.monitorTask('nightly-report', 1);
  await tasks.monitor.flushAlerts();
  return tasks;
}

runIfMain(module, async () => {
  const tasks = await main();
  await tasks.monitor.shutdown();
});
