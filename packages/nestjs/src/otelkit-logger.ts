import { Inject, Injectable, type LoggerService, type LogLevel } from '@nestjs/common';
import type { Monitoring } from '@otelkit/service';
import { OTELKIT_MONITORING } from './tokens';

type PinoLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

const STACK = /\n\s+at /;

/**
 * The otelkit logger (pino, with the active span's trace ids on every line) as a Nest
 * `LoggerService`: `log` → info, `error`, `warn`, `debug`, `verbose` → trace, `fatal`. Nest's
 * trailing context argument becomes the `context` field, an error's stack string the `stack`
 * field, an `Error` message the `err` field; other arguments go under `args`.
 *
 * @example
 * const app = await NestFactory.create(AppModule, { bufferLogs: true });
 * app.useLogger(app.get(OtelkitLogger));
 */
export class OtelkitLogger implements LoggerService {
  private readonly _logger: Monitoring['logger'];
  private _levels: ReadonlySet<LogLevel> | undefined;

  constructor(monitoring: Monitoring) {
    this._logger = monitoring.logger;
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this._write('log', 'info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this._write('error', 'error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this._write('warn', 'warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this._write('debug', 'debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this._write('verbose', 'trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this._write('fatal', 'fatal', message, optionalParams);
  }

  /**
   * Nest's level filter (`NestFactory.create(…, { logger: ['error', 'warn'] })`), applied before
   * the otelkit logger's own level.
   */
  setLogLevels(levels: LogLevel[]): void {
    this._levels = new Set(levels);
  }

  private _write(nest: LogLevel, level: PinoLevel, message: unknown, params: readonly unknown[]): void {
    if (this._levels && !this._levels.has(nest)) return;
    try {
      const fields: Record<string, unknown> = {};
      let rest = params;
      const last = rest[rest.length - 1];
      // Nest's convention: a trailing string is the context (`new Logger('Users')` adds it);
      // for error(), a lone stack string is the stack.
      if (typeof last === 'string' && !(nest === 'error' && rest.length === 1 && STACK.test(last))) {
        fields.context = last;
        rest = rest.slice(0, -1);
      }
      if (nest === 'error' && typeof rest[0] === 'string' && (rest.length === 1 || STACK.test(rest[0]))) {
        fields.stack = rest[0];
        rest = rest.slice(1);
      }
      rest = rest.filter((p) => p !== undefined);
      if (rest.length > 0) fields.args = rest;
      if (message instanceof Error) {
        fields.err = message;
        this._logger[level](fields, message.message);
      } else if (typeof message === 'string') {
        this._logger[level](fields, message);
      } else if (message !== null && typeof message === 'object') {
        fields.data = message;
        this._logger[level](fields);
      } else {
        this._logger[level](fields, String(message));
      }
    } catch {
      // logging never breaks the app
    }
  }
}
Injectable()(OtelkitLogger);
Inject(OTELKIT_MONITORING)(OtelkitLogger, undefined, 0);
