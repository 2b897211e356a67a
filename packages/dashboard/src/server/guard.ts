/**
 * What every dashboard response goes through: the Host allow-list (against DNS rebinding), the
 * credentials (Basic, or the app's `authorize(req)`), the security headers, and the same-origin
 * check of actions. The anchors' recurring failures — an open stream behind a protected page,
 * CORS `*`, assets from a CDN — are ruled out here, once, for every path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { credentialCheck, type DashboardConfig } from '@otelkit/config';
import type { AuthorizeFn } from '../types';

/** The page loads only its own files; scripts and styles from the same origin, nothing inline. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
});

/** The Host header's name part, lower-cased (`[::1]:9465` → `[::1]`). */
export function hostName(host: string | undefined): string | undefined {
  if (host === undefined || host === '') return undefined;
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? undefined : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

export type GuardResult = { ok: true } | { ok: false; status: 401 | 421 | 403; reason: string };

export class Guard {
  private readonly _hosts: ReadonlySet<string>;
  /** Basic credentials, compared in constant time (`credentialCheck`, `@otelkit/config`). */
  private readonly _basic?: (authorization: string | undefined) => boolean;

  constructor(
    config: DashboardConfig,
    private readonly _authorize: AuthorizeFn | undefined,
    private readonly _challenge: string,
  ) {
    this._hosts = new Set(config.allowedHosts.map((h) => h.toLowerCase()));
    if (config.auth?.type === 'basic') this._basic = credentialCheck(config.auth);
  }

  /** Whether some check of who is asking applies (Basic or the hook). */
  get authenticates(): boolean {
    return this._authorize !== undefined || this._basic !== undefined;
  }

  get challenge(): string {
    return this._challenge;
  }

  hostAllowed(req: IncomingMessage): boolean {
    const h = hostName(req.headers.host);
    return h !== undefined && this._hosts.has(h);
  }

  /** Host first (a rebinding page never learns whether credentials would work), then credentials. */
  async check(req: IncomingMessage): Promise<GuardResult> {
    if (!this.hostAllowed(req)) return { ok: false, status: 421, reason: 'host not allowed' };
    if (this._authorize !== undefined) {
      let allowed = false;
      try {
        allowed = (await this._authorize(req)) === true;
      } catch {
        allowed = false;
      }
      return allowed ? { ok: true } : { ok: false, status: 401, reason: 'not authorized' };
    }
    if (this._basic !== undefined) {
      const header = req.headers.authorization;
      if (header === undefined || !/^Basic\s/i.test(header))
        return { ok: false, status: 401, reason: 'credentials required' };
      return this._basic(header) ? { ok: true } : { ok: false, status: 401, reason: 'wrong credentials' };
    }
    return { ok: true };
  }

  /**
   * An action (POST) must come from the page itself: `Origin` (or, without one, `Referer` —
   * which the page never sends, being no-referrer) naming an allowed host, and `Sec-Fetch-Site`
   * `same-origin` when the browser sends it.
   */
  sameOrigin(req: IncomingMessage): boolean {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') return false;
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || origin === 'null') return false;
    let u: URL;
    try {
      u = new URL(origin);
    } catch {
      return false;
    }
    return u.host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
  }
}

/** Writes the security headers (every response, errors included). */
export function secure(res: ServerResponse): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}

/** A short plain-text answer with the security headers. */
export function plain(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  secure(res);
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${text}\n`);
}
