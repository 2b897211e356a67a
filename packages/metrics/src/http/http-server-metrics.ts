import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import {
  type Attributes,
  type Context,
  context,
  type Histogram,
  ProxyTracerProvider,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { checkOptionKeys } from '@otelkit/config';
import { errorType } from '../error-type';
import { localHistogramsOf } from '../internal-registry';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  type ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
  METRIC_HTTP_SERVER_REQUEST_BODY_SIZE,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
  METRIC_HTTP_SERVER_RESPONSE_BODY_SIZE,
} from '../semconv';
import type { MetricsHandle } from '../types';
import {
  type ActiveSeries,
  type LocalHistogram,
  observeActiveRequests,
  type SampledSpan,
  type Series,
} from './local-histograms';

const HTTP_METRICS_OPTION_KEYS = [
  'tracer',
  'ignorePaths',
  'route',
  'bodySize',
] as const satisfies readonly (keyof HttpMetricsOptions)[];

/** Options shared by the HTTP adapters (node:http, Express, Fastify). */
export interface HttpMetricsOptions {
  /**
   * Tracer for one SERVER span per request (W3C context extracted from the headers through the
   * global propagator). `'global'`: the global tracer, only once a TracerProvider is registered.
   * `false`: no spans of its own — the SERVER span active when the request arrives (made by
   * `@opentelemetry/instrumentation-http`) is named by route instead.
   * @default 'global' when the handle's `serverSpans` is on (config `metrics.http.serverSpans`), else false
   */
  tracer?: Tracer | 'global' | false;
  /**
   * Paths never measured: exact, or a prefix ending in `*`. The query string is ignored.
   * @default the handle's `ignorePaths` (config `metrics.http.ignorePaths` plus the Prometheus path)
   */
  ignorePaths?: readonly string[];
  /**
   * The route template (`/users/:id`) of a request, for `http.route`. Never return the raw URL:
   * ids in it would explode cardinality. Express and Fastify adapters supply their own.
   */
  route?: (req: IncomingMessage) => string | undefined;
  /** Record `http.server.request.body.size` / `response.body.size` (from Content-Length). @default true */
  bodySize?: boolean;
}

/** Per-request bookkeeping, kept on the response object. */
export interface RequestState {
  readonly t0: number;
  readonly method: string;
  readonly scheme: string;
  readonly active: ActiveSeries;
  readonly activeKey: string;
  readonly req: IncomingMessage;
  route: string | undefined;
  errorType: string | undefined;
  error: unknown;
  span: Span | undefined;
  /** Context to run the rest of the request in (the span set), when a span was started. */
  ctx: Context | undefined;
  /** Without a span of our own: the sampled span active when the request arrived (exemplars). */
  outer: SpanContext | undefined;
  /** The recording SERVER span someone else started for this request, named by route here. */
  outerSpan?: Span;
  /**
   * The route function of the adapter that knows the route (the owner's, or that of an adapter
   * mounted over a request the http instrumentation's hook already measures).
   */
  routeOf?: (req: IncomingMessage) => string | undefined;
  done: boolean;
  readonly owner: HttpServerMetrics;
}

const kState = Symbol.for('@otelkit/metrics.request-state');
/** The span start attributes are written with literal keys in `start`: these must be the semconv names. */
const START_KEYS: readonly [typeof ATTR_HTTP_REQUEST_METHOD, typeof ATTR_URL_SCHEME, typeof ATTR_URL_PATH] = [
  'http.request.method',
  'url.scheme',
  'url.path',
];
void START_KEYS;
/** A Host header: `[v6]` or a name / v4 address, then an optional port. */
const HOST = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/;

/**
 * A histogram that records through the handle's local aggregation when there is one (the fast
 * path, see LocalHistogram), else through an SDK instrument.
 */
class RequestHistogram {
  readonly local: LocalHistogram | undefined;
  private readonly _sdk: Histogram | undefined;

  constructor(
    metrics: MetricsHandle,
    name: string,
    description: string,
    unit: string,
    buckets?: readonly number[],
  ) {
    const local = localHistogramsOf(metrics);
    if (local) {
      this.local = local.histogram(name, description, unit, buckets ?? DEFAULT_SIZE_BUCKETS);
    } else {
      this._sdk = metrics.meter.createHistogram(name, {
        description,
        unit,
        ...(buckets ? { advice: { explicitBucketBoundaries: [...buckets] } } : {}),
      });
    }
  }

  /** The slow path: by attributes (local aggregation when present, else the SDK instrument). */
  record(key: string, value: number, attributes: Attributes, sampled: SampledSpan | undefined): void {
    const local = this.local;
    if (!local) this._sdk?.record(value, attributes);
    else if (sampled) local.addSampled(local.bind(key, attributes), value, sampled);
    else local.recordNew(key, attributes, value);
  }
}

/** The series one (method, scheme, route, status) records into, resolved once and cached. */
interface Bound {
  readonly duration: Series | undefined;
  // Size series are bound on first use: most requests carry no Content-Length.
  requestSize: Series | undefined;
  responseSize: Series | undefined;
  readonly key: string;
  readonly attributes: Attributes;
}

/** The SDK's default explicit boundaries, used for the body-size histograms. */
const DEFAULT_SIZE_BUCKETS = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
type WithState = ServerResponse & { [kState]?: RequestState };

const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'QUERY',
]);

// One listener: a ServerResponse emits 'close' after every response (right after 'finish'), and
// also when the client goes away first, which is when `writableFinished` is still false.
function onClose(this: WithState): void {
  const state = this[kState];
  if (state) state.owner.end(state, this, !this.writableFinished);
}

/**
 * Remembers an error thrown while handling the request behind `res`, so its class name becomes
 * `error.type` (and the span records it). Safe to call for unmeasured requests.
 */
export function recordRequestError(res: ServerResponse, err: unknown): void {
  const state = (res as WithState)[kState];
  if (state && !state.done && state.error === undefined) {
    state.error = err;
    state.errorType = errorType(err);
  }
}

/**
 * Names the request behind `res` by its route template (`/users/:id`) now, for `http.route` and
 * the SERVER span's name — for frameworks whose router is only known inside the handler chain
 * (the NestJS interceptor). Safe to call for unmeasured requests; an empty route is ignored.
 */
export function setRequestRoute(res: ServerResponse, route: string | undefined): void {
  const state = (res as WithState)[kState];
  if (state && !state.done && route) state.owner.setRoute(state, route);
}

function parseLength(value: unknown): number | undefined {
  if (typeof value === 'number') return value >= 0 ? value : undefined;
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Framework-independent request measurement following the OpenTelemetry HTTP semantic
 * conventions. Adapters call {@link start} when a request arrives; the end is observed on the
 * response's `finish`/`close` events, exactly once, so aborted requests are counted once and
 * `http.server.active_requests` never goes negative.
 */
export class HttpServerMetrics {
  private readonly _duration: RequestHistogram;
  private readonly _requestSize: RequestHistogram | undefined;
  private readonly _responseSize: RequestHistogram | undefined;
  private readonly _exact: Set<string>;
  private readonly _prefixes: string[];
  private readonly _active: Map<string, ActiveSeries>;
  /** Per (method, scheme) key: route → status → bound series. Bounded by `_boundLimit`. */
  private readonly _bound = new Map<string, Map<string, Map<number, Bound>>>();
  private _boundCount = 0;
  private readonly _boundLimit: number;
  private readonly _fast: boolean;
  private readonly _tracerOption: Tracer | 'global' | false;
  private _tracer: Tracer | undefined;
  private readonly _route: ((req: IncomingMessage) => string | undefined) | undefined;
  readonly enabled: boolean;

  constructor(metrics: MetricsHandle, options: HttpMetricsOptions = {}) {
    if (options === null || typeof options !== 'object')
      throw new Error('@otelkit/metrics: HTTP metrics options must be an object');
    checkOptionKeys(options, HTTP_METRICS_OPTION_KEYS, '@otelkit/metrics: HTTP metrics options');
    const meter = metrics.meter;
    this.enabled = metrics.enabled;
    this._duration = new RequestHistogram(
      metrics,
      METRIC_HTTP_SERVER_REQUEST_DURATION,
      'Duration of HTTP server requests.',
      's',
      metrics.durationBuckets,
    );
    // Counted locally (two integer updates per request) and observed at collection time; shared
    // by every adapter of the handle so that two of them never report the same series twice.
    const local = localHistogramsOf(metrics);
    if (local) {
      this._active = local.activeRequests(meter);
    } else {
      this._active = new Map();
      observeActiveRequests(meter, this._active);
    }
    if (options.bodySize !== false) {
      this._requestSize = new RequestHistogram(
        metrics,
        METRIC_HTTP_SERVER_REQUEST_BODY_SIZE,
        'Size of HTTP server request bodies.',
        'By',
      );
      this._responseSize = new RequestHistogram(
        metrics,
        METRIC_HTTP_SERVER_RESPONSE_BODY_SIZE,
        'Size of HTTP server response bodies.',
        'By',
      );
    }
    this._fast = this._duration.local !== undefined;
    this._boundLimit = metrics.cardinalityLimit * 4;
    const ignore = options.ignorePaths ?? metrics.ignorePaths;
    if (!Array.isArray(ignore) || ignore.some((p) => typeof p !== 'string')) {
      throw new Error('@otelkit/metrics: http option "ignorePaths" must be an array of path strings');
    }
    this._exact = new Set(ignore.filter((p) => !p.endsWith('*')));
    this._prefixes = ignore.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
    const tracer = options.tracer ?? (metrics.serverSpans === false ? false : 'global');
    if (tracer !== 'global' && tracer !== false && typeof (tracer as Tracer).startSpan !== 'function') {
      throw new Error('@otelkit/metrics: http option "tracer" must be a Tracer, "global" or false');
    }
    this._tracerOption = tracer;
    if (typeof tracer === 'object') this._tracer = tracer;
    if (options.route !== undefined && typeof options.route !== 'function') {
      throw new Error('@otelkit/metrics: http option "route" must be a function (req) => string | undefined');
    }
    this._route = options.route;
  }

  /** Whether `url` (path and query) is on the skip list. */
  ignored(url: string | undefined): boolean {
    if (url === undefined) return false;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (this._exact.has(path)) return true;
    for (const prefix of this._prefixes) if (path.startsWith(prefix)) return true;
    return false;
  }

  /** Starts measuring; `undefined` when the request is skipped or metrics are disabled. */
  start(req: IncomingMessage, res: ServerResponse): RequestState | undefined {
    if (!this.enabled || this.ignored(req.url)) return undefined;
    const existing = (res as WithState)[kState];
    if (existing) {
      // Mounted twice, or measured already from the http instrumentation's hook: measure once, and
      // let the adapter that knows the route name it.
      if (existing.owner !== this) {
        if (existing.span === undefined) existing.outerSpan ??= activeServerSpan();
        existing.routeOf ??= this._route;
        if (existing.route === undefined) this.setRoute(existing, resolveRoute(existing.routeOf, req));
      }
      return existing;
    }
    const raw = req.method ?? 'GET';
    const method = KNOWN_METHODS.has(raw) ? raw : '_OTHER';
    const scheme = (req.socket as TLSSocket | undefined)?.encrypted ? 'https' : 'http';
    const key = method + scheme;
    let active = this._active.get(key);
    if (!active) {
      // Bounded: known methods plus _OTHER, times http/https.
      active = { attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_SCHEME]: scheme }, value: 0 };
      this._active.set(key, active);
    }
    const state: RequestState = {
      t0: performance.now(),
      method,
      scheme,
      active,
      activeKey: key,
      req,
      route: undefined,
      errorType: undefined,
      error: undefined,
      span: undefined,
      ctx: undefined,
      outer: undefined,
      done: false,
      owner: this,
      routeOf: this._route,
    };
    (res as WithState)[kState] = state;
    active.value++;
    res.on('close', onClose);

    const tracer = this._resolveTracer();
    if (tracer) {
      try {
        const parent = propagation.extract(ROOT_CONTEXT, req.headers);
        // Literal keys (the semconv names, checked at compile time by START_KEYS): computed keys
        // from the semconv module cost every request a runtime call per property
        // (DefineKeyedOwnPropertyInLiteral, ~1k instructions each), sampled or not.
        const attributes: Attributes = {
          'http.request.method': method,
          'url.scheme': scheme,
          'url.path': pathOf(req.url),
        };
        if (method === '_OTHER') attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = raw;
        const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes }, parent);
        // Descriptive attributes only for spans that are kept (most are not, at low sampling).
        if (span.isRecording()) {
          // server.address / server.port from Host (what the client called: behind a proxy,
          // not our socket's); the scheme's default port when Host names none
          const host = HOST.exec(req.headers.host ?? '');
          if (host) {
            span.setAttribute(ATTR_SERVER_ADDRESS, host[1] ?? host[2]!);
            const port = host[3] ? Number(host[3]) : scheme === 'https' ? 443 : 80;
            if (port > 0 && port < 65536) span.setAttribute(ATTR_SERVER_PORT, port);
          }
          const ua = req.headers['user-agent'];
          if (ua) span.setAttribute(ATTR_USER_AGENT_ORIGINAL, ua);
        }
        state.span = span;
        state.ctx = trace.setSpan(parent, span);
      } catch {
        // Instrumentation never breaks the request.
      }
    } else {
      // The SERVER span made by someone else (instrumentation-http): its sampled span gives
      // exemplars, and it is named by route here, so a request has one span, named as ours would be.
      const outer = trace.getSpanContext(context.active());
      if (outer && outer.traceFlags & TraceFlags.SAMPLED) state.outer = outer;
      state.outerSpan = activeServerSpan();
      this.setRoute(state, resolveRoute(this._route, req));
    }
    return state;
  }

  /** Sets the route template for `http.route` (adapters call this once routing is known). */
  setRoute(state: RequestState, route: string | undefined): void {
    if (!route) return;
    state.route = route;
    const outer = state.outerSpan;
    if (outer?.isRecording()) {
      try {
        outer.setAttribute(ATTR_HTTP_ROUTE, route);
        outer.updateName(`${state.method} ${route}`);
      } catch {
        // never into the app
      }
    }
  }

  /** Runs `fn` inside the request's span context (or plainly when there is none). */
  runInContext<T>(state: RequestState | undefined, fn: () => T): T {
    return state?.ctx ? context.with(state.ctx, fn) : fn();
  }

  /** Ends the measurement once; later calls are ignored. Called by the response events. */
  end(state: RequestState, res: ServerResponse, aborted: boolean): void {
    if (state.done) return;
    state.done = true;
    try {
      const seconds = (performance.now() - state.t0) / 1000;
      state.active.value--;
      let route = state.route;
      if (route === undefined) {
        // Known only once routing ran (Express): it also names the instrumentation's span, if any.
        route = resolveRoute(state.routeOf, state.req);
        this.setRoute(state, route);
      }
      const statusSent = !aborted || res.headersSent;
      const status = res.statusCode;
      // Server side, only 5xx and unfinished responses are errors (semconv); 4xx are the client's.
      const failed = aborted || status >= 500;
      const errorType = failed ? (state.errorType ?? (aborted ? 'aborted' : String(status))) : undefined;
      const inLength = this._requestSize ? parseLength(state.req.headers['content-length']) : undefined;
      const outLength =
        this._responseSize && statusSent ? parseLength(res.getHeader('content-length')) : undefined;
      // Fast path: the common (method, scheme, route, status) without error, resolved once.
      const cacheable = this._fast && statusSent && errorType === undefined;
      const bound = cacheable ? this._lookup(state.activeKey, route ?? '', status) : undefined;
      const sampled = sampledOf(state);
      if (bound) {
        if (sampled) this._duration.local?.addSampled(bound.duration, seconds, sampled);
        else this._duration.local?.add(bound.duration, seconds);
        if (inLength !== undefined) {
          const h = this._requestSize?.local;
          bound.requestSize ??= h?.bind(bound.key, bound.attributes);
          h?.add(bound.requestSize, inLength);
        }
        if (outLength !== undefined) {
          const h = this._responseSize?.local;
          bound.responseSize ??= h?.bind(bound.key, bound.attributes);
          h?.add(bound.responseSize, outLength);
        }
      } else {
        const key = `${state.method}|${state.scheme}|${statusSent ? status : ''}|${route ?? ''}|${errorType ?? ''}`;
        const attrs: Attributes = {
          [ATTR_HTTP_REQUEST_METHOD]: state.method,
          [ATTR_URL_SCHEME]: state.scheme,
        };
        if (statusSent) attrs[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
        if (route) attrs[ATTR_HTTP_ROUTE] = route;
        if (errorType) attrs[ATTR_ERROR_TYPE] = errorType;
        this._duration.record(key, seconds, attrs, sampled);
        if (inLength !== undefined) this._requestSize?.record(key, inLength, attrs, undefined);
        if (outLength !== undefined) this._responseSize?.record(key, outLength, attrs, undefined);
        if (cacheable) this._store(state.activeKey, route ?? '', status, key, attrs);
      }
      const span = state.span;
      if (span) {
        // A non-recording span (most, at low sampling) ignores all of it: skip building the name.
        if (span.isRecording()) {
          if (statusSent) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
          if (route) {
            span.setAttribute(ATTR_HTTP_ROUTE, route);
            span.updateName(`${state.method} ${route}`);
          }
          if (errorType) {
            span.setAttribute(ATTR_ERROR_TYPE, errorType);
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          if (state.error instanceof Error) span.recordException(state.error);
        }
        span.end();
      }
    } catch {
      // Never into the app.
    }
  }

  private _lookup(activeKey: string, route: string, status: number): Bound | undefined {
    return this._bound.get(activeKey)?.get(route)?.get(status);
  }

  private _store(activeKey: string, route: string, status: number, key: string, attrs: Attributes): void {
    if (this._boundCount >= this._boundLimit) return; // routes leaking raw URLs: stay on the slow path
    let byRoute = this._bound.get(activeKey);
    if (!byRoute) {
      byRoute = new Map();
      this._bound.set(activeKey, byRoute);
    }
    let byStatus = byRoute.get(route);
    if (!byStatus) {
      byStatus = new Map();
      byRoute.set(route, byStatus);
    }
    byStatus.set(status, {
      duration: this._duration.local?.bind(key, attrs),
      requestSize: undefined,
      responseSize: undefined,
      key,
      attributes: attrs,
    });
    this._boundCount++;
  }

  private _resolveTracer(): Tracer | undefined {
    if (this._tracer || this._tracerOption !== 'global') return this._tracer;
    // Only once a real TracerProvider is registered: spans from the no-op one would be pure cost.
    const provider = trace.getTracerProvider();
    if (provider instanceof ProxyTracerProvider) {
      this._tracer = provider.getDelegateTracer('@otelkit/metrics');
    } else {
      this._tracer = provider.getTracer('@otelkit/metrics');
    }
    return this._tracer;
  }
}

/** The route template from an adapter's route function; never throws. */
function resolveRoute(
  routeOf: ((req: IncomingMessage) => string | undefined) | undefined,
  req: IncomingMessage,
): string | undefined {
  if (!routeOf) return undefined;
  try {
    return routeOf(req) || undefined;
  } catch {
    return undefined;
  }
}

/** The active span when it is a recording SERVER span (the http instrumentation's), else undefined. */
function activeServerSpan(): Span | undefined {
  const span = trace.getSpan(context.active());
  if (!span?.isRecording()) return undefined;
  return (span as unknown as { kind?: SpanKind }).kind === SpanKind.SERVER ? span : undefined;
}

/** The sampled span of a request (ours, else the one active when it arrived), for exemplars. */
function sampledOf(state: RequestState): SpanContext | undefined {
  const span = state.span;
  if (span === undefined) return state.outer;
  const sc = span.spanContext();
  return sc.traceFlags & TraceFlags.SAMPLED ? sc : undefined;
}

function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
