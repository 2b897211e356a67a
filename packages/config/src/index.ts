export { AGGREGATIONS, ConditionParseError, parseCondition } from './condition';
export { DEFAULT_DURATION_BUCKETS, DEFAULT_REDACT_PATHS, SECRET_KEYS } from './defaults';
export { parseByteSize, parseDuration } from './duration';
export { ENV_VARIABLES } from './env';
export type { ConfigIssue, ConfigSource } from './errors';
export { ConfigError, ConfigErrorCode } from './errors';
export { LOG_LEVEL_ALLOWED, LOG_LEVELS, toLogLevel } from './fields/log-level';
export { readConfigFile } from './file';
export { defineConfig, loadConfig } from './load';
export { deepFreeze } from './merge';
export { toResourceAttributes } from './resource';
export { INSTRUMENTATION_NAMES } from './schema';
export {
  DEFAULT_POOLS,
  DISCOVERABLE_RESOURCE_KINDS,
  DISCOVERY_CATEGORIES,
  normalizePools,
  RESOURCE_KINDS,
} from './slices/pools';
export { formatSummary, maskHeaders, maskUrl } from './summary';
export type * from './types';
