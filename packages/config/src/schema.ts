/**
 * Input schemas: what people write (shorthand welcome) → a *partial* canonical form.
 *
 * Each layer (file, code, overrides) is parsed on its own with these schemas, so every problem
 * is reported with the path the user wrote. Fields whose default depends on other layers (OTLP
 * endpoints depend on the protocol, which the environment may change; file paths and index names
 * depend on the service name) are left unset here and filled in by `finalize()`.
 */
import { z } from 'zod';
import { findCatalogEntry } from './catalog';
import { parseCondition } from './condition';
import { DEFAULT_BATCH, DEFAULT_OTLP, DEFAULT_PROMETHEUS, DEFAULT_REDACT_PATHS } from './defaults';
import { ExpectedError, parseByteSize } from './duration';
import { parseLogLevel } from './fields/log-level';
import { threshold } from './fields/threshold';
import {
  bool,
  type Ctx,
  custom,
  defined,
  durationMillis,
  durationSeconds,
  headers,
  httpUrl,
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
} from './fields/zod-fields';
import { dashboardSchema } from './slices/dashboard';
import { monitoringSchema } from './slices/monitoring';
import { poolsSchema } from './slices/pools';
import { parseResourceDetectors } from './slices/resource-detectors';
import { didYouMean } from './suggest';
import type {
  AlertRuleConfig,
  LogOutputConfig,
  MetricExporterConfig,
  MetricTemporality,
  OtlpProtocol,
  PrometheusAuthConfig,
  SamplerConfig,
  SamplerName,
  TraceExporterConfig,
  WebhookConfig,
} from './types';

// ---------------------------------------------------------------------------------------------
// service

const service = obj({
  name: text.optional(),
  version: text.optional(),
  environment: text.optional(),
  namespace: text.optional(),
  instanceId: text.optional(),
  attributes: z.record(text, z.union([z.string(), z.number(), z.boolean()])).optional(),
  detectors: custom(parseResourceDetectors),
});

// ---------------------------------------------------------------------------------------------
// OTLP pieces

const protocol = z.enum(['http/protobuf', 'http/json', 'grpc']);
const otlpShape = {
  endpoint: httpUrl,
  allowLinkLocal: bool.optional(),
  protocol: protocol.optional(),
  headers: headers.optional(),
  compression: z.enum(['none', 'gzip']).optional(),
  timeout: durationSeconds,
  timeoutMillis: durationMillis,
};

interface OtlpPartial {
  endpoint?: string;
  allowLinkLocal?: true;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
  compression: 'none' | 'gzip';
  timeoutMillis: number;
}

function otlpFields(o: z.output<ReturnType<typeof obj<typeof otlpShape>>> & object, ctx: Ctx): OtlpPartial {
  return defined({
    endpoint: o.endpoint,
    allowLinkLocal: o.allowLinkLocal === true ? true : undefined,
    protocol: o.protocol ?? DEFAULT_OTLP.protocol,
    headers: { ...(o.headers ?? {}) },
    compression: o.compression ?? DEFAULT_OTLP.compression,
    timeoutMillis: pair(ctx, o, 'timeout') ?? DEFAULT_OTLP.timeoutMillis,
  });
}

function otlpVariant<T extends string>(type: T) {
  return objT({ type: z.literal(type), ...otlpShape }, (o, ctx) => ({
    type,
    ...otlpFields(o!, ctx),
  }));
}

// ---------------------------------------------------------------------------------------------
// tracing

export const SAMPLER_NAMES: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const SAMPLER_EXPECTED = `expected a ratio between 0 and 1 or one of ${SAMPLER_NAMES.join('|')} (or { type, ratio })`;

/** `0.1` | `'always_on'` | `{ type: 'traceidratio', ratio: 0.5 }` → SamplerConfig. */
export function parseSampler(v: unknown): SamplerConfig {
  if (typeof v === 'number') {
    if (Number.isFinite(v) && v >= 0 && v <= 1) return { type: 'parentbased_traceidratio', ratio: v };
    throw new ExpectedError(SAMPLER_EXPECTED);
  }
  if (typeof v === 'string') {
    const name = v.trim().toLowerCase();
    if ((SAMPLER_NAMES as string[]).includes(name)) return { type: name as SamplerName, ratio: 1 };
    const hint = didYouMean(name, SAMPLER_NAMES);
    throw new ExpectedError(`${SAMPLER_EXPECTED}${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
  if (isPlainObject(v) && typeof v.type === 'string' && (SAMPLER_NAMES as string[]).includes(v.type)) {
    const extra = Object.keys(v).filter((k) => k !== 'type' && k !== 'ratio');
    const r = v.ratio ?? 1;
    if (extra.length === 0 && typeof r === 'number' && r >= 0 && r <= 1) {
      return { type: v.type as SamplerName, ratio: r };
    }
  }
  throw new ExpectedError(SAMPLER_EXPECTED);
}

const traceExporter = tagged(
  {
    otlp: otlpVariant('otlp'),
    jaeger: otlpVariant('jaeger'),
    zipkin: objT(
      {
        type: z.literal('zipkin'),
        endpoint: httpUrl,
        allowLinkLocal: bool.optional(),
        headers: headers.optional(),
        timeout: durationSeconds,
        timeoutMillis: durationMillis,
      },
      (o, ctx) => ({
        type: 'zipkin' as const,
        endpoint: o!.endpoint ?? 'http://localhost:9411/api/v2/spans',
        ...(o!.allowLinkLocal === true ? { allowLinkLocal: true as const } : {}),
        headers: { ...(o!.headers ?? {}) },
        timeoutMillis: pair(ctx, o!, 'timeout') ?? 10_000,
      }),
    ),
    console: objT({ type: z.literal('console') }, () => ({ type: 'console' as const })),
    memory: objT({ type: z.literal('memory'), maxSpans: posInt.optional() }, (o) => ({
      type: 'memory' as const,
      maxSpans: o!.maxSpans ?? 1000,
    })),
    none: objT({ type: z.literal('none') }, () => ({ type: 'none' as const })),
  },
  {
    'jaeger-thrift':
      "'jaeger-thrift' was removed with the move to OpenTelemetry JS 3.x (@opentelemetry/exporter-jaeger " +
      "has no 3.x release); use 'jaeger', which sends OTLP to Jaeger's own OTLP intake (Jaeger 1.35+, port 4318)",
  },
);

/** One trace exporter as written → its canonical form (endpoint may still be unset), or `none`. */
export type PartialTraceExporter =
  | (Exclude<TraceExporterConfig, { type: 'otlp' | 'jaeger' }> & object)
  | ({ type: 'otlp' | 'jaeger' } & OtlpPartial)
  | { type: 'none' };

function dropNone<T extends { type: string }>(list: (T | undefined)[]): Exclude<T, { type: 'none' }>[] {
  return list.filter((e): e is Exclude<T, { type: 'none' }> => e !== undefined && e.type !== 'none');
}

const tracing = objT(
  {
    enabled: bool.optional(),
    sampler: custom(parseSampler),
    exporter: traceExporter,
    exporters: z.array(req(traceExporter)).optional(),
    propagators: z.array(z.enum(['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger'])).optional(),
    batch: obj({
      maxQueueSize: posInt.optional(),
      maxExportBatchSize: posInt.optional(),
      scheduledDelayMillis: durationMillis,
      exportTimeoutMillis: durationMillis,
    }),
    shutdownTimeout: durationSeconds,
    shutdownTimeoutMillis: durationMillis,
    attributeValueLengthLimit: posInt.optional(),
  },
  (o, ctx) => {
    const t = o!;
    if (t.exporter !== undefined && t.exporters !== undefined) {
      issue(ctx, 'give either exporter or exporters, not both', t.exporter, ['exporter']);
    }
    const list =
      t.exporters !== undefined
        ? dropNone(t.exporters)
        : t.exporter !== undefined
          ? dropNone([t.exporter])
          : undefined;
    if (t.batch) {
      const b = { ...DEFAULT_BATCH, ...defined({ ...t.batch }) };
      if (b.maxExportBatchSize > b.maxQueueSize) {
        issue(ctx, `expected at most batch.maxQueueSize (${b.maxQueueSize})`, b.maxExportBatchSize, [
          'batch',
          'maxExportBatchSize',
        ]);
      }
    }
    return defined({
      enabled: t.enabled,
      sampler: t.sampler,
      exporters: list,
      propagators: t.propagators ? [...new Set(t.propagators)] : undefined,
      batch: t.batch ? defined({ ...t.batch }) : undefined,
      shutdownTimeoutMillis: pair(ctx, t, 'shutdownTimeout'),
      attributeValueLengthLimit: t.attributeValueLengthLimit,
    });
  },
);

// ---------------------------------------------------------------------------------------------
// metrics

/** Who may scrape: `{ username, password }` (Basic) or `{ type: 'bearer', token }`. */
const prometheusAuth = z
  .any()
  .transform((v) => (isPlainObject(v) && v.type === undefined ? { ...v, type: 'basic' } : v))
  .pipe(
    tagged({
      basic: objT(
        { type: z.literal('basic'), username: req(text), password: req(text) },
        (o, ctx): PrometheusAuthConfig => {
          for (const k of ['username', 'password'] as const)
            if (o![k] === undefined) issue(ctx, 'expected a non-empty string', undefined, [k]);
          return { type: 'basic', username: o!.username, password: o!.password };
        },
      ),
      bearer: objT({ type: z.literal('bearer'), token: req(text) }, (o, ctx): PrometheusAuthConfig => {
        if (o!.token === undefined) issue(ctx, 'expected a non-empty string', undefined, ['token']);
        return { type: 'bearer', token: o!.token };
      }),
    }),
  );

const metricExporterObject = tagged({
  prometheus: objT(
    {
      type: z.literal('prometheus'),
      mode: z.enum(['server', 'handler']).optional(),
      host: text.optional(),
      port: z.number().int().min(0).max(65535).optional(),
      path: z.string().startsWith('/').optional(),
      auth: prometheusAuth.optional(),
    },
    (o) => ({
      type: 'prometheus' as const,
      mode: o!.mode ?? DEFAULT_PROMETHEUS.mode,
      host: o!.host ?? DEFAULT_PROMETHEUS.host,
      port: o!.port ?? DEFAULT_PROMETHEUS.port,
      path: o!.path ?? DEFAULT_PROMETHEUS.path,
      ...(o!.auth ? { auth: o!.auth } : {}),
    }),
  ),
  otlp: objT(
    {
      type: z.literal('otlp'),
      temporality: z.enum(['cumulative', 'delta', 'lowmemory']).optional(),
      ...otlpShape,
    },
    (o, ctx) => ({
      type: 'otlp' as const,
      temporality: o!.temporality ?? 'cumulative',
      ...otlpFields(o!, ctx),
    }),
  ),
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

const metricExporterEntry = z.any().transform((v, ctx) => {
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
  const r = metricExporterObject.safeParse(v, { reportInput: true });
  if (!r.success) {
    reemit(ctx, r.error.issues);
    return z.NEVER;
  }
  return { exporter: r.data! };
});

const view = objT(
  {
    instrument: text,
    name: text.optional(),
    description: z.string().optional(),
    buckets: z.array(z.number()).optional(),
    attributes: z.array(text).optional(),
    drop: bool.optional(),
  },
  (v, ctx) => {
    const b = v!.buckets;
    if (b?.some((x, i) => i > 0 && x <= b[i - 1]!))
      issue(ctx, 'expected strictly ascending numbers', b, ['buckets']);
    return defined({ ...v! });
  },
);

const metrics = objT(
  {
    enabled: bool.optional(),
    collectors: z.array(z.enum(['prometheus', 'otlp', 'console'])).optional(),
    exporters: z.array(req(metricExporterEntry)).optional(),
    interval: durationSeconds,
    exportIntervalMillis: durationMillis,
    exportTimeout: durationSeconds,
    exportTimeoutMillis: durationMillis,
    cardinalityLimit: posInt.optional(),
    durationBuckets: z.array(z.number().positive()).min(1).optional(),
    views: z.array(req(view)).optional(),
    http: obj({ ignorePaths: z.array(z.string().startsWith('/')).optional(), serverSpans: bool.optional() }),
    shutdownTimeout: durationSeconds,
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
    return defined({
      enabled: m.enabled,
      exportIntervalMillis: pair(ctx, m, 'interval', 'exportIntervalMillis'),
      exportTimeoutMillis: pair(ctx, m, 'exportTimeout'),
      exporters,
      cardinalityLimit: m.cardinalityLimit,
      durationBuckets: m.durationBuckets,
      views: m.views as z.output<typeof view>[] | undefined,
      http: m.http
        ? defined({ ignorePaths: m.http.ignorePaths, serverSpans: m.http.serverSpans })
        : undefined,
      shutdownTimeoutMillis: pair(ctx, m, 'shutdownTimeout'),
    });
  },
);

// ---------------------------------------------------------------------------------------------
// logging

/** A log output as parsed; file path and index may still be unset. */
export type PartialLogOutput =
  | Exclude<LogOutputConfig, { type: 'file' | 'elasticsearch' | 'otlp' }>
  | (Omit<Extract<LogOutputConfig, { type: 'file' }>, 'path'> & { path?: string })
  | (Omit<Extract<LogOutputConfig, { type: 'elasticsearch' }>, 'index'> & { index?: string })
  | ({ type: 'otlp' } & OtlpPartial);

const logOutput = z
  .any()
  .transform((v) => (v === 'stdout' || v === 'stderr' ? { type: 'console', stream: v } : v))
  .pipe(
    tagged({
      console: objT({ type: z.literal('console'), stream: z.enum(['stdout', 'stderr']).optional() }, (o) => ({
        type: 'console' as const,
        stream: o!.stream ?? 'stdout',
      })),
      file: objT(
        {
          type: z.literal('file'),
          path: text.optional(),
          mkdir: bool.optional(),
          rotation: obj({
            maxSize: custom(parseByteSize),
            maxSizeBytes: custom(parseByteSize),
            interval: durationSeconds,
            intervalMillis: durationMillis,
            maxFiles: posInt.optional(),
          }),
        },
        (o, ctx) => {
          const f = o!;
          let rotation: { maxSizeBytes?: number; intervalMillis?: number; maxFiles: number } | null = null;
          if (f.rotation) {
            rotation = defined({
              maxSizeBytes: pair(ctx, f.rotation, 'maxSize', 'maxSizeBytes'),
              intervalMillis: pair(ctx, f.rotation, 'interval'),
              maxFiles: f.rotation.maxFiles ?? 5,
            });
            if (rotation.maxSizeBytes === undefined && rotation.intervalMillis === undefined) {
              issue(ctx, 'expected maxSize and/or interval to rotate on', f.rotation, ['rotation']);
            }
          }
          return defined({ type: 'file' as const, path: f.path, mkdir: f.mkdir ?? true, rotation });
        },
      ),
      elasticsearch: objT(
        {
          type: z.literal('elasticsearch'),
          node: httpUrl,
          nodes: z.array(httpUrl).min(1, { error: 'expected at least one node URL' }).optional(),
          allowLinkLocal: bool.optional(),
          index: text.optional(),
          dataStream: bool.optional(),
          headers: headers.optional(),
          auth: z
            .union(
              [z.strictObject({ username: text, password: z.string() }), z.strictObject({ apiKey: text })],
              {
                error: 'expected { username, password } or { apiKey }',
              },
            )
            .optional(),
          flushInterval: durationSeconds,
          flushIntervalMillis: durationMillis,
          maxBatchSize: posInt.optional(),
          maxBufferedLines: posInt.optional(),
          maxRetries: z.number().int().min(0).max(20).optional(),
          timeout: durationSeconds,
          timeoutMillis: durationMillis,
        },
        (o, ctx) => {
          const e = o!;
          if (e.node !== undefined && e.nodes !== undefined) {
            ctx.addIssue({
              code: 'custom',
              message: 'give either node or nodes, not both',
              input: e.nodes,
              path: ['nodes'],
              params: { noGot: true },
            });
          }
          const nodes = (e.nodes ?? []).filter((n): n is string => typeof n === 'string');
          return defined({
            type: 'elasticsearch' as const,
            node: nodes[0] ?? e.node ?? 'http://localhost:9200',
            ...(nodes.length > 1 ? { nodes } : {}),
            allowLinkLocal: e.allowLinkLocal === true ? true : undefined,
            index: e.index,
            dataStream: e.dataStream ?? true,
            headers: { ...(e.headers ?? {}) },
            auth: e.auth ?? null,
            flushIntervalMillis: pair(ctx, e, 'flushInterval') ?? 1000,
            maxBatchSize: e.maxBatchSize ?? 500,
            maxBufferedLines: e.maxBufferedLines ?? 10_000,
            maxRetries: e.maxRetries ?? 3,
            timeoutMillis: pair(ctx, e, 'timeout') ?? 10_000,
          });
        },
      ),
      otlp: otlpVariant('otlp'),
    }),
  );

const redact = z.any().transform((v, ctx) => {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return { enabled: v };
  if (Array.isArray(v)) {
    if (v.every((p) => typeof p === 'string' && p.length > 0)) {
      return { enabled: true, paths: [...new Set([...DEFAULT_REDACT_PATHS, ...(v as string[])])] };
    }
    issue(ctx, 'expected a list of non-empty pino redact paths', v);
    return z.NEVER;
  }
  const r = obj({
    enabled: bool.optional(),
    paths: z.array(text).optional(),
    censor: z.string().optional(),
    replaceDefaults: bool.optional(),
  }).safeParse(v, { reportInput: true });
  if (!r.success) {
    reemit(ctx, r.error.issues);
    return z.NEVER;
  }
  const o = r.data!;
  const paths = o.paths
    ? o.replaceDefaults
      ? [...o.paths]
      : [...new Set([...DEFAULT_REDACT_PATHS, ...o.paths])]
    : undefined;
  return defined({ enabled: o.enabled, paths, censor: o.censor });
});

const logging = objT(
  {
    enabled: bool.optional(),
    level: custom(parseLogLevel),
    format: z.enum(['json', 'structured', 'ecs', 'pretty']).optional(),
    correlation: bool.optional(),
    outputs: z.array(req(logOutput)).optional(),
    redact,
  },
  (o) => {
    const l = o!;
    return defined({
      enabled: l.enabled,
      level: l.level,
      format: l.format === 'structured' ? ('json' as const) : l.format,
      correlation: l.correlation,
      outputs: l.outputs as PartialLogOutput[] | undefined,
      redact: l.redact,
    });
  },
);

// ---------------------------------------------------------------------------------------------
// resources, alerts, health, shutdown, diagnostics

const resources = objT(
  {
    enabled: bool.optional(),
    interval: durationSeconds,
    intervalMillis: durationMillis,
    historySize: posInt.max(1_000_000).optional(),
    containerAware: bool.optional(),
    thresholds: z.record(text, threshold).optional(),
  },
  (o, ctx) => {
    const r = o!;
    const intervalMillis = pair(ctx, r, 'interval');
    if (intervalMillis !== undefined && intervalMillis < 100) {
      issue(ctx, 'expected at least 100ms', intervalMillis, [
        r.interval !== undefined ? 'interval' : 'intervalMillis',
      ]);
    }
    return defined({
      enabled: r.enabled,
      intervalMillis,
      historySize: r.historySize,
      containerAware: r.containerAware,
      thresholds: r.thresholds,
    });
  },
);

const alertRule = objT(
  {
    name: text,
    condition: text,
    for: durationSeconds,
    window: durationSeconds,
    windowMillis: durationMillis,
    forMillis: durationMillis,
    // the seed's names (Monitoring Setup Guide): `duration` is `for`, `threshold` a percentage
    duration: durationSeconds,
    threshold: z.number().gt(0).max(100).optional(),
    share: custom(parseShare),
    severity: z.enum(['warning', 'critical']).optional(),
    message: z.string().optional(),
    runbook: httpUrl,
    labels: z.record(text, z.string()).optional(),
  },
  (o, ctx): AlertRuleConfig => {
    const a = o!;
    if (a.duration !== undefined && (a.for !== undefined || a.forMillis !== undefined)) {
      issue(
        ctx,
        'give either duration or for/forMillis, not both (duration is the seed name of for)',
        a.duration,
        ['duration'],
      );
    }
    if (a.threshold !== undefined && a.share !== undefined) {
      issue(ctx, 'give either threshold (a percentage) or share (a fraction), not both', a.threshold, [
        'threshold',
      ]);
    }
    let parsed: AlertRuleConfig['parsed'];
    try {
      parsed = parseCondition(a.condition);
    } catch (err) {
      if (!(err instanceof ExpectedError)) throw err;
      // the message quotes the condition and the column already
      ctx.addIssue({
        code: 'custom',
        message: err.message,
        input: a.condition,
        path: ['condition'],
        params: { noGot: true },
      });
      return z.NEVER;
    }
    const windowMillis = pair(ctx, a, 'window') ?? 60_000;
    if (windowMillis < 1000) {
      issue(ctx, 'expected at least 1s', windowMillis, [a.window !== undefined ? 'window' : 'windowMillis']);
    }
    checkConditionUnits(ctx, parsed);
    const share = a.threshold !== undefined ? a.threshold / 100 : a.share;
    if (share !== undefined && parsed.aggregation !== 'last') {
      issue(
        ctx,
        `threshold/share (the share of observations meeting the condition) needs a bare metric; write "${parsed.metric} ${parsed.operator} ${parsed.value}" or drop ${a.threshold !== undefined ? 'threshold' : 'share'}`,
        a.condition,
        ['condition'],
      );
    }
    return defined({
      name: a.name,
      condition: a.condition,
      parsed,
      share,
      forMillis: a.duration ?? pair(ctx, a, 'for') ?? 0,
      windowMillis,
      severity: a.severity ?? 'warning',
      message: a.message,
      runbook: a.runbook,
      labels: { ...(a.labels ?? {}) },
    });
  },
);

/** `0.1`, `'10%'` → 0.1: the share of observations in the window that must meet a condition. */
function parseShare(v: unknown): number {
  if (typeof v === 'number' && v > 0 && v <= 1) return v;
  if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
    if (m && Number(m[1]) > 0 && Number(m[1]) <= 100) return Number(m[1]) / 100;
  }
  throw new ExpectedError("expected a fraction in (0, 1] or a percentage such as '10%'");
}

/** A byte size (`> 1GB`) only on a metric the catalog knows in bytes (or does not know). */
function checkConditionUnits(ctx: Ctx, parsed: AlertRuleConfig['parsed']): void {
  const entry = findCatalogEntry(parsed.metric);
  if (parsed.unit === 'bytes' && entry && entry.unit !== 'bytes') {
    issue(
      ctx,
      `${parsed.metric} is in ${entry.unit}, not bytes: compare it with a plain number, or use a bytes metric (memory_usage_bytes, heap_used_bytes)`,
      parsed.metric,
      ['condition'],
    );
  }
}

const webhook = z
  .any()
  .transform((v) => (typeof v === 'string' ? { url: v } : v))
  .pipe(
    objT(
      {
        url: httpUrl,
        allowLinkLocal: bool.optional(),
        headers: headers.optional(),
        timeout: durationSeconds,
        timeoutMillis: durationMillis,
        maxRetries: z.number().int().min(0).max(10).optional(),
      },
      (o, ctx): WebhookConfig => {
        const w = o!;
        if (w.url === undefined) issue(ctx, 'expected an http(s) URL', undefined, ['url']);
        return {
          url: w.url!,
          ...(w.allowLinkLocal === true ? { allowLinkLocal: true as const } : {}),
          headers: { ...(w.headers ?? {}) },
          timeoutMillis: pair(ctx, w, 'timeout') ?? 5000,
          maxRetries: w.maxRetries ?? 3,
        };
      },
    ),
  );

function uniqueNames(ctx: Ctx, rules: AlertRuleConfig[] | undefined, pathPrefix: PropertyKey[]): void {
  const seen = new Set<string>();
  rules?.forEach((r, i) => {
    if (seen.has(r.name)) issue(ctx, `duplicate alert name "${r.name}"`, r.name, [...pathPrefix, i, 'name']);
    seen.add(r.name);
  });
}

const alerts = z.any().transform((v, ctx) => {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    const r = z.array(req(alertRule)).safeParse(v, { reportInput: true });
    if (!r.success) {
      reemit(ctx, r.error.issues);
      return z.NEVER;
    }
    uniqueNames(ctx, r.data, []);
    return { rules: r.data };
  }
  const r = obj({
    rules: z.array(req(alertRule)).optional(),
    webhooks: z.array(req(webhook)).optional(),
    log: bool.optional(),
  }).safeParse(v, { reportInput: true });
  if (!r.success) {
    reemit(ctx, r.error.issues);
    return z.NEVER;
  }
  uniqueNames(ctx, r.data!.rules, ['rules']);
  return defined({ ...r.data! });
});

const path = z.string().startsWith('/', { error: 'expected a path starting with "/"' });

const health = objT(
  {
    enabled: bool.optional(),
    path: path.optional(),
    livenessPath: path.optional(),
    readinessPath: path.optional(),
    checkTimeout: durationSeconds,
    checkTimeoutMillis: durationMillis,
    cache: durationSeconds,
    cacheMillis: durationMillis,
    maxEventLoopDelay: durationSeconds,
    maxEventLoopDelayMillis: durationMillis,
    maxMemoryPercent: z.number().gt(0).max(100).optional(),
    hostAlertsAffectReadiness: bool.optional(),
  },
  (o, ctx) => {
    const h = o!;
    return defined({
      enabled: h.enabled,
      path: h.path,
      livenessPath: h.livenessPath,
      readinessPath: h.readinessPath,
      checkTimeoutMillis: pair(ctx, h, 'checkTimeout'),
      cacheMillis: pair(ctx, h, 'cache'),
      maxEventLoopDelayMillis: pair(ctx, h, 'maxEventLoopDelay'),
      maxMemoryPercent: h.maxMemoryPercent,
      hostAlertsAffectReadiness: h.hostAlertsAffectReadiness,
    });
  },
);

const shutdown = objT(
  { timeout: durationSeconds, timeoutMillis: durationMillis, handleSignals: bool.optional() },
  (o, ctx) => {
    const timeoutMillis = pair(ctx, o!, 'timeout');
    if (timeoutMillis === 0) {
      // A zero budget cannot flush anything; startMonitoring threw a plain Error on it later.
      ctx.addIssue({
        code: 'custom',
        message: 'the shutdown budget must be more than 0',
        input: 0,
        path: [o!.timeoutMillis !== undefined ? 'timeoutMillis' : 'timeout'],
      });
    }
    return defined({ timeoutMillis, handleSignals: o!.handleSignals });
  },
);

export const INSTRUMENTATION_NAMES = [
  'http',
  'undici',
  'pg',
  'ioredis',
  'amqplib',
  'express',
  'fastify',
] as const;
const instrumentationName = z.enum(INSTRUMENTATION_NAMES);

const instrumentations = z.any().transform((v, ctx) => {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return { enabled: v ? [...INSTRUMENTATION_NAMES] : [] };
  if (Array.isArray(v)) {
    const r = z.array(instrumentationName).safeParse(v, { reportInput: true });
    if (!r.success) {
      reemit(ctx, r.error.issues);
      return z.NEVER;
    }
    return { enabled: [...new Set(r.data)] };
  }
  const shape = Object.fromEntries(INSTRUMENTATION_NAMES.map((n) => [n, bool.optional()])) as Record<
    (typeof INSTRUMENTATION_NAMES)[number],
    z.ZodOptional<z.ZodBoolean>
  >;
  const r = obj(shape).safeParse(v, { reportInput: true });
  if (!r.success) {
    reemit(ctx, r.error.issues);
    return z.NEVER;
  }
  return { enabled: INSTRUMENTATION_NAMES.filter((n) => r.data?.[n] !== false) };
});

const DIAG_LEVELS = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;

/** `OTEL_LOG_LEVEL` values, any case. */
export function parseDiagLevel(v: unknown): (typeof DIAG_LEVELS)[number] {
  if (typeof v === 'string') {
    const l = v.trim().toLowerCase();
    if ((DIAG_LEVELS as readonly string[]).includes(l)) return l as (typeof DIAG_LEVELS)[number];
  }
  throw new ExpectedError(`expected one of ${DIAG_LEVELS.join('|')} (any case)`);
}

const diagnostics = objT({ logLevel: custom(parseDiagLevel), printSummary: bool.optional() }, (o) =>
  defined({ ...o! }),
);

/** The whole input → partial canonical form. */
export const configInputSchema = obj({
  enabled: bool.optional(),
  service,
  logging,
  metrics,
  tracing,
  resources,
  alerts,
  health,
  shutdown,
  instrumentations,
  diagnostics,
  pools: poolsSchema,
  monitoring: monitoringSchema,
  dashboard: dashboardSchema,
});

export type PartialConfig = NonNullable<z.output<typeof configInputSchema>>;

/** Exposed for the environment layer, which builds exporters from their names. */
export const schemas = { traceExporter, metricExporterObject, logOutput } as const;
