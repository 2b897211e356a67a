import { SeverityNumber } from '@opentelemetry/api-logs';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
const ALIASES: Record<string, (typeof LEVELS)[number]> = { warning: 'warn', critical: 'fatal', err: 'error' };

/**
 * A pino level name from any case (`'INFO'`), with the aliases `warning` and `critical`.
 * Throws an Error naming `field` and the allowed values otherwise.
 */
export function normaliseLevel(level: unknown, field = 'logging.level'): (typeof LEVELS)[number] {
  if (typeof level === 'string') {
    const lower = level.trim().toLowerCase();
    if ((LEVELS as readonly string[]).includes(lower)) return lower as (typeof LEVELS)[number];
    const alias = ALIASES[lower];
    if (alias) return alias;
  }
  throw new Error(
    `@otelkit/logging: ${field} is ${JSON.stringify(level)}; allowed: ${LEVELS.join(', ')} (any case; warning, critical accepted)`,
  );
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
