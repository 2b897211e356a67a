import { SeverityNumber } from '@opentelemetry/api';
import { LOG_LEVEL_ALLOWED, type LogLevel, toLogLevel } from '@otelkit/config';

/**
 * A pino level from any spelling the config accepts (`'INFO'`, `warning`, `err`, `critical`,
 * `off`…: the one table in `@otelkit/config`). Throws an Error naming `field` and the allowed
 * values otherwise.
 */
export function normaliseLevel(level: unknown, field = 'logging.level'): LogLevel {
  const normalised = toLogLevel(level);
  if (normalised !== undefined) return normalised;
  throw new Error(`@otelkit/logging: ${field} is ${JSON.stringify(level)}; allowed: ${LOG_LEVEL_ALLOWED}`);
}

/** pino level number → OpenTelemetry severity number and text (logs data model, "Mapping of SeverityNumber"). */
export function severityOf(pinoLevel: number): { number: SeverityNumber; text: string } {
  if (pinoLevel >= 60) return { number: SeverityNumber.FATAL, text: 'FATAL' };
  if (pinoLevel >= 50) return { number: SeverityNumber.ERROR, text: 'ERROR' };
  if (pinoLevel >= 40) return { number: SeverityNumber.WARN, text: 'WARN' };
  if (pinoLevel >= 30) return { number: SeverityNumber.INFO, text: 'INFO' };
  if (pinoLevel >= 20) return { number: SeverityNumber.DEBUG, text: 'DEBUG' };
  return { number: SeverityNumber.TRACE, text: 'TRACE' };
}
