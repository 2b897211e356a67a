/**
 * Keys whose values are secrets wherever they appear (log lines, captured arguments): the one
 * list every package redacts by. Matching ignores case, `-` and `_`.
 */
export const SECRET_KEYS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'password',
  'passwd',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'apiKey',
  'api_key',
  'apikey',
  'x-api-key',
  'clientSecret',
  'client_secret',
  'privateKey',
  'private_key',
  'pwd',
  'client-secret',
  'auth-token',
  'session-token',
  'x-auth-token',
  'x-amz-security-token',
  'private-key',
  'bearer',
  'credentials',
];

function key(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? `.${k}` : `["${k}"]`;
}

/**
 * Default redaction paths (pino syntax): each secret key at the top level, one level down
 * (`*.password`), and in any `headers` object one level down (`req.headers.authorization`).
 * Deeper wildcards are left out on purpose: intermediate wildcards make every log call slower.
 */
export const DEFAULT_REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((k) => {
  const k1 = key(k);
  return [k1.startsWith('.') ? k1.slice(1) : k1, `*${k1}`, `headers${k1}`, `*.headers${k1}`];
});
