import { execFile } from 'node:child_process';
import * as path from 'node:path';
import type { TracingConfig } from '@otelkit/config';
import type { TracingStats } from '../../src';

export interface ChildResult {
  ids: { traceId?: string; server?: string; db?: string; render?: string };
  stats: TracingStats;
  shutdownMillis: number;
  /** Wall time of the whole child process, start-up included. */
  wallMillis: number;
}

/** Runs test/fixtures/run-tracing.js in a plain Node process (see there for why). */
export function runTracingChild(input: {
  config: TracingConfig;
  service: string;
  spans?: number;
  flush?: boolean;
}): Promise<ChildResult> {
  const script = path.join(__dirname, '..', 'fixtures', 'run-tracing.js');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [script, JSON.stringify(input)],
      { timeout: 60_000, env: { PATH: process.env.PATH ?? '' } },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`child failed: ${error.message}\n${stderr}`));
          return;
        }
        const line = stdout.trim().split('\n').pop() ?? '';
        resolve({
          ...(JSON.parse(line) as Omit<ChildResult, 'wallMillis'>),
          wallMillis: Date.now() - started,
        });
      },
    );
  });
}
