import { ExpectedError } from '../duration';

/** pino level names. `'silent'` turns logging off without removing the outputs. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** pino's level names, lowest first; `silent` logs nothing. */
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * Every spelling accepted for a log level (any case), in config files, code, `setLevel()`: the
 * one table, so that a level that loads can always be set again at run time.
 */
export const LOG_LEVEL_ALIASES: Readonly<Record<string, LogLevel>> = Object.freeze({
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  silent: 'silent',
  off: 'silent',
  none: 'silent',
});

/** What {@link parseLogLevel} allows, for error messages. */
export const LOG_LEVEL_ALLOWED = `${LOG_LEVELS.join(', ')} (any case; warning, err, critical, off and none accepted)`;

/** `'INFO'`, `'warning'`, `'critical'`, `'off'` … → a pino level, or `undefined` when it is none. */
export function toLogLevel(v: unknown): LogLevel | undefined {
  return typeof v === 'string' && Object.hasOwn(LOG_LEVEL_ALIASES, v.trim().toLowerCase())
    ? LOG_LEVEL_ALIASES[v.trim().toLowerCase()]
    : undefined;
}

/** {@link toLogLevel} for the schema: throws ExpectedError naming what is allowed. */
export function parseLogLevel(v: unknown): LogLevel {
  const level = toLogLevel(v);
  if (level === undefined) throw new ExpectedError(`expected one of ${LOG_LEVEL_ALLOWED}`);
  return level;
}
