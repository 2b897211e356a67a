import { diag } from '@opentelemetry/api';
import SonicBoom from 'sonic-boom';
import type { LogOutputStats } from '../types';
import type { LogOutput } from './log-output';

/** Options of {@link createConsoleOutput}. */
export interface ConsoleOutputOptions {
  /** @default 'stdout' */
  stream: 'stdout' | 'stderr';
  /** Turns a JSON line into the text written (pino-pretty), or `undefined` for the line as is. */
  transform?: (line: string) => string;
}

/**
 * stdout/stderr through sonic-boom 5 in synchronous mode: a line is on the terminal/pipe when
 * the log call returns, so a crash or `process.exit()` loses nothing.
 */
export function createConsoleOutput(options: ConsoleOutputOptions): LogOutput {
  const fd = options.stream === 'stderr' ? 2 : 1;
  const transform = options.transform;
  const boom = new SonicBoom({ fd, sync: true });
  let lines = 0;
  let dropped = 0;
  let errors = 0;
  boom.on('error', (err: Error) => {
    errors++;
    dropped++;
    if (errors === 1 || errors % 1000 === 0)
      diag.error(`@otelkit/logging: writing to ${options.stream} failed (${errors} errors)`, err);
  });

  return {
    type: 'console',
    write(line: string): void {
      try {
        boom.write(transform ? transform(line) : line);
        lines++;
      } catch (err) {
        dropped++;
        errors++;
        diag.error(`@otelkit/logging: writing to ${options.stream} failed`, err);
      }
    },
    flushSync(): void {
      try {
        boom.flushSync();
      } catch {
        // EAGAIN on a full pipe, closed stdout: nothing more we can do at exit.
      }
    },
    async flush(): Promise<void> {
      this.flushSync();
    },
    async shutdown(): Promise<void> {
      this.flushSync();
      // stdout/stderr are never closed: the application may still write to them.
    },
    stats(): LogOutputStats {
      return { type: 'console', target: options.stream, lines, dropped, errors };
    },
  };
}
