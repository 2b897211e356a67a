// mtaio.monitoring — "Performance Profiling": PerformanceProfiler with a Profiler.
import { type Profile, Profiler } from '@otelkit/tracing';
import { runIfMain, sleep } from '../services';

async function performOperation(): Promise<void> {
  await sleep(10);
}

export class PerformanceProfiler {
  readonly profiler = new Profiler({
    traceAsyncTasks: true,
    collectStackTrace: true,
  });

  async profileOperation(): Promise<{ operations: number; slowestMillis: number; profile: Profile }> {
    return this.profiler.traceContext('operation', async () => {
      // Monitor memory usage
      const memory = this.profiler.startTrace('memory_usage', { type: 'memory' });

      // Perform operation
      await performOperation();
      memory.end();

      // Get results
      const profile = await this.profiler.getProfile();
      return this.analyzeProfile(profile);
    });
  }

  analyzeProfile(profile: Profile): { operations: number; slowestMillis: number; profile: Profile } {
    const slowestMillis = Math.max(0, ...profile.traces.map((t) => t.durationMillis));
    return { operations: profile.traces.length, slowestMillis, profile };
  }
}

export async function main(): Promise<ReturnType<PerformanceProfiler['profileOperation']>> {
  return new PerformanceProfiler().profileOperation();
}

runIfMain(module, main);
