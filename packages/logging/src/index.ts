export { createLogger } from './create-logger';
export { normaliseLevel } from './levels';
export { LineRing } from './outputs/line-ring';
export { writeOwnDiagnostic } from './outputs/own-diagnostics';
export { LOG_METRIC_NAMES, publishLoggerStats } from './publish-stats';
export type { CreateLoggerOptions, LogDropReason, LoggerStats, LogOutputStats, OtelkitLogger } from './types';
