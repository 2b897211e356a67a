import * as fs from 'node:fs';
import * as path from 'node:path';
import { diag } from '@opentelemetry/api';
import { type FileRotationConfig, settleWithin } from '@otelkit/config';
import SonicBoom from 'sonic-boom';
import type { LogOutputStats } from '../types';
import { DropCounts } from './drop-reasons';
import type { LogOutput } from './log-output';

/** Options of {@link createFileOutput}. */
export interface FileOutputOptions {
  path: string;
  /** Create the directory when missing; otherwise a missing directory is an error at startup. */
  mkdir: boolean;
  rotation: FileRotationConfig | null;
  /** Config path named in errors, e.g. `logging.outputs[1]`. */
  field: string;
  /**
   * Lines are collected up to about this many characters and written with one `write(2)`;
   * 0 writes each line at once. @default 4096
   */
  bufferBytes?: number;
}

/** Buffered lines are written at least this often. */
const FLUSH_INTERVAL_MILLIS = 1000;

/** After a write error (disk full, file removed…), lines are dropped (counted) this long before retrying. */
const RETRY_AFTER_ERROR_MILLIS = 1000;

/**
 * A log file written through sonic-boom 5 in synchronous mode. Lines are collected in a small
 * buffer (`bufferBytes`, 4 KiB) and written with one `write(2)` when it fills, every second, and
 * synchronously on `flush()`, at exit, on a crash and on SIGTERM/SIGINT, so only a SIGKILL (or
 * power loss) can take the last few lines. `bufferBytes: 0` writes each line at once.
 * sonic-boom 5 rather than `pino.destination()` (sonic-boom 4): on ENOSPC, 4 retries forever at
 * exit; here a failed write drops the line (counted) and the file is reopened a second later.
 *
 * Rotation: the active file is always `path`; when it would pass `maxSizeBytes` (checked before
 * each line, so a line never spans two files) or `intervalMillis` has elapsed, it is renamed to
 * `<name>.<n><ext>` with `n` one above the highest found on disk, and a new `path` is opened.
 * Rotated files beyond `maxFiles` are deleted, newest kept, including those of earlier runs.
 * One process per log file: rotation is not coordinated between processes.
 */
export function createFileOutput(options: FileOutputOptions): LogOutput {
  const file = path.resolve(options.path);
  const dir = path.dirname(file);
  const rotation = options.rotation;
  const ext = path.extname(file);
  const stem = path.basename(file, ext);
  const rotatedPattern = new RegExp(`^${escapeRegExp(stem)}\\.(\\d+)${escapeRegExp(ext)}$`);

  prepareDirectory(dir, file, options);

  let boom: SonicBoom | undefined = openBoom(file, options.field);
  let size = rotation ? safeSize(file) : 0;
  let seq = rotation ? highestSeq() : 0;
  let lines = 0;
  const dropped = new DropCounts();
  let errors = 0;
  let rotations = 0;
  let failedUntil = 0;
  let writeFailed = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const bufferChars = options.bufferBytes ?? 4096;
  let buf = '';
  let bufLines = 0;
  const flushTimer = bufferChars > 0 ? setInterval(() => writeOut(), FLUSH_INTERVAL_MILLIS) : undefined;
  flushTimer?.unref();

  /** Writes the buffered lines; on failure they are dropped and counted, and the file is reopened later. */
  function writeOut(): void {
    if (bufLines === 0) return;
    const chunk = buf;
    const n = bufLines;
    buf = '';
    bufLines = 0;
    if (boom === undefined) {
      if (!closed && Date.now() >= failedUntil) reopenAfterError();
      if (boom === undefined) {
        dropped.add(closed ? 'shutdown' : 'write_error', n);
        return;
      }
    }
    try {
      boom.write(chunk);
    } catch (err) {
      onError(err as Error);
    }
    if (writeFailed) {
      writeFailed = false;
      dropped.add('write_error', n);
      const failed = boom;
      boom = undefined;
      if (failed) abandon(failed);
      failedUntil = Date.now() + RETRY_AFTER_ERROR_MILLIS;
      return;
    }
    lines += n;
  }

  function openBoom(target: string, field: string): SonicBoom {
    let b: SonicBoom;
    try {
      // Opened here, not by sonic-boom: O_NOFOLLOW refuses a symlink planted at the path (it
      // was followed: a line went into the victim), and new files are 0640, not 0644.
      const fd = fs.openSync(target, OPEN_FLAGS, FILE_MODE);
      b = new SonicBoom({ fd, sync: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ELOOP' ? 'it is a symbolic link, which is refused' : (err as Error).message;
      throw new Error(
        `@otelkit/logging: cannot open log file "${target}" (${field}.path): ${why}. ` +
          'Fix the path or its permissions, or use a console output.',
      );
    }
    b.on('error', onError);
    return b;
  }

  function onError(err: Error): void {
    errors++;
    writeFailed = true;
    if (errors === 1 || errors % 1000 === 0)
      diag.error(
        `@otelkit/logging: writing to ${file} failed (${errors} errors); lines are dropped and counted`,
        err,
      );
  }

  function reopenAfterError(): void {
    try {
      boom = openBoom(file, options.field);
      // A line cut short by the failure would glue onto the next one: terminate it.
      if (!endsWithNewline(file)) boom.write('\n');
      if (rotation) size = safeSize(file);
    } catch (err) {
      boom = undefined;
      failedUntil = Date.now() + RETRY_AFTER_ERROR_MILLIS;
      diag.error(`@otelkit/logging: reopening ${file} failed`, err);
    }
  }

  function abandon(b: SonicBoom): void {
    // The failed chunk stays in sonic-boom's buffer and would be retried before every later
    // line; drop it with the instance instead.
    b.removeAllListeners('error');
    b.on('error', () => {});
    try {
      b.destroy();
    } catch {
      // already destroyed
    }
  }

  function highestSeq(): number {
    let max = 0;
    for (const name of safeReaddir(dir)) {
      const m = rotatedPattern.exec(name);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return max;
  }

  function prune(): void {
    if (!rotation) return;
    const found: Array<{ name: string; n: number }> = [];
    for (const name of safeReaddir(dir)) {
      const m = rotatedPattern.exec(name);
      if (m) found.push({ name, n: Number(m[1]) });
    }
    found.sort((a, b) => b.n - a.n);
    for (const old of found.slice(rotation.maxFiles)) {
      try {
        fs.unlinkSync(path.join(dir, old.name));
      } catch (err) {
        diag.warn(`@otelkit/logging: could not delete old log file ${old.name}`, err);
      }
    }
  }

  function rotate(): void {
    if (closed) return;
    writeOut();
    const old = boom;
    if (old) {
      try {
        old.flushSync();
      } catch {
        // the write error handler has counted it
      }
    }
    const target = path.join(dir, `${stem}.${seq + 1}${ext}`);
    try {
      fs.renameSync(file, target);
      seq++;
      rotations++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        diag.error(`@otelkit/logging: rotating ${file} to ${target} failed; still writing to ${file}`, err);
        size = 0;
        return;
      }
    }
    try {
      boom = openBoom(file, options.field);
      size = 0;
      if (old) abandonQuietly(old);
    } catch (err) {
      diag.error(
        `@otelkit/logging: opening ${file} after rotation failed; still writing to the rotated file`,
        err,
      );
    }
    prune();
  }

  function scheduleTimeRotation(periodStart: number): void {
    if (!rotation?.intervalMillis || closed) return;
    const delay = Math.max(0, periodStart + rotation.intervalMillis - Date.now());
    timer = setTimeout(() => {
      if (size > 0 || bufLines > 0 || safeSize(file) > 0) rotate();
      scheduleTimeRotation(Date.now());
    }, delay);
    timer.unref();
  }

  if (rotation) {
    if (rotation.intervalMillis) {
      let periodStart = Date.now();
      if (size > 0) {
        const st = fs.statSync(file);
        periodStart = st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs;
        if (Date.now() - periodStart >= rotation.intervalMillis) {
          rotate();
          periodStart = Date.now();
        }
      }
      scheduleTimeRotation(periodStart);
    }
    prune();
  }

  const maxSize = rotation?.maxSizeBytes;

  return {
    type: 'file',
    write(line: string): void {
      if (closed) {
        dropped.add('shutdown');
        return;
      }
      if (maxSize !== undefined) {
        const n = Buffer.byteLength(line);
        if (size > 0 && size + n > maxSize) rotate();
        size += n;
      }
      buf += line;
      bufLines++;
      if (buf.length >= bufferChars) writeOut();
    },
    flushSync(): void {
      writeOut();
      if (!boom) return;
      try {
        boom.flushSync();
      } catch {
        // counted by the error handler; nothing more can be done here
      }
    },
    async flush(): Promise<void> {
      this.flushSync();
    },
    async shutdown(deadline: number): Promise<void> {
      if (closed) return;
      this.flushSync();
      closed = true;
      if (timer) clearTimeout(timer);
      if (flushTimer) clearInterval(flushTimer);
      const b = boom;
      boom = undefined;
      if (!b) return;
      await settleWithin(
        new Promise<void>((resolve) => {
          b.once('close', resolve);
          b.once('error', () => resolve());
          try {
            b.end();
          } catch {
            resolve();
          }
        }),
        deadline - Date.now(),
      );
    },
    stats(): LogOutputStats {
      return {
        type: 'file',
        target: file,
        lines,
        dropped: dropped.total,
        droppedByReason: dropped.byReason(),
        errors,
        rotations,
        buffered: bufLines,
      };
    },
  };
}

function abandonQuietly(b: SonicBoom): void {
  b.removeAllListeners('error');
  b.on('error', () => {});
  try {
    b.end();
  } catch {
    // already closed
  }
}

/** Created log files: owner read/write, group read (less the umask). */
const FILE_MODE = 0o640;
/** Created log directories: owner all, group read/search (less the umask). */
const DIR_MODE = 0o750;
const OPEN_FLAGS =
  fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | (fs.constants.O_NOFOLLOW ?? 0);

function prepareDirectory(dir: string, file: string, options: FileOutputOptions): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(dir);
  } catch {
    st = undefined;
  }
  if (st === undefined) {
    if (!options.mkdir) {
      throw new Error(
        `@otelkit/logging: the directory of log file "${file}" (${options.field}.path) does not exist: ${dir}. Create it or set ${options.field}.mkdir: true.`,
      );
    }
    try {
      fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    } catch (err) {
      throw new Error(
        `@otelkit/logging: cannot create log directory "${dir}" for ${options.field}.path: ${(err as Error).message}`,
      );
    }
  } else if (!st.isDirectory()) {
    throw new Error(
      `@otelkit/logging: "${dir}" (directory of ${options.field}.path "${file}") is not a directory`,
    );
  }
}

function safeSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function endsWithNewline(file: string): boolean {
  let fd: number | undefined;
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size === 0) return true;
    fd = fs.openSync(file, 'r');
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, st.size - 1);
    return b[0] === 0x0a;
  } catch {
    return true;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
