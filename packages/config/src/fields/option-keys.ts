import { didYouMean } from '../suggest';

function camel(key: string): string {
  return key.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Rejects option keys a constructor or factory does not know — the same strictness as the config
 * file, for options written in code (`new ResourceMonitor({ intervall: 1 })` would otherwise run
 * with the default silently). One Error names every unknown key, with a did-you-mean, and a
 * snake_case spelling (`history_size`, as the seeds write it) with its camelCase name.
 *
 * @example
 * checkOptionKeys(options, RESOURCE_MONITOR_OPTION_KEYS, 'ResourceMonitor');
 */
export function checkOptionKeys(options: object, allowed: readonly string[], owner: string): void {
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const spelled = camel(key);
    if (spelled !== key && allowed.includes(spelled)) {
      problems.push(`option "${key}" is spelled "${spelled}" here`);
      continue;
    }
    const suggestion = didYouMean(key, allowed);
    problems.push(`unknown option "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
  }
  if (problems.length === 0) return;
  throw new Error(`${owner}: ${problems.join('; ')}; allowed: ${allowed.join(', ')}`);
}
