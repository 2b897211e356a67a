// mtaio.monitoring — Profiler, "Basic Usage".
import { type Profile, Profiler } from '@otelkit/tracing';
import { runIfMain, sleep } from '../services';

async function performOperation(): Promise<void> {
  await sleep(25);
}

// Create profiler
const profiler = new Profiler();

// Profile function execution
class Operations {
  @profiler.trace
  async monitoredFunction(): Promise<void> {
    await performOperation();
  }
}

export async function main(): Promise<Profile> {
  await new Operations().monitoredFunction();

  // Profile code block
  await profiler.traceContext('operation', async () => {
    await performOperation();
  });

  // Get profile data
  const profile = await profiler.getProfile();
  console.log(`Total execution time: ${(profile.totalTimeMillis / 1000).toFixed(2)}s`);
  return profile;
}

runIfMain(module, main);
