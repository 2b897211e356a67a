import type { Logger } from 'pino';
import type { LineRing } from './outputs/line-ring';

/** Options of {@link createLogger} that are not part of the config file. */
export interface CreateLoggerOptions {
  /**
   * On SIGTERM/SIGINT flush every output, then exit with 128 + signal number, unless the
   * application has its own listener for that signal (then only flush). `@otelkit/service`
   * passes `false` and runs its own ordered shutdown.
   * @default true
   */
  handleSignals?: boolean;
  /**
   * On an uncaught exception (or an unhandled rejection that becomes one), write a `fatal`
   * line describing it and flush the file and console outputs synchronously, before Node
   * prints the error and exits. It never changes whether the process exits.
   * @default true
   */
  logUncaught?: boolean;
  /**
   * File outputs collect lines up to about this many bytes and write them with one system call
   * (when full, every second, and synchronously on flush, exit, crash and SIGTERM/SIGINT).
   * 0 writes every line at once: slower, but nothing is lost even on SIGKILL.
   * @default 4096
   */
  fileBufferBytes?: number;
  /** pino `name` (the `log.logger` field in ECS). */
  name?: string;
  /** A ring every written line is also put in (what the live dashboard reads). */
  recentLines?: LineRing;
}

/**
 * Why an output lost lines, the `reason` attribute of `otelkit.logging.lines.dropped`:
 * - `buffer_full`: the bounded buffer was full (a console reader behind, Elasticsearch or OTLP
 *   not keeping up);
 * - `write_error`: a file or console write failed (disk full, file removed, EPIPE), or the file was
 *   unavailable while it was being reopened;
 * - `rejected`: the server refused the lines (an Elasticsearch 4xx, a document it rejected);
 * - `export_failed`: sending failed for good (Elasticsearch retries exhausted, an OTLP export that
 *   failed or timed out);
 * - `shutdown`: still buffered when the shutdown deadline came, written after the output closed,
 *   or a console reader that was not reading at exit;
 * - `invalid`: a line the output could not encode (the pretty transform failed, unparseable JSON).
 */
export type LogDropReason =
  | 'buffer_full'
  | 'write_error'
  | 'rejected'
  | 'export_failed'
  | 'shutdown'
  | 'invalid';

/** Counters of one output. Every line that does not reach the output is counted in `dropped`. */
export interface LogOutputStats {
  /** `console` | `file` | `elasticsearch` | `otlp` */
  readonly type: string;
  /** Path, URL or stream name. */
  readonly target: string;
  /** Lines handed to the output (file/console: written; elasticsearch/otlp: accepted into the buffer). */
  readonly lines: number;
  /** Lines lost: disk full, buffer full, retries exhausted, rejected by the server. */
  readonly dropped: number;
  /** `dropped` by reason; only the reasons that happened. */
  readonly droppedByReason: Readonly<Partial<Record<LogDropReason, number>>>;
  /** Write or request errors seen (a failed request that is retried counts once per attempt). */
  readonly errors: number;
  /** elasticsearch/otlp: documents acknowledged by the server. */
  readonly delivered?: number;
  /** elasticsearch/otlp: lines waiting in memory. */
  readonly buffered?: number;
  /** elasticsearch: documents sent again after a 429/5xx/network error or a failed item. */
  readonly retried?: number;
  /**
   * elasticsearch/otlp: lines of otelkit's own diagnostics (`otel.diag`) not sent through this
   * output because it was failing at the time, or because they were below `info` (debug
   * diagnostics describe the exports themselves); they still reach the local outputs. Not drops:
   * never the application's lines.
   */
  readonly withheld?: number;
  /** file: rotations done by this process. */
  readonly rotations?: number;
}

/** What {@link OtelkitLogger.stats} returns. */
export interface LoggerStats {
  readonly outputs: readonly LogOutputStats[];
  /** Sum of `dropped` over the outputs. */
  readonly dropped: number;
  /**
   * Values the redactor could not inspect or copy (a getter or Proxy trap that throws); each
   * was written as the censor, and the line itself was still written.
   */
  readonly redactionFailures: number;
}

/**
 * A pino logger with the otelkit lifecycle. `flush()` here returns a promise (pino's own
 * callback form is replaced); children created with `child()` are ordinary pino loggers that
 * write to the same outputs.
 */
export type OtelkitLogger = Omit<Logger, 'flush'> & {
  /** Write out everything buffered (files synchronously, Elasticsearch/OTLP by sending). Never rejects. */
  flush(): Promise<void>;
  /** The handle shape every otelkit package has: the same as `flush()`. Never rejects. */
  forceFlush(): Promise<void>;
  /**
   * Flush, then close every output. Idempotent (a second call returns the same promise), never
   * rejects, bounded by the slice's `shutdownTimeoutMillis`; lines still buffered or in flight at
   * the deadline are counted as dropped (`shutdown`). No arguments: `startMonitoring` gives
   * logging its share of `shutdown.timeout` through an internal path.
   */
  shutdown(): Promise<void>;
  /** Change the level at run time; any case, `warning`/`critical` accepted. Throws on an unknown level. */
  setLevel(level: string): void;
  /** Lines written and dropped per output, shipping counters. */
  stats(): LoggerStats;
};
