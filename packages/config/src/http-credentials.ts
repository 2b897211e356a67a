import { createHash, timingSafeEqual } from 'node:crypto';

/** Credentials a request must bring: Basic (user and password) or a bearer token. */
export type HttpCredentials =
  | { readonly type: 'basic'; readonly username: string; readonly password: string }
  | { readonly type: 'bearer'; readonly token: string };

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * A check of an `Authorization` header against fixed credentials, in constant time: values are
 * compared as SHA-256 digests with `timingSafeEqual` (equal lengths whatever was sent), and for
 * Basic both the user and the password always, so the time taken says nothing about which part
 * was wrong. Returns `true` when the header carries exactly these credentials.
 *
 * @example
 * const allowed = credentialCheck({ type: 'bearer', token: process.env.SCRAPE_TOKEN! });
 * allowed(req.headers.authorization); // false → 401 with `challenge`
 */
export function credentialCheck(
  credentials: HttpCredentials,
): (authorization: string | undefined) => boolean {
  if (credentials.type === 'bearer') {
    const token = digest(credentials.token);
    return (header) => {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
      // a digest of something, always: a missing header costs what a wrong one costs
      return timingSafeEqual(digest(m ? (m[1] as string) : ''), token) && m !== null;
    };
  }
  const user = digest(credentials.username);
  const password = digest(credentials.password);
  return (header) => {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (m === null) return false;
    const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const okUser = timingSafeEqual(digest(colon === -1 ? decoded : decoded.slice(0, colon)), user);
    const okPassword = timingSafeEqual(digest(colon === -1 ? '' : decoded.slice(colon + 1)), password);
    return okUser && okPassword;
  };
}

/** The `WWW-Authenticate` value of a 401 for these credentials. */
export function credentialChallenge(credentials: HttpCredentials, realm: string): string {
  return credentials.type === 'bearer'
    ? `Bearer realm="${realm}"`
    : `Basic realm="${realm}", charset="UTF-8"`;
}
