export { createLogger } from './create-logger';
export { normaliseLevel } from './levels';
export { LineRing } from './outputs/line-ring';
export type { CreateLoggerOptions, LoggerStats, LogOutputStats, OtelkitLogger } from './types';
