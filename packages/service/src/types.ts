import type { Attributes, Meter, Tracer } from '@opentelemetry/api';

/** Log levels the decorator writes at. */
export type MonitoredLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * The logger surface the decorator needs: a subset of pino's `Logger`, so a pino logger (or
 * `@otelkit/logging`'s) fits as is.
 */
export interface MonitoringLogger {
  child(bindings: Record<string, unknown>): MonitoringLogger;
  isLevelEnabled?(level: string): boolean;
  trace(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  fatal?(obj: object, msg?: string): void;
}

/**
 * Where decorated methods send their signals. `startMonitoring()` (or a test kit) installs one
 * with {@link setMonitoringRuntime}; with none installed decorated methods run bare.
 */
export interface MonitoringRuntime {
  readonly tracer: Tracer;
  readonly meter: Meter;
  readonly logger?: MonitoringLogger;
  /** Bucket boundaries (seconds) for `otelkit.method.duration`. */
  readonly durationBuckets?: readonly number[];
}

/** Options for one method (as a method decorator's argument), or defaults for a whole class. */
export interface MethodMonitoringOptions {
  /** Leave this method alone. @default false */
  skip?: boolean;
  /** @default `${Class}.${method}` */
  spanName?: string;
  /** Level of the line logged when the method succeeds. @default 'debug' */
  logLevel?: MonitoredLogLevel;
  /** Level of the line logged when the method throws or rejects. @default 'error' */
  errorLogLevel?: MonitoredLogLevel;
  /** Span attributes computed from the call's arguments (errors in it are caught and reported). */
  attributes?: (args: readonly unknown[]) => Attributes;
  /** Record the arguments on the span as `code.args` (JSON, secrets redacted, truncated). @default false */
  captureArgs?: boolean;
  /** Sampling override: `false` records metrics and logs but creates no span. @default true */
  trace?: boolean;
}

/** Options of `@monitored(...)` on a class. */
export interface MonitoredOptions extends Omit<MethodMonitoringOptions, 'skip' | 'spanName'> {
  /** The class name reported in spans, metrics and logs. @default the class's own name */
  name?: string;
  /** Only these methods. */
  include?: readonly string[];
  /** Not these methods. */
  exclude?: readonly string[];
  /** Instrument static methods too. @default false */
  statics?: boolean;
}
