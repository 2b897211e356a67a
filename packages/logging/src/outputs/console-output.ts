import * as fs from 'node:fs';
import { diag } from '@opentelemetry/api';
import SonicBoom from 'sonic-boom';
import type { LogDropReason, LogOutputStats } from '../types';
import { DropCounts } from './drop-reasons';
import type { LogOutput } from './log-output';

/** Options of {@link createConsoleOutput}. */
export interface ConsoleOutputOptions {
  /** @default 'stdout' */
  stream: 'stdout' | 'stderr';
  /** Turns a JSON line into the text written (pino-pretty), or `undefined` for the line as is. */
  transform?: (line: string) => string;
  /** Pipes and sockets: bytes held while the reader is behind; past them lines are dropped. @default 4 MiB */
  maxBufferBytes?: number;
  /** Test hook: the file descriptor to write to instead of 1 / 2. */
  fd?: number;
}

const DEFAULT_MAX_BUFFER_BYTES = 4 * 1024 * 1024;
/** Bytes handed to one asynchronous write. */
const CHUNK_BYTES = 64 * 1024;
/** How long flushSync() retries EAGAIN on a full pipe before it gives up. */
const FLUSH_SYNC_EAGAIN_MILLIS = 50;

/**
 * stdout/stderr.
 *
 * - A terminal or a file: sonic-boom 5 in synchronous mode, so a line is out when the log call
 *   returns and a crash or `process.exit()` loses nothing.
 * - A pipe or a socket (a container runtime, a supervisor, `| tee`): in non-blocking mode (as
 *   Node opens its stdio pipes). A line goes out at once while the pipe has room (so a crash or
 *   `process.exit()` loses nothing then); when the pipe is full (`EAGAIN`) lines wait in a buffer
 *   of `maxBufferBytes`, retried on an `unref()`ed timer (5 → 100 ms), and past it they are
 *   dropped and counted (`dropped`), never awaited: the app keeps running. sonic-boom's
 *   synchronous mode spun on `EAGAIN` and froze the event loop for as long as the reader stalled.
 *   `flushSync()` (exit, crash) gives a full pipe 50 ms, then counts what is left as dropped.
 *   (Not on libuv's thread pool: a write blocked there would hold `process.exit()` for good.)
 *
 * `lines` counts lines written out; at any time handed = lines + buffered + dropped.
 */
export function createConsoleOutput(options: ConsoleOutputOptions): LogOutput {
  const fd = options.fd ?? (options.stream === 'stderr' ? 2 : 1);
  let isPipe = false;
  try {
    // bigint: on Node 20 a plain fstatSync() of a socket left the shared stat array so that the
    // module loader's next realpath kept a pnpm symlink path (seen: "Cannot find module").
    const st = fs.fstatSync(fd, { bigint: true });
    isPipe = st.isFIFO() || st.isSocket();
  } catch {
    // a closed descriptor: writes fail and are counted below
  }
  return isPipe ? createPipeOutput(fd, options) : createSyncOutput(fd, options);
}

function createSyncOutput(fd: number, options: ConsoleOutputOptions): LogOutput {
  const transform = options.transform;
  const boom = new SonicBoom({ fd, sync: true });
  let lines = 0;
  const dropped = new DropCounts();
  let errors = 0;
  boom.on('error', (err: Error) => {
    errors++;
    dropped.add('write_error');
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
        dropped.add('write_error');
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
      return {
        type: 'console',
        target: options.stream,
        lines,
        dropped: dropped.total,
        droppedByReason: dropped.byReason(),
        errors,
        buffered: 0,
      };
    },
  };
}

interface Chunk {
  buf: Buffer;
  lines: number;
}

function createPipeOutput(fd: number, options: ConsoleOutputOptions): LogOutput {
  const transform = options.transform;
  const maxBytes = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
  // Node opens its own stdio pipe handles in non-blocking mode (libuv), which is what lets a
  // synchronous write below answer EAGAIN instead of blocking the loop; make sure it has.
  if (fd === 1) void process.stdout;
  else if (fd === 2) void process.stderr;
  let pending: string[] = [];
  let pendingBytes = 0;
  /** The rest of a chunk the pipe took only part of. */
  let head: Chunk | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryDelay = 5;
  let lines = 0;
  const dropped = new DropCounts();
  let errors = 0;
  let droppedSinceWarn = 0;
  let lastWarn = 0;
  let idleWaiters: Array<() => void> = [];

  const buffered = (): number => pending.length + (head?.lines ?? 0);
  const bufferedBytes = (): number => pendingBytes + (head?.buf.length ?? 0);

  function drop(n: number, reason: LogDropReason, why: string): void {
    dropped.add(reason, n);
    droppedSinceWarn += n;
    // the first drop, then at most one line every 10 s with the count since
    const now = Date.now();
    if (lastWarn === 0 || now - lastWarn >= 10_000) {
      diag.warn(
        `@otelkit/logging: ${droppedSinceWarn} line(s) to ${options.stream} dropped (${why}); ${dropped.total} so far`,
      );
      lastWarn = now;
      droppedSinceWarn = 0;
    }
  }

  function takeChunk(): Chunk | undefined {
    if (pending.length === 0) return undefined;
    let n = 0;
    let bytes = 0;
    while (n < pending.length && (n === 0 || bytes < CHUNK_BYTES)) {
      bytes += Buffer.byteLength(pending[n] as string);
      n++;
    }
    const text = n === pending.length ? pending.join('') : pending.slice(0, n).join('');
    pending = n === pending.length ? [] : pending.slice(n);
    pendingBytes -= bytes;
    return { buf: Buffer.from(text), lines: n };
  }

  /**
   * Writes what it can without ever waiting: `'drained'`, `'full'` (EAGAIN: the reader is behind)
   * or `'failed'` (EPIPE, EBADF…: what was buffered is dropped).
   */
  function drain(): 'drained' | 'full' | 'failed' {
    for (let chunk = head ?? takeChunk(); chunk; chunk = head ?? takeChunk()) {
      head = chunk;
      let n: number;
      try {
        n = fs.writeSync(fd, chunk.buf);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return 'full';
        errors++;
        const lost = chunk.lines + pending.length;
        head = undefined;
        pending = [];
        pendingBytes = 0;
        drop(lost, 'write_error', `write failed: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        return 'failed';
      }
      if (n < chunk.buf.length) {
        chunk.buf = chunk.buf.subarray(n);
        continue;
      }
      head = undefined;
      lines += chunk.lines;
    }
    return 'drained';
  }

  function schedule(): void {
    if (retryTimer) return;
    // Not holding the process: at exit, flushSync() gets the last word.
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      const r = drain();
      if (r === 'full') {
        retryDelay = Math.min(100, retryDelay * 2);
        schedule();
      } else {
        retryDelay = 5;
        notifyIdle();
      }
    }, retryDelay);
    retryTimer.unref();
  }

  function notifyIdle(): void {
    if (idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  return {
    type: 'console',
    write(line: string): void {
      let text: string;
      try {
        text = transform ? transform(line) : line;
      } catch (err) {
        errors++;
        drop(1, 'invalid', 'the pretty transform failed');
        diag.error('@otelkit/logging: console transform failed', err);
        return;
      }
      // length is a lower bound of the bytes: cheap, and exact for ASCII
      if (bufferedBytes() + text.length > maxBytes) {
        drop(1, 'buffer_full', `the reader is behind: ${maxBytes} bytes buffered`);
        return;
      }
      pending.push(text);
      pendingBytes += Buffer.byteLength(text);
      // While a retry is scheduled the pipe is full: do not try again on every line.
      if (retryTimer) return;
      if (drain() === 'full') schedule();
    },
    flushSync(): void {
      if (retryTimer) {
        clearTimeout(retryTimer);
        retryTimer = undefined;
      }
      // A short grace for a reader that is only a little behind; a stopped one is not waited for.
      const giveUpAt = Date.now() + FLUSH_SYNC_EAGAIN_MILLIS;
      let r = drain();
      while (r === 'full' && Date.now() < giveUpAt) r = drain();
      if (r === 'full') {
        const lost = buffered();
        head = undefined;
        pending = [];
        pendingBytes = 0;
        errors++;
        drop(lost, 'shutdown', 'the reader was not reading at exit');
      }
      notifyIdle();
    },
    flush(deadline: number): Promise<void> {
      if (buffered() === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(2_147_483_647, Math.max(0, deadline - Date.now())));
        timer.unref();
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        idleWaiters.push(done);
        schedule();
      });
    },
    async shutdown(deadline: number): Promise<void> {
      await this.flush(deadline);
      // stdout/stderr are never closed: the application may still write to them.
    },
    stats(): LogOutputStats {
      return {
        type: 'console',
        target: options.stream,
        lines,
        dropped: dropped.total,
        droppedByReason: dropped.byReason(),
        errors,
        buffered: buffered(),
      };
    },
  };
}
