export { createLogger } from './create-logger';
export { normaliseLevel } from './levels';
export { DEFAULT_REDACT_KEYS } from './redact/deep-redactor';
export type { CreateLoggerOptions, LoggerStats, LogOutputStats, OtelkitLogger } from './types';
