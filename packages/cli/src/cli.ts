/**
 * The `otelkit` command line: validate and print the config, generate the backend from it.
 * `runCli(argv, io)` is the whole program (the `bin` only wires it to the process), so it is
 * tested through the real bin in a child process and can be embedded.
 *
 * Exit codes: 0 success; 1 the config has problems, or `--check` found files that differ;
 * 2 usage errors (unknown command or flag).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ConfigError,
  findCatalogEntry,
  formatSummary,
  loadConfig,
  maskUrl,
  maskWebhookUrl,
  type OtelkitConfig,
  parseDuration,
  SECRET_KEYS,
} from '@otelkit/config';
import { GENERATE_TARGETS, type GenerateTarget, generateFiles } from './generators/generate-files';
import { prometheusFlags } from './generators/prometheus-config';
import { GenerateError } from './generators/prometheus-rules';
import { fetchReport, ReportError, writeReport } from './report';
import { writeFileNoFollow } from './safe-write';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colour the output (the bin passes `stdout.isTTY && !NO_COLOR`). @default false */
  readonly color?: boolean;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** Where `report` reads `OTELKIT_DASHBOARD_USERNAME` / `_PASSWORD`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Config files looked for, in order, when none is given (nor `OTELKIT_CONFIG`). */
export const DEFAULT_CONFIG_FILES = [
  'otelkit.yaml',
  'otelkit.yml',
  'otelkit.json',
  'deploy/otelkit.yaml',
] as const;

const HELP = `otelkit — check the otelkit config and generate the backend that watches the service

Usage:
  otelkit validate [file]                 every problem of the config, with its path
  otelkit print [file]                    the normalised config (secrets masked) and the startup summary
  otelkit generate <target> [file] [--out <dir>] [--check]
                                          write the backend files generated from the config
  otelkit report --url <service> [--format csv|json] [--since 1h] [--type pg] [--out <file>]
                                          the resource utilisation report of a running service
  otelkit help [command]                  this text, or a command's

Targets: prometheus (prometheus.yml, recording + alerting rules, promtool tests), grafana
(dashboards), alertmanager (routing by severity), all.

The config file: [file], else $OTELKIT_CONFIG, else the first of ${DEFAULT_CONFIG_FILES.join(', ')}.
OTEL_* environment variables are ignored unless --env is given, so output does not depend on the shell.

Exit codes: 0 ok; 1 config problems, files that differ (--check), or no report; 2 usage error.
`;

const COMMAND_HELP: Record<string, string> = {
  validate: `otelkit validate [file] [--env]

Loads the config as the service would (file, then OTEL_* with --env) and prints every problem with
its path, or "valid". Alerts on metrics the catalog does not know are reported as warnings: they
run in-process but cannot become Prometheus rules. Exit 1 when there are problems.
`,
  print: `otelkit print [file] [--env] [--json]

Prints the normalised config as JSON (headers, credentials, secret keys and webhook URLs masked)
and the startup summary. --json prints the JSON only.
`,
  generate: `otelkit generate prometheus|grafana|alertmanager|all [file] [--out <dir>] [--check] [--env]

Writes under --out (default: deploy):
  prometheus/prometheus.yml, prometheus/rules/otelkit.rules.yml, prometheus/rules/config-alerts.rules.yml,
  prometheus/tests/config-alerts.rules.test.yml, alertmanager/alertmanager.yml,
  grafana/dashboards/<uid>.json
The Prometheus retention (storage.retention) is a server flag: when <out>/../docker-compose.yml has
--storage.tsdb.retention.time=…, generate prometheus sets it there too, and --check compares it.
--check writes nothing and exits 1 when a file on disk differs from what would be written.
`,
  report: `otelkit report --url <service> [--format csv|json] [--since <duration> | --start <t> --end <t>]
               [--type <kind|category>] [--out <file>] [--user <name>] [--timeout <duration>]

Fetches the resource utilisation report (per resource and metric: samples, min, avg, max, p95,
last, thresholds, time above them, alerts raised) from a running service's dashboard, which
serves it at <dashboard path>/api/report behind the dashboard's own bind and auth rules.

  --url       the service (http://127.0.0.1:8080: the default dashboard path is used), the
              dashboard URL its first screen prints, or the report URL itself
  --format    csv (default) or json
  --since     the window back from now (15m, 1h, 1d); or --start / --end (epoch ms or ISO 8601)
  --type      only resources of this kind (pg, ioredis…) or category (database, cache…)
  --out       write to this file (never through a symlink) instead of stdout
  --user      Basic auth user (default $OTELKIT_DASHBOARD_USERNAME); the password is read from
              $OTELKIT_DASHBOARD_PASSWORD (or the URL), never from an argument
  --timeout   total deadline of the request (default 10s)
  --allow-link-local   allow a link-local / cloud metadata host (refused by default)

Redirects are not followed; a report larger than 32 MB is refused. Exit 1 when there is no report.
`,
};

interface Parsed {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

const KNOWN_FLAGS: Record<string, { value: boolean }> = {
  out: { value: true },
  check: { value: false },
  env: { value: false },
  json: { value: false },
  help: { value: false },
  url: { value: true },
  format: { value: true },
  type: { value: true },
  since: { value: true },
  start: { value: true },
  end: { value: true },
  user: { value: true },
  timeout: { value: true },
  'allow-link-local': { value: false },
};

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h') {
      flags.set('help', true);
      continue;
    }
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq === -1 ? undefined : eq);
    const spec = KNOWN_FLAGS[name];
    if (!spec) throw new UsageError(`unknown flag --${name}`);
    if (!spec.value) {
      flags.set(name, true);
      continue;
    }
    const value = eq === -1 ? argv[++i] : a.slice(eq + 1);
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { positional, flags };
}

function paint(io: CliIo) {
  const c = (code: string) => (s: string) => (io.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: c('31'), green: c('32'), yellow: c('33'), dim: c('2'), bold: c('1') };
}

function findConfig(cwd: string, given: string | undefined): string {
  if (given) return path.resolve(cwd, given);
  const fromEnv = process.env.OTELKIT_CONFIG?.trim();
  if (fromEnv) return path.resolve(cwd, fromEnv);
  for (const f of DEFAULT_CONFIG_FILES) {
    const p = path.resolve(cwd, f);
    if (fs.existsSync(p)) return p;
  }
  throw new UsageError(`no config file given and none of ${DEFAULT_CONFIG_FILES.join(', ')} exists here`);
}

function load(file: string, p: Parsed, cwd: string): OtelkitConfig {
  return loadConfig({ file, cwd, env: p.flags.has('env') ? process.env : {} });
}

function printIssues(io: CliIo, file: string, err: ConfigError): void {
  const col = paint(io);
  io.stderr(`${col.red('✗')} ${file}: ${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}\n`);
  for (const i of err.issues)
    io.stderr(
      `  ${col.bold(i.path || '(root)')}: ${i.message}${i.source ? col.dim(` [${i.source}]`) : ''}\n`,
    );
}

const SECRETS = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));

/** The config with every secret masked: what `otelkit print` shows. */
export function maskConfig(config: OtelkitConfig): unknown {
  const walk = (v: unknown, key: string, parent: string): unknown => {
    if (typeof v === 'string') {
      if (SECRETS.has(key.toLowerCase())) return '***';
      if (parent === 'headers') return '***';
      if (key === 'url' && (parent === 'webhooks' || parent === 'receivers')) return maskWebhookUrl(v);
      if (/^https?:\/\//.test(v)) return maskUrl(v);
      return v;
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, key, key));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k, key)]));
    return v;
  };
  return walk(config, '', '');
}

function validate(p: Parsed, io: CliIo, cwd: string): number {
  const file = findConfig(cwd, p.positional[1]);
  const col = paint(io);
  let config: OtelkitConfig;
  try {
    config = load(file, p, cwd);
  } catch (err) {
    if (err instanceof ConfigError) {
      printIssues(io, path.relative(cwd, file) || file, err);
      return 1;
    }
    throw err;
  }
  const inProcess = config.alerts.rules.filter((r) => !findCatalogEntry(r.parsed.metric));
  for (const r of inProcess)
    io.stderr(
      `${col.yellow('!')} alerts: "${r.name}" watches ${r.parsed.metric}, which the metric catalog does not know: it runs in-process only and cannot be generated as a Prometheus rule\n`,
    );
  io.stdout(
    `${col.green('✓')} ${path.relative(cwd, file) || file}: valid (${config.alerts.rules.length} alert${config.alerts.rules.length === 1 ? '' : 's'}, ${config.monitoring.visualization.dashboards.length} dashboards)\n`,
  );
  return 0;
}

function print(p: Parsed, io: CliIo, cwd: string): number {
  const file = findConfig(cwd, p.positional[1]);
  let config: OtelkitConfig;
  try {
    config = load(file, p, cwd);
  } catch (err) {
    if (err instanceof ConfigError) {
      printIssues(io, path.relative(cwd, file) || file, err);
      return 1;
    }
    throw err;
  }
  const masked = maskConfig(config);
  io.stdout(`${JSON.stringify(masked, null, 2)}\n`);
  // the summary of the masked copy: webhook URLs (secrets in their path) reduced to their origin
  if (!p.flags.has('json')) io.stdout(`\n${formatSummary(masked as OtelkitConfig)}\n`);
  return 0;
}

function generate(p: Parsed, io: CliIo, cwd: string): number {
  const col = paint(io);
  const target = p.positional[1];
  if (!target) throw new UsageError(`generate needs a target: ${[...GENERATE_TARGETS, 'all'].join('|')}`);
  if (target !== 'all' && !(GENERATE_TARGETS as readonly string[]).includes(target))
    throw new UsageError(`unknown target "${target}": expected ${[...GENERATE_TARGETS, 'all'].join('|')}`);
  const targets = target === 'all' ? GENERATE_TARGETS : [target as GenerateTarget];
  const file = findConfig(cwd, p.positional[2]);
  const out = path.resolve(cwd, (p.flags.get('out') as string | undefined) ?? 'deploy');
  let config: OtelkitConfig;
  try {
    config = load(file, p, cwd);
  } catch (err) {
    if (err instanceof ConfigError) {
      printIssues(io, path.relative(cwd, file) || file, err);
      return 1;
    }
    throw err;
  }
  let files: Record<string, string>;
  try {
    files = generateFiles(config, targets, { source: path.relative(out, file).split(path.sep).join('/') });
  } catch (err) {
    if (err instanceof GenerateError) {
      io.stderr(`${col.red('✗')} ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const rel = (f: string) => path.relative(cwd, path.join(out, f)) || f;
  // Prometheus retention is a server flag: kept in the compose file next to the output directory.
  const compose = targets.includes('prometheus')
    ? composeEdit(path.join(out, '..', 'docker-compose.yml'), config)
    : undefined;
  if (p.flags.has('check')) {
    const differ: string[] = [];
    for (const [f, content] of Object.entries(files)) {
      const onDisk = path.join(out, f);
      const current = fs.existsSync(onDisk) ? fs.readFileSync(onDisk, 'utf8') : undefined;
      if (current === undefined) differ.push(`missing  ${rel(f)}`);
      else if (current !== content) differ.push(`differs  ${rel(f)}`);
    }
    if (compose && compose.current !== compose.next)
      differ.push(`differs  ${path.relative(cwd, compose.file)} (--storage.tsdb.retention.time)`);
    if (differ.length) {
      io.stderr(
        `${col.red('✗')} ${differ.length} generated file${differ.length === 1 ? ' is' : 's are'} not what ${path.relative(cwd, file)} gives:\n${differ.map((d) => `  ${d}\n`).join('')}run: otelkit generate ${target}${p.positional[2] ? ` ${p.positional[2]}` : ''}${p.flags.has('out') ? ` --out ${p.flags.get('out')}` : ''}\n`,
      );
      return 1;
    }
    io.stdout(`${col.green('✓')} ${Object.keys(files).length} generated files are current\n`);
    return 0;
  }
  // A symlink planted at a destination is refused, never written through (it could point anywhere).
  const refuse = (dest: string, err: unknown): number => {
    const code = (err as NodeJS.ErrnoException).code;
    io.stderr(
      `${col.red('✗')} ${path.relative(cwd, dest)}: ${code === 'ELOOP' ? 'is a symlink; refused (remove it, or choose another --out)' : `cannot write: ${code ?? (err as Error).message}`}\n`,
    );
    return 1;
  };
  // Checked before anything is written, so a refusal leaves the output as it was; the
  // O_NOFOLLOW open below still refuses a symlink planted in between.
  const isLink = (p: string) => fs.lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink() === true;
  const linked = [
    ...Object.keys(files).map((f) => path.join(out, f)),
    ...(compose && compose.current !== compose.next ? [compose.file] : []),
  ].find(isLink);
  if (linked !== undefined) return refuse(linked, Object.assign(new Error('symlink'), { code: 'ELOOP' }));
  for (const [f, content] of Object.entries(files)) {
    const dest = path.join(out, f);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const same = fs.existsSync(dest) && fs.readFileSync(dest, 'utf8') === content;
    if (!same) {
      try {
        writeFileNoFollow(dest, content, 0o644);
      } catch (err) {
        return refuse(dest, err);
      }
    }
    io.stdout(`${same ? col.dim('unchanged') : col.green('wrote    ')} ${rel(f)}\n`);
  }
  if (compose && compose.current !== compose.next) {
    try {
      writeFileNoFollow(compose.file, compose.next, 0o644);
    } catch (err) {
      return refuse(compose.file, err);
    }
    io.stdout(
      `${col.green('updated  ')} ${path.relative(cwd, compose.file)} (--storage.tsdb.retention.time)\n`,
    );
  }
  return 0;
}

async function report(
  p: Parsed,
  io: CliIo,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const col = paint(io);
  const str = (k: string) => p.flags.get(k) as string | undefined;
  const url = str('url') ?? p.positional[1];
  if (!url) throw new UsageError('report needs --url <service> (e.g. --url http://127.0.0.1:8080)');
  const format = str('format') ?? 'csv';
  if (format !== 'csv' && format !== 'json')
    throw new UsageError(`--format: expected csv or json, got "${format}"`);
  if (str('since') !== undefined && str('start') !== undefined)
    throw new UsageError('give --since or --start, not both');
  let timeoutMillis = 10_000;
  if (str('timeout') !== undefined) {
    try {
      timeoutMillis = parseDuration(str('timeout'), 's', '--timeout');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (timeoutMillis < 1) throw new UsageError('--timeout must be more than 0');
  }
  const type = str('type');
  const since = str('since');
  const start = str('start');
  const end = str('end');
  const user = str('user');
  try {
    const text = await fetchReport({
      url,
      format,
      timeoutMillis,
      allowLinkLocal: p.flags.has('allow-link-local'),
      env,
      ...(type !== undefined ? { type } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(start !== undefined ? { start } : {}),
      ...(end !== undefined ? { end } : {}),
      ...(user !== undefined ? { user } : {}),
    });
    const out = str('out');
    if (out === undefined) io.stdout(text);
    else {
      const file = path.resolve(io.cwd ?? process.cwd(), out);
      writeReport(file, text);
      const rows =
        format === 'csv'
          ? Math.max(0, text.trimEnd().split('\n').length - 1)
          : (JSON.parse(text) as { rows: unknown[] }).rows.length;
      io.stderr(`${col.green('✓')} wrote ${out} (${rows} row${rows === 1 ? '' : 's'})\n`);
    }
    return 0;
  } catch (err) {
    if (err instanceof ReportError) {
      io.stderr(`${col.red('✗')} ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

/** The compose file with the Prometheus retention flag set from `storage.retention`, when it has one. */
function composeEdit(
  file: string,
  config: OtelkitConfig,
): { file: string; current: string; next: string } | undefined {
  if (!fs.existsSync(file)) return undefined;
  const current = fs.readFileSync(file, 'utf8');
  const flag = prometheusFlags(config).find((f) => f.startsWith('--storage.tsdb.retention.time='))!;
  if (!/--storage\.tsdb\.retention\.time=\S+/.test(current)) return undefined;
  return { file, current, next: current.replace(/--storage\.tsdb\.retention\.time=\S+/, flag) };
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code.
 *
 * @example process.exitCode = await runCli(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  try {
    const p = parseArgs(argv);
    const command = p.positional[0];
    if (command === undefined || command === 'help' || (p.flags.has('help') && !command)) {
      const topic = command === 'help' ? p.positional[1] : undefined;
      io.stdout(topic && COMMAND_HELP[topic] ? COMMAND_HELP[topic] : HELP);
      return 0;
    }
    if (p.flags.has('help')) {
      io.stdout(COMMAND_HELP[command] ?? HELP);
      return COMMAND_HELP[command] ? 0 : 2;
    }
    switch (command) {
      case 'validate':
        return validate(p, io, cwd);
      case 'print':
        return print(p, io, cwd);
      case 'generate':
        return generate(p, io, cwd);
      case 'report':
        return await report(p, io, io.env ?? process.env);
      default:
        throw new UsageError(`unknown command "${command}" (validate, print, generate, report, help)`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`otelkit: ${err.message}\nRun "otelkit help" for usage.\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      // unreadable file (OTELKIT_ERR_CONFIG_FILE)
      io.stderr(`otelkit: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
