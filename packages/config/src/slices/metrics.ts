/**
 * The `metrics` slice: exporters (Prometheus, OTLP), intervals, cardinality, buckets, views, the HTTP
 * server metrics. Its schema, output and input types and defaults live here, once; `@otelkit/metrics`
 * uses the slice as it is.
 */
import { z } from 'zod';
import type { ConfigIssue } from '../errors';
import { checkEndpoints } from '../fields/endpoint-safety';
import type { Mutable, Named } from '../fields/input-types';
import { INSTRUMENT_NAME_RULE, isInstrumentName } from '../fields/instrument-name';
import {
  DEFAULT_OTLP,
  type DraftOtlp,
  finishOtlp,
  type OtlpEndpointConfig,
  type OtlpPartial,
  type OtlpProtocol,
  type OtlpShape,
  otlpFields,
  otlpShape,
} from '../fields/otlp';
import {
  bool,
  defined,
  durationMillis,
  durationSeconds,
  type InputOf,
  isPlainObject,
  issue,
  obj,
  objT,
  pair,
  posInt,
  reemit,
  req,
  tagged,
  text,
  withInput,
} from '../fields/zod-fields';
import { didYouMean } from '../suggest';
import { type SliceContext, sliceNormalizer } from './normalize';
import { DEFAULT_SHUTDOWN } from './process';
import { DEFAULT_HEALTH } from './resources';
import type { ConsoleExporterConfig } from './tracing';

/** The health endpoints' default paths: not application traffic. */
const DEFAULT_HEALTH_PATHS = [DEFAULT_HEALTH.path, DEFAULT_HEALTH.livenessPath, DEFAULT_HEALTH.readinessPath];

export interface PrometheusExporterConfig {
  readonly type: 'prometheus';
  /**
   * `'server'`: otelkit's own HTTP listener on host:port/path. `'handler'`: no listener; mount
   * the `(req, res)` handler on your own server. @default 'server'
   */
  readonly mode: 'server' | 'handler';
  /** @default '127.0.0.1' */
  readonly host: string;
  /** @default 9464 */
  readonly port: number;
  /** @default '/metrics' */
  readonly path: string;
  /**
   * Further paths the own listener serves the same exposition at (the seed's `custom` collector
   * `path`). Absent unless given.
   */
  readonly extraPaths?: readonly string[];
  /**
   * Credentials a scrape must bring (otherwise 401 with `WWW-Authenticate`); Prometheus sends them
   * with `basic_auth` or `authorization` (bearer) in its scrape config. Absent: no check — bind to
   * loopback then (the default); a listener on another address without it warns at startup.
   */
  readonly auth?: PrometheusAuthConfig;
}

/** Credentials of the Prometheus listener. */
export type PrometheusAuthConfig =
  | { readonly type: 'basic'; readonly username: string; readonly password: string }
  | { readonly type: 'bearer'; readonly token: string };

/** OTLP metric temporality preference (the spec's three values). */
export type MetricTemporality = 'cumulative' | 'delta' | 'lowmemory';

export interface OtlpMetricExporterConfig extends OtlpEndpointConfig {
  readonly type: 'otlp';
  /**
   * `cumulative`, `delta`, or `lowmemory` (delta for counters and histograms, cumulative for
   * up-down counters and gauges: the spec's memory-saving choice). `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`.
   * @default 'cumulative'
   */
  readonly temporality: MetricTemporality;
}

export type MetricExporterConfig =
  | PrometheusExporterConfig
  | OtlpMetricExporterConfig
  | ConsoleExporterConfig;

/** A view: change the buckets, keep only some attributes, or rename one instrument's stream. */
export interface MetricViewConfig {
  /** Instrument name; `*` wildcards allowed. */
  readonly instrument: string;
  readonly name?: string;
  readonly description?: string;
  /** Explicit histogram bucket boundaries, ascending. */
  readonly buckets?: readonly number[];
  /** Attribute keys to keep (all others dropped). */
  readonly attributes?: readonly string[];
  /** Drop the instrument entirely. */
  readonly drop?: boolean;
}

export interface MetricsConfig {
  /** @default true */
  readonly enabled: boolean;
  /**
   * Push exporters export this often; for Prometheus (pull) it is the intended scrape interval,
   * used by the generated deploy configs. @default 60000
   */
  readonly exportIntervalMillis: number;
  /** @default 30000 */
  readonly exportTimeoutMillis: number;
  /** @default [{ type: 'prometheus', mode: 'server', host: '127.0.0.1', port: 9464, path: '/metrics' }] */
  readonly exporters: readonly MetricExporterConfig[];
  /** Attribute sets per instrument before new ones fold into one overflow series. @default 2000 */
  readonly cardinalityLimit: number;
  /** Default bucket boundaries (seconds) for duration histograms. */
  readonly durationBuckets: readonly number[];
  readonly views: readonly MetricViewConfig[];
  readonly http: {
    /** Paths never measured (exact, or a prefix ending in `*`). @default the metrics and health paths */
    readonly ignorePaths: readonly string[];
    /**
     * Whether otelkit's HTTP middleware starts the SERVER span of a request. Decided once, by
     * `loadConfig`: off when the `http` auto-instrumentation is on (it makes that span, and the
     * middleware names it by route), on otherwise — so a request has exactly one SERVER span.
     * @default !instrumentations.enabled.includes('http')
     */
    readonly serverSpans: boolean;
  };
  /** Budget for `shutdown()`, flush included. @default 5000 */
  readonly shutdownTimeoutMillis: number;
}

/**
 * Bucket boundaries in seconds for duration histograms (OpenTelemetry HTTP semconv advice): the
 * default of `metrics.durationBuckets`, and what `@otelkit/metrics` uses when a slice leaves it empty.
 */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

/** The Prometheus endpoint otelkit serves when nothing else is said (OpenTelemetry's port 9464, loopback only). */
export const DEFAULT_PROMETHEUS = Object.freeze({
  type: 'prometheus' as const,
  mode: 'server' as const,
  host: '127.0.0.1',
  port: 9464,
  path: '/metrics',
});

/** Metrics defaults: export interval and timeout (OTEL_METRIC_EXPORT_*), series per instrument. */
export const DEFAULT_METRICS = Object.freeze({
  exportIntervalMillis: 60_000,
  exportTimeoutMillis: 30_000,
  cardinalityLimit: 2000,
});

/** Who may scrape: `{ username, password }` (Basic) or `{ type: 'bearer', token }`. */
const credential = req(text, 'expected a non-empty string');
const basicAuth = objT(
  {
    type: z.literal('basic'),
    /** Basic auth user a scrape must send. */
    username: credential,
    /** Basic auth password a scrape must send. */
    password: credential,
  },
  (o): PrometheusAuthConfig => ({ type: 'basic', username: o!.username, password: o!.password }),
);
const bearerAuth = objT(
  {
    type: z.literal('bearer'),
    /** The bearer token a scrape must send (`Authorization: Bearer …`). */
    token: credential,
  },
  (o): PrometheusAuthConfig => ({ type: 'bearer', token: o!.token }),
);
const prometheusAuth = withInput<
  (Omit<InputOf<typeof basicAuth>, 'type'> & { type?: 'basic' }) | InputOf<typeof bearerAuth>
>()(
  z
    .any()
    .transform((v) => (isPlainObject(v) && v.type === undefined ? { ...v, type: 'basic' } : v))
    .pipe(tagged({ basic: basicAuth, bearer: bearerAuth })),
);

/** The OTLP metrics exporter's nodes: its temporality and the shared OTLP wire options (named, for their docs). */
const otlpMetricShape: {
  type: z.ZodLiteral<'otlp'>;
  /** `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`. @default 'cumulative' */
  temporality: z.ZodOptional<z.ZodEnum<{ cumulative: 'cumulative'; delta: 'delta'; lowmemory: 'lowmemory' }>>;
} & OtlpShape = {
  type: z.literal('otlp'),
  temporality: z.enum(['cumulative', 'delta', 'lowmemory']).optional(),
  ...otlpShape,
};

export const metricExporterSchema = tagged({
  prometheus: objT(
    {
      type: z.literal('prometheus'),
      /** `'server'`: its own listener; `'handler'`: mounted on the app's server. @default 'server' */
      mode: z.enum(['server', 'handler']).optional(),
      /** @default '127.0.0.1' */
      host: text.optional(),
      /** @default 9464 */
      port: z.number().int().min(0).max(65535).optional(),
      /** @default '/metrics' */
      path: z.string().startsWith('/').optional(),
      /** More paths the own listener serves the same exposition at (the seed's custom collector path). */
      extraPaths: z.array(z.string().startsWith('/')).optional(),
      /** `{ username, password }` (Basic) or `{ type: 'bearer', token }`: scrapes without them get 401. */
      auth: prometheusAuth,
    },
    (o) => ({
      type: 'prometheus' as const,
      mode: o!.mode ?? DEFAULT_PROMETHEUS.mode,
      host: o!.host ?? DEFAULT_PROMETHEUS.host,
      port: o!.port ?? DEFAULT_PROMETHEUS.port,
      path: o!.path ?? DEFAULT_PROMETHEUS.path,
      ...(o!.extraPaths ? { extraPaths: [...new Set(o!.extraPaths)] } : {}),
      ...(o!.auth ? { auth: o!.auth } : {}),
    }),
  ),
  otlp: objT(otlpMetricShape, (o, ctx) => ({
    type: 'otlp' as const,
    temporality: o!.temporality ?? 'cumulative',
    ...otlpFields(o!, ctx),
  })),
  console: objT({ type: z.literal('console') }, () => ({ type: 'console' as const })),
  none: objT({ type: z.literal('none') }, () => ({ type: 'none' as const })),
});

const METRIC_BACKENDS = ['prometheus', 'otlp', 'console', 'none'] as const;
const METRIC_TRANSPORTS = ['http', 'handler', 'grpc', 'http/json', 'http/protobuf'] as const;
type MetricTransport = (typeof METRIC_TRANSPORTS)[number];

/** A metrics exporter as parsed, endpoint possibly still unset. */
export type PartialMetricExporter =
  | Exclude<MetricExporterConfig, { type: 'otlp' }>
  | ({ type: 'otlp'; temporality: MetricTemporality } & OtlpPartial);

const metricExporterEntryAny = z.any().transform((v, ctx) => {
  if (typeof v === 'string' && (METRIC_TRANSPORTS as readonly string[]).includes(v)) {
    return { transport: v as MetricTransport };
  }
  if (typeof v === 'string' && !(METRIC_BACKENDS as readonly string[]).includes(v)) {
    const all = [...METRIC_BACKENDS, ...METRIC_TRANSPORTS];
    const hint = didYouMean(v, all);
    issue(
      ctx,
      `expected a backend (${METRIC_BACKENDS.join('|')}), a transport paired with metrics.collectors (${METRIC_TRANSPORTS.join('|')}) or { type, ... }${hint ? ` (did you mean "${hint}"?)` : ''}`,
      v,
    );
    return z.NEVER;
  }
  const r = metricExporterSchema.safeParse(v, { reportInput: true });
  if (!r.success) {
    reemit(ctx, r.error.issues);
    return z.NEVER;
  }
  return { exporter: r.data! };
});
/** A backend (`'prometheus'`, `{ type: 'otlp', ... }`), or a transport paired with `collectors`. */
const metricExporterEntry = withInput<Named<MetricTransport> | InputOf<typeof metricExporterSchema>>()(
  metricExporterEntryAny,
);

/**
 * One metrics exporter as written: a backend (`'prometheus' | 'otlp' | 'console' | 'none'`, or
 * `{ type, ... }`), or a transport (`'http' | 'handler' | 'grpc' | 'http/json' | 'http/protobuf'`)
 * paired with `collectors`.
 */
export type MetricExporterInput = InputOf<typeof metricExporterEntry>;

const view = objT(
  {
    /** Instrument name; `*` wildcards allowed. */
    instrument: text,
    /** A new name for the stream (not with a wildcard). */
    name: text.optional(),
    /** A new description for the stream. */
    description: z.string().optional(),
    /** Explicit histogram bucket boundaries, ascending. */
    buckets: z.array(z.number()).min(1).optional(),
    /** Attribute keys to keep (all others dropped). */
    attributes: z.array(text).optional(),
    /** Drop the instrument entirely. */
    drop: bool.optional(),
  },
  (v, ctx) => {
    const b = v!.buckets;
    if (b?.some((x, i) => i > 0 && x <= b[i - 1]!))
      issue(ctx, 'expected strictly ascending numbers', b, ['buckets']);
    if (b?.some((x) => !Number.isFinite(x))) issue(ctx, 'expected finite numbers', b, ['buckets']);
    if (v!.name !== undefined) {
      if (!isInstrumentName(v!.name))
        issue(ctx, `expected an instrument name: ${INSTRUMENT_NAME_RULE}`, v!.name, ['name']);
      else if (/[*?]/.test(v!.instrument))
        issue(ctx, 'cannot rename a wildcard selector (it would merge several instruments)', v!.name, [
          'name',
        ]);
    }
    return defined({ ...v! });
  },
);

export const metricsSchema = objT(
  {
    /** @default true */
    enabled: bool.optional(),
    /** Backends: `['prometheus']`, `['otlp']`, … (paired with transports in `exporters`). */
    collectors: withInput<Named<'prometheus' | 'otlp' | 'console'>[]>()(
      z.array(z.enum(['prometheus', 'otlp', 'console'])).optional(),
    ),
    /** Backends, or transports paired with `collectors`. @default ['prometheus'] (127.0.0.1:9464) */
    exporters: z.array(req(metricExporterEntry)).optional(),
    /** Export / collection interval; a bare number is seconds. */
    interval: durationSeconds,
    /** The same in milliseconds (or `'60s'`). @default 60000 */
    exportIntervalMillis: durationMillis,
    /** Per-export timeout (`'30s'`, or seconds). */
    exportTimeout: durationSeconds,
    /** The same in milliseconds (or `'30s'`). @default 30000 */
    exportTimeoutMillis: durationMillis,
    /** Series per instrument; more are folded into one overflow series and counted. @default 2000 */
    cardinalityLimit: posInt.optional(),
    /** Duration histogram buckets in seconds. @default the OpenTelemetry HTTP semconv advice */
    durationBuckets: z.array(z.number().positive()).min(1).optional(),
    /** Rename, re-bucket, filter attributes of or drop instruments: `{ instrument, name?, buckets?, attributes?, drop? }`. */
    views: z.array(req(view)).optional(),
    /** `serverSpans`: leave it unset (decided from `instrumentations`), or `false` to never start one. */
    http: obj({
      /** Requests to these paths are not measured (the health and dashboard paths are added). */
      ignorePaths: z.array(z.string().startsWith('/')).optional(),
      /** Whether the HTTP middleware starts a SERVER span (unset: only when http is not auto-instrumented). */
      serverSpans: bool.optional(),
    }),
    /** Budget of `shutdown()` (`'5s'`, or seconds). */
    shutdownTimeout: durationSeconds,
    /** The same in milliseconds (or `'5s'`). @default shutdown.timeoutMillis */
    shutdownTimeoutMillis: durationMillis,
  },
  (o, ctx) => {
    const m = o!;
    let exporters: PartialMetricExporter[] | undefined;
    if (m.exporters !== undefined || m.collectors !== undefined) {
      const transports = new Set<MetricTransport>();
      const transportIndex = new Map<MetricTransport, number>();
      exporters = [];
      (m.exporters ?? []).forEach((e, i) => {
        if ('transport' in e) {
          const t = e.transport as MetricTransport;
          transports.add(t);
          transportIndex.set(t, i);
        } else if (e.exporter.type !== 'none') {
          exporters!.push(e.exporter);
        }
      });
      const used = new Set<MetricTransport>();
      for (const backend of m.collectors ?? []) {
        if (backend === 'prometheus') {
          const handler = transports.has('handler');
          if (handler) used.add('handler');
          if (transports.has('http')) used.add('http');
          exporters.push({ ...DEFAULT_PROMETHEUS, mode: handler ? 'handler' : 'server' });
        } else if (backend === 'otlp') {
          const proto: OtlpProtocol = transports.has('grpc')
            ? 'grpc'
            : transports.has('http/json')
              ? 'http/json'
              : 'http/protobuf';
          for (const t of ['grpc', 'http/json', 'http/protobuf', 'http'] as const)
            if (transports.has(t)) used.add(t);
          exporters.push({
            type: 'otlp',
            temporality: 'cumulative',
            protocol: proto,
            headers: {},
            compression: DEFAULT_OTLP.compression,
            timeoutMillis: DEFAULT_OTLP.timeoutMillis,
          });
        } else {
          exporters.push({ type: 'console' });
        }
      }
      for (const t of transports) {
        if (used.has(t)) continue;
        issue(
          ctx,
          m.collectors === undefined
            ? `"${t}" is a transport: name the backend in metrics.collectors (prometheus|otlp|console), or write { type: 'prometheus' | 'otlp', ... }`
            : `transport "${t}" does not apply to collectors ${m.collectors.join(', ')} (prometheus takes http|handler, otlp takes http|http/protobuf|http/json|grpc)`,
          t,
          ['exporters', transportIndex.get(t)!],
        );
      }
      // one Prometheus exporter at most: two would fight over the port and double every series
      if (exporters.filter((e) => e.type === 'prometheus').length > 1) {
        issue(ctx, 'expected at most one prometheus exporter', m.exporters, ['exporters']);
      }
    }
    if (m.durationBuckets?.some((x, i) => i > 0 && x <= m.durationBuckets![i - 1]!)) {
      issue(ctx, 'expected strictly ascending numbers (seconds)', m.durationBuckets, ['durationBuckets']);
    }
    const exportIntervalMillis = pair(ctx, m, 'interval', 'exportIntervalMillis');
    const exportTimeoutMillis = pair(ctx, m, 'exportTimeout');
    const shutdownTimeoutMillis = pair(ctx, m, 'shutdownTimeout');
    // A zero interval is an export loop, a zero budget can flush nothing.
    for (const [value, short, long] of [
      [exportIntervalMillis, 'interval', 'exportIntervalMillis'],
      [exportTimeoutMillis, 'exportTimeout', 'exportTimeoutMillis'],
      [shutdownTimeoutMillis, 'shutdownTimeout', 'shutdownTimeoutMillis'],
    ] as const) {
      if (value === 0) issue(ctx, 'expected more than 0', 0, [m[long] !== undefined ? long : short]);
    }
    return defined({
      enabled: m.enabled,
      exportIntervalMillis,
      exportTimeoutMillis,
      exporters,
      cardinalityLimit: m.cardinalityLimit,
      durationBuckets: m.durationBuckets,
      views: m.views,
      http: m.http
        ? defined({ ignorePaths: m.http.ignorePaths, serverSpans: m.http.serverSpans })
        : undefined,
      shutdownTimeoutMillis,
    });
  },
);

/** What may be written in the `metrics` section (code, file, overrides). */
export type MetricsInput = InputOf<typeof metricsSchema>;

/** The metrics slice while layers are merged: OTLP endpoints, the skip list and the budget may be unset. */
export type MetricsDraft = Mutable<Omit<MetricsConfig, 'exporters' | 'http' | 'shutdownTimeoutMillis'>> & {
  exporters: PartialMetricExporter[];
  http: { ignorePaths?: readonly string[]; serverSpans?: boolean };
  /** Unset unless a layer gives it: then the one budget, `shutdown.timeoutMillis`. */
  shutdownTimeoutMillis?: number;
};

/** The slice's defaults, as a fresh draft. */
export function metricsDefaults(): MetricsDraft {
  return {
    enabled: true,
    ...DEFAULT_METRICS,
    exporters: [{ ...DEFAULT_PROMETHEUS }],
    durationBuckets: DEFAULT_DURATION_BUCKETS,
    views: [],
    http: {},
  };
}

/** What finalising the metrics slice takes from the rest of the config. */
export interface MetricsContext extends SliceContext {
  /** The health endpoints: requests to them are not application traffic. @default the health slice's defaults */
  readonly healthPaths?: readonly string[];
  /** More paths never measured (the dashboard's). */
  readonly extraIgnorePaths?: readonly string[];
  /** Whether the http auto-instrumentation is on (it makes the SERVER span then). @default false */
  readonly httpInstrumented?: boolean;
}

/**
 * The merged slice → the normalised one: OTLP endpoints filled, destinations checked, the HTTP skip
 * list derived (the user's list, else the health paths; the Prometheus path and `extraIgnorePaths`
 * always — a scrape is not application traffic), who makes the SERVER span decided, the budget and
 * root `enabled` applied.
 */
export function finalizeMetrics(
  m: MetricsDraft,
  issues: ConfigIssue[],
  context: MetricsContext = {},
): MetricsConfig {
  const exporters = m.exporters.map((e) =>
    e.type === 'otlp' ? finishOtlp(e as typeof e & DraftOtlp, 'metrics') : { ...e },
  ) as MetricExporterConfig[];
  checkEndpoints(
    exporters.flatMap((e, i) =>
      e.type === 'otlp'
        ? [{ owner: `metrics.exporters[${i}]`, field: 'endpoint', url: e.endpoint, allow: e.allowLinkLocal }]
        : [],
    ),
    issues,
  );
  const promPaths = exporters.flatMap((e) => (e.type === 'prometheus' ? [e.path] : []));
  const ignorePaths = [
    ...new Set([
      ...(m.http.ignorePaths ?? [...promPaths, ...(context.healthPaths ?? DEFAULT_HEALTH_PATHS)]),
      ...promPaths,
      ...(context.extraIgnorePaths ?? []),
    ]),
  ];
  // One SERVER span per request: the http auto-instrumentation makes it when on, otelkit's
  // middleware otherwise. Both at once is a mistake worth an error.
  const httpInstrumented = context.httpInstrumented ?? false;
  const serverSpans = m.http.serverSpans ?? !httpInstrumented;
  if (serverSpans && httpInstrumented) {
    issues.push({
      path: 'metrics.http.serverSpans',
      message:
        'true with the http auto-instrumentation on would make two SERVER spans per request; leave it unset, or turn the instrumentation off (instrumentations: { http: false })',
      source: 'code',
    });
  }
  return {
    ...m,
    enabled: (context.enabled ?? true) && m.enabled,
    shutdownTimeoutMillis:
      m.shutdownTimeoutMillis ?? context.shutdownTimeoutMillis ?? DEFAULT_SHUTDOWN.timeoutMillis,
    exporters,
    durationBuckets: [...m.durationBuckets],
    views: m.views.map((v) => ({ ...v })),
    http: { ignorePaths, serverSpans },
  };
}

const metricsNormalizer = sliceNormalizer<MetricsInput, MetricsDraft, MetricsConfig>({
  name: 'metrics',
  schema: metricsSchema,
  defaults: metricsDefaults,
  finalize: (draft, issues) => finalizeMetrics(draft, issues),
});

/** Marks a slice `loadConfig` made (already checked), so `normalizeMetrics` returns it as is. */
export const markMetricsNormalised = metricsNormalizer.mark;

/**
 * The `metrics` slice from what a caller wrote (the input form, or a normalised slice, returned as
 * it is when `loadConfig` made it): the same checks and error text as `loadConfig`, one
 * {@link ConfigError} naming every problem under `metrics.`; deep-frozen. `createMetrics` calls it,
 * so the metrics package holds no defaults or checks of its own.
 *
 * @example
 * normalizeMetrics({ interval: '15s', exporters: ['otlp'] }).exportIntervalMillis; // 15000
 */
export function normalizeMetrics(input?: MetricsInput | MetricsConfig): MetricsConfig {
  return metricsNormalizer.normalize(input);
}
