/** Where a config value came from. */
export type ConfigSource = 'defaults' | 'file' | 'code' | 'env' | 'overrides';

/** One problem found in the config. */
export interface ConfigIssue {
  /** Dotted path, e.g. `tracing.sampler` or `logging.outputs[1].path`; for env, the variable name. */
  readonly path: string;
  /** What is wrong, including what is allowed and what was given. */
  readonly message: string;
  readonly source: ConfigSource;
  /** For unknown keys, the closest known key. */
  readonly suggestion?: string;
}

/** Stable error codes, for `err.code`. */
export const ConfigErrorCode = {
  /** The config has one or more invalid values; `issues` lists every one. */
  INVALID: 'OTELKIT_ERR_CONFIG_INVALID',
  /** The config file could not be read or parsed. */
  FILE: 'OTELKIT_ERR_CONFIG_FILE',
} as const;

export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

/**
 * Thrown at startup when the config is invalid. Lists every problem at once, each with its
 * dotted path, what was given and what is allowed.
 *
 * @example
 * try { loadConfig({ config }) } catch (err) {
 *   if (err instanceof ConfigError) for (const i of err.issues) console.error(i.path, i.message);
 * }
 */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  readonly issues: readonly ConfigIssue[];

  constructor(
    issues: readonly ConfigIssue[],
    code: ConfigErrorCode = ConfigErrorCode.INVALID,
    heading?: string,
  ) {
    const head =
      heading ??
      `Invalid otelkit config: ${issues.length} problem${issues.length === 1 ? '' : 's'} (${ConfigErrorCode.INVALID})`;
    super([head, ...issues.map((i) => `  - ${formatIssue(i)}`)].join('\n'));
    this.name = 'ConfigError';
    this.code = code;
    this.issues = Object.freeze([...issues]);
  }
}

function formatIssue(issue: ConfigIssue): string {
  const where = issue.source === 'env' ? `${issue.path} (environment)` : issue.path || '(root)';
  const from =
    issue.source === 'file' ? ' [config file]' : issue.source === 'overrides' ? ' [overrides]' : '';
  return `${where}: ${issue.message}${from}`;
}

/** Describes a given value briefly for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') {
    let text: string;
    try {
      text = JSON.stringify(value);
    } catch {
      return 'an object';
    }
    return text.length > 60 ? 'an object' : text;
  }
  return typeof value;
}
