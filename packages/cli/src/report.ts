/**
 * `otelkit report --url <service>`: the resource utilisation report of a running service, fetched
 * from its dashboard (`<dashboard path>/api/report`, behind the dashboard's bind and auth rules).
 *
 * Bounded and safe like every outgoing request of otelkit: one total deadline, a capped body,
 * no redirect followed, link-local / cloud-metadata hosts refused unless `--allow-link-local`,
 * credentials from the URL or `OTELKIT_DASHBOARD_USERNAME` / `OTELKIT_DASHBOARD_PASSWORD` (never
 * from an argument, which `ps` shows), and never printed.
 */
import {
  boundedRequest,
  DEFAULT_DASHBOARD,
  maskUrl,
  parseDuration,
  unsafeEndpointProblem,
} from '@otelkit/config';
import { writeFileNoFollow } from './safe-write';

/** The largest report read (a report of every series of a day at 1 s is far smaller). */
export const MAX_REPORT_BYTES = 32 * 1024 * 1024;

export interface ReportArgs {
  readonly url: string;
  readonly format: 'csv' | 'json';
  readonly type?: string;
  readonly since?: string;
  readonly start?: string;
  readonly end?: string;
  readonly user?: string;
  readonly timeoutMillis: number;
  readonly allowLinkLocal: boolean;
  /** Username / password fallbacks (the bin passes `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Why the report could not be fetched: one line for the operator. */
export class ReportError extends Error {}

/**
 * The report URL for what the operator gave: a service base (`http://host:8080` → the default
 * dashboard path), the dashboard URL as its first screen prints it, or the report URL itself.
 */
export function reportUrl(
  given: string,
  args: Pick<ReportArgs, 'format' | 'type' | 'since' | 'start' | 'end'>,
): URL {
  let u: URL;
  try {
    u = new URL(given);
  } catch {
    throw new ReportError(
      `--url: expected an http(s) URL such as http://127.0.0.1:8080, got "${given.slice(0, 80)}"`,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ReportError(`--url: expected http: or https:, got ${u.protocol}`);
  let p = u.pathname.replace(/\/+$/, '');
  if (!/\/api\/report(\.csv|\.json)?$/.test(p)) {
    if (p === '') p = DEFAULT_DASHBOARD.path;
    p = `${p}/api/report`;
  }
  u.pathname = p;
  u.hash = '';
  u.searchParams.set('format', args.format);
  for (const k of ['type', 'since', 'start', 'end'] as const)
    if (args[k] !== undefined) u.searchParams.set(k, args[k]!);
  return u;
}

/** URL userinfo as typed (a malformed %-escape is kept literally rather than thrown). */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Fetches the report; resolves with its body, or rejects with a {@link ReportError}. */
export async function fetchReport(args: ReportArgs): Promise<string> {
  if (args.since !== undefined) {
    try {
      parseDuration(args.since, 's', '--since', true);
    } catch (err) {
      throw new ReportError((err as Error).message);
    }
  }
  const url = reportUrl(args.url, args);
  // the same rule as every exporter endpoint of the config (@otelkit/config endpoint-safety)
  const unsafe = args.allowLinkLocal ? undefined : unsafeEndpointProblem(url.toString());
  if (unsafe !== undefined)
    throw new ReportError(
      `--url: ${url.hostname} is ${unsafe}; refused (give --allow-link-local if the service really listens there)`,
    );
  const username = decoded(url.username) || args.user || args.env.OTELKIT_DASHBOARD_USERNAME || '';
  const password = decoded(url.password) || args.env.OTELKIT_DASHBOARD_PASSWORD || '';
  url.username = '';
  url.password = '';
  const shown = maskUrl(url.toString());
  const headers: Record<string, string> = { accept: args.format === 'csv' ? 'text/csv' : 'application/json' };
  if (username || password)
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  let res: Awaited<ReturnType<typeof boundedRequest>>;
  try {
    res = await boundedRequest(url, {
      method: 'GET',
      headers,
      timeoutMillis: args.timeoutMillis,
      maxResponseBytes: MAX_REPORT_BYTES,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReportError(`cannot reach ${shown}: ${code ?? (err as Error).message}`);
  }
  const text = res.body.toString('utf8');
  const firstLine = text.split('\n', 1)[0]!.slice(0, 200);
  if (res.status >= 300 && res.status < 400)
    throw new ReportError(
      `${shown} answered ${res.status} (a redirect to ${maskUrl(String(res.headers.location ?? '?'))}); redirects are not followed: give the final URL`,
    );
  if (res.status === 401)
    throw new ReportError(
      `${shown} answered 401: give the dashboard's credentials (--user, and the password in OTELKIT_DASHBOARD_PASSWORD)`,
    );
  if (res.status !== 200) throw new ReportError(`${shown} answered ${res.status}: ${firstLine}`);
  if (res.truncated)
    throw new ReportError(
      `${shown}: the report is larger than ${MAX_REPORT_BYTES} bytes; narrow it with --since or --type`,
    );
  const type = String(res.headers['content-type'] ?? '');
  const expected = args.format === 'csv' ? 'text/csv' : 'application/json';
  if (!type.startsWith(expected))
    throw new ReportError(
      `${shown} is not an otelkit dashboard report (content-type "${type.slice(0, 60)}"); give the dashboard URL its first screen prints`,
    );
  return text;
}

/** Writes `text` to `file` without following a symlink planted there (0640 when created). */
export function writeReport(file: string, text: string): void {
  try {
    writeFileNoFollow(file, text, 0o640);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReportError(
      code === 'ELOOP'
        ? `--out: ${file} is a symlink; refused`
        : `--out: cannot write ${file}: ${code ?? (err as Error).message}`,
    );
  }
}
