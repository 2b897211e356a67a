import type { LogOutputStats } from '../types';

/** One destination of the log lines. Implementations never throw from `write`. */
export interface LogOutput {
  readonly type: string;
  /** One complete line, `\n` included. `level` is the pino level number. */
  write(line: string, level: number): void;
  /** Write out what is buffered, synchronously (files, console); a no-op for network outputs. */
  flushSync(): void;
  /** Write out / send what is buffered. Never rejects. */
  flush(deadline: number): Promise<void>;
  /** Flush, then release every resource. Never rejects; gives up at `deadline` (epoch ms). */
  shutdown(deadline: number): Promise<void>;
  stats(): LogOutputStats;
  /**
   * Network outputs: true while the pipe is failing (the last request or export failed). Our own
   * diagnostics are then withheld from it ({@link LogOutput.withhold}), never sent through it.
   */
  failing?(): boolean;
  /** Counts one own diagnostic withheld from this failing output (`stats().withheld`). */
  withhold?(): void;
}
