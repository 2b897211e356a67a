import { IncomingMessage, ServerResponse } from 'node:http';

type Obj = Record<string, unknown>;

const REQUEST_KEYS = new Set([
  'method',
  'url',
  'originalUrl',
  'headers',
  'id',
  'remoteAddress',
  'remotePort',
  'ip',
]);
const RESPONSE_KEYS = new Set(['statusCode', 'headers']);
const REQUEST_ID_HEADERS = ['request-id', 'x-request-id'];

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What @elastic/ecs-pino-format converts itself: real node:http objects (or Fastify's `raw`). */
function convertedUpstream(req: Obj): boolean {
  const raw = req.raw as Obj | undefined;
  if (isObject(raw) && isObject(raw.req) && 'httpVersion' in raw.req) return true;
  return 'httpVersion' in req && 'headers' in req && 'method' in req;
}

function setIn(target: Obj, path: readonly string[], value: unknown): void {
  if (value === undefined) return;
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Obj;
  }
  node[path[path.length - 1] as string] = value;
}

function splitUrl(ecs: Obj, url: string): void {
  const q = url.indexOf('?');
  const h = url.indexOf('#');
  const end = q > -1 ? q : h > -1 ? h : url.length;
  setIn(ecs, ['url', 'path'], url.slice(0, end));
  if (q > -1) setIn(ecs, ['url', 'query'], url.slice(q + 1, h > q ? h : url.length));
  if (h > -1) setIn(ecs, ['url', 'fragment'], url.slice(h + 1));
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const header = (headers: Obj | undefined, name: string): string | undefined => {
  const v = headers?.[name];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
};

/** A plain request object (pino's serialized `req`, a framework's, a hand-made one) as ECS fields. */
function requestFields(ecs: Obj, req: Obj): void {
  const headers = isObject(req.headers) ? req.headers : undefined;
  setIn(ecs, ['http', 'request', 'method'], str(req.method));
  const url = str(req.originalUrl) ?? str(req.url);
  if (url !== undefined) {
    splitUrl(ecs, url);
    const host = header(headers, 'host');
    if (host && url.startsWith('/')) setIn(ecs, ['url', 'full'], `http://${host}${url}`);
  }
  if (headers && Object.keys(headers).length > 0) {
    setIn(ecs, ['http', 'request', 'headers'], { ...headers });
    const length = Number(header(headers, 'content-length'));
    if (header(headers, 'content-length') !== undefined && Number.isInteger(length))
      setIn(ecs, ['http', 'request', 'body', 'bytes'], length);
    setIn(ecs, ['user_agent', 'original'], header(headers, 'user-agent'));
  }
  const id =
    typeof req.id === 'number'
      ? String(req.id)
      : (str(req.id) ?? REQUEST_ID_HEADERS.map((h) => header(headers, h)).find(Boolean));
  setIn(ecs, ['http', 'request', 'id'], id);
  const ip = str(req.ip) ?? str(req.remoteAddress);
  if (ip) {
    setIn(ecs, ['client', 'ip'], ip);
    setIn(ecs, ['client', 'address'], ip);
  }
  if (typeof req.remotePort === 'number') setIn(ecs, ['client', 'port'], req.remotePort);
}

function responseFields(ecs: Obj, res: Obj): void {
  if (typeof res.statusCode === 'number') setIn(ecs, ['http', 'response', 'status_code'], res.statusCode);
  const headers = isObject(res.headers) ? res.headers : undefined;
  if (headers && Object.keys(headers).length > 0) {
    setIn(ecs, ['http', 'response', 'headers'], { ...headers });
    const raw = headers['content-length'];
    const length = Number(raw);
    if (raw !== undefined && Number.isInteger(length))
      setIn(ecs, ['http', 'response', 'body', 'bytes'], length);
  }
}

/** The keys of `o` outside `known` with a value, or undefined when there are none. */
function leftovers(o: Obj, known: ReadonlySet<string>): Obj | undefined {
  let out: Obj | undefined;
  for (const [k, v] of Object.entries(o)) {
    if (known.has(k) || v === undefined) continue;
    out ??= {};
    out[k] = v;
  }
  return out;
}

function mergeInto(target: Obj, source: Obj): void {
  for (const [k, v] of Object.entries(source)) {
    if (isObject(v) && isObject(target[k])) mergeInto(target[k] as Obj, v);
    else if (!(k in target)) target[k] = v;
  }
}

/**
 * `req` / `res` given as plain objects — pino's serialized shape, `{ method, url, headers }`,
 * `{ statusCode }` — which @elastic/ecs-pino-format would drop without a trace (it converts only
 * real node:http objects): their known fields become ECS `http.*`, `url.*`, `client.*`,
 * `user_agent.*`; what has no ECS field stays under `req` / `res`; an object with no known field at
 * all stays as it was. Fields the caller set explicitly win over derived ones.
 */
export function withPlainHttpAsEcs(obj: Obj, ecsLog: (o: Obj) => Obj): Obj {
  const { req, res } = obj;
  const plainReq =
    isObject(req) &&
    !(req instanceof IncomingMessage) &&
    !convertedUpstream(req) &&
    hasAny(req, REQUEST_KEYS);
  const plainRes =
    isObject(res) &&
    !(res instanceof ServerResponse) &&
    typeof (res as Obj).getHeaders !== 'function' &&
    hasAny(res, RESPONSE_KEYS);
  if (!plainReq && !plainRes) return keepUnknown(obj, ecsLog);
  const rest: Obj = { ...obj };
  const derived: Obj = {};
  if (plainReq) {
    delete rest.req;
    requestFields(derived, req as Obj);
  }
  if (plainRes) {
    delete rest.res;
    responseFields(derived, res as Obj);
  }
  const out = keepUnknown(rest, ecsLog);
  mergeInto(out, derived);
  if (plainReq) {
    const extra = leftovers(req as Obj, REQUEST_KEYS);
    if (extra) out.req = extra;
  }
  if (plainRes) {
    const extra = leftovers(res as Obj, RESPONSE_KEYS);
    if (extra) out.res = extra;
  }
  return out;
}

/**
 * ECS `error.code` from the logged error's `code` (`ECONNRESET`, `ERR_HTTP_HEADERS_SENT`, a
 * driver's SQLSTATE…), which ecs-pino-format leaves out. An explicit `error.code` wins.
 */
export function withErrorCode(obj: Obj, out: Obj): Obj {
  const err = obj.err as { code?: unknown } | null;
  const code = err !== null && typeof err === 'object' ? err.code : undefined;
  if ((typeof code === 'string' && code !== '') || (typeof code === 'number' && Number.isFinite(code))) {
    if (!isObject(out.error)) out.error = {};
    const error = out.error as Obj;
    if (error.code === undefined) error.code = String(code).slice(0, 256);
  }
  return out;
}

function hasAny(o: Obj, keys: ReadonlySet<string>): boolean {
  for (const k of keys) if (o[k] !== undefined) return true;
  return false;
}

/** `req` / `res` values ecs-pino-format cannot convert (no known field at all) are kept as they were. */
function keepUnknown(obj: Obj, ecsLog: (o: Obj) => Obj): Obj {
  const { req, res } = obj;
  const keepReq =
    req !== undefined && !(req instanceof IncomingMessage) && !(isObject(req) && convertedUpstream(req));
  const keepRes =
    res !== undefined &&
    !(res instanceof ServerResponse) &&
    !(isObject(res) && typeof (res as Obj).getHeaders === 'function');
  const out = ecsLog(obj);
  if (keepReq) out.req = req;
  if (keepRes) out.res = res;
  return out;
}
