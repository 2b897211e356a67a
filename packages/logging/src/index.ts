export { createLogger } from './create-logger';
export { normaliseLevel } from './levels';
export type { CreateLoggerOptions, LoggerStats, LogOutputStats, OtelkitLogger } from './types';
