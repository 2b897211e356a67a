/**
 * The value written instead of a secret found inside a string (OpenTelemetry semantic conventions:
 * `url.full` credentials and sensitive query values become `REDACTED`).
 */
export const REDACTED = 'REDACTED';

/** Query parameter names whose values are secrets (`?token=`, `?api_key=`, `X-Amz-Signature`, `sig`…). */
export const SECRET_QUERY_PARAM =
  /token|key|secret|password|passwd|pwd|auth|signature|^sig$|credential|session/i;

// scheme://user[:password]@ — userinfo, which a URL or a connection string carries in clear
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]*)@/gi;
// a query: from `?` to the end of the URL (whitespace, quote or fragment)
const QUERY = /\?[^\s#"'<>]*/g;
const PARAM = /([?&;])([^=&;#\s]+)=([^&;#\s"'<>]*)/g;
// key=value pairs of a libpq / ADO.NET / JDBC connection string (`password=… user=…`, `Pwd=…;`)
const KV_SECRET =
  /\b(password|passwd|pwd|secret|api[_-]?key|access[_-]?token|token)(\s*=\s*)('[^']*'|"[^"]*"|[^\s;&]+)/gi;

/**
 * `text` with the secrets a URL or a connection string carries replaced by {@link REDACTED}: the
 * userinfo of every `scheme://user:password@` (both parts, as semconv says for `url.full`), the
 * values of secret-named query parameters (`?token=`, `&password=`, `?api_key=`…), and
 * `password=` / `pwd=` / `token=` pairs of key-value connection strings. Returns `text` itself
 * when there is nothing to redact (the common case costs three `indexOf`s).
 *
 * @example
 * redactText('https://u:p@api.example.com/x?token=abc&page=2');
 * // 'https://REDACTED:REDACTED@api.example.com/x?token=REDACTED&page=2'
 */
export function redactText(text: string): string {
  const hasAt = text.includes('@');
  const hasQuery = text.includes('?');
  const hasEq = text.includes('=');
  if (!hasAt && !hasEq) return text;
  let out = text;
  if (hasAt && out.includes('://'))
    out = out.replace(USERINFO, (m, scheme: string, info: string) =>
      info === '' ? m : `${scheme}${info.includes(':') ? `${REDACTED}:${REDACTED}` : REDACTED}@`,
    );
  if (hasQuery && hasEq)
    out = out.replace(QUERY, (query) =>
      query.replace(PARAM, (m, sep: string, key: string) =>
        SECRET_QUERY_PARAM.test(safeDecode(key)) ? `${sep}${key}=${REDACTED}` : m,
      ),
    );
  if (hasEq) out = out.replace(KV_SECRET, (_m, key: string, eq: string) => `${key}${eq}${REDACTED}`);
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
