/**
 * The `tracing` slice: sampler, exporters, propagators, batch, limits. Its schema, output and input
 * types and defaults live here, once; `@otelkit/tracing` uses the slice as it is.
 */
import { z } from 'zod';
import { ExpectedError } from '../duration';
import type { ConfigIssue } from '../errors';
import { checkEndpoints } from '../fields/endpoint-safety';
import type { Mutable, Named } from '../fields/input-types';
import {
  DEFAULT_OTLP,
  type DraftOtlp,
  finishOtlp,
  type OtlpEndpointConfig,
  type OtlpPartial,
  otlpVariant,
} from '../fields/otlp';
import {
  accepts,
  bool,
  custom,
  defined,
  durationMillis,
  durationSeconds,
  headers,
  httpUrl,
  type InputOf,
  isPlainObject,
  issue,
  obj,
  objT,
  pair,
  posInt,
  req,
  tagged,
  withInput,
} from '../fields/zod-fields';
import { didYouMean } from '../suggest';
import { type SliceContext, sliceNormalizer } from './normalize';
import { DEFAULT_SHUTDOWN } from './process';

export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

export interface SamplerConfig {
  readonly type: SamplerName;
  /** Used by the `*traceidratio` samplers; 1 otherwise. */
  readonly ratio: number;
}

export interface OtlpTraceExporterConfig extends OtlpEndpointConfig {
  readonly type: 'otlp';
}

/** Jaeger's native OTLP intake (Jaeger ≥ 1.35 receives OTLP on 4318/4317). */
export interface JaegerOtlpTraceExporterConfig extends OtlpEndpointConfig {
  readonly type: 'jaeger';
}

export interface ZipkinTraceExporterConfig {
  readonly type: 'zipkin';
  /** @default 'http://localhost:9411/api/v2/spans' */
  readonly endpoint: string;
  /**
   * Send to a link-local, cloud metadata or unspecified address (169.254.0.0/16, fe80::/10,
   * fd00:ec2::254, 100.100.100.200, metadata.google.internal, 0.0.0.0, ::), refused otherwise:
   * such an endpoint is how a mistyped or injected URL reaches instance credentials. Absent unless `true`.
   */
  readonly allowLinkLocal?: true;
  readonly headers: Readonly<Record<string, string>>;
  /** @default 10000 */
  readonly timeoutMillis: number;
}

export interface ConsoleExporterConfig {
  readonly type: 'console';
}

/** Keeps finished spans in memory (tests, and the in-process dashboard). Bounded. */
export interface MemoryTraceExporterConfig {
  readonly type: 'memory';
  /** Oldest spans are evicted past this many (and counted). @default 1000 */
  readonly maxSpans: number;
}

export type TraceExporterConfig =
  | OtlpTraceExporterConfig
  | JaegerOtlpTraceExporterConfig
  | ZipkinTraceExporterConfig
  | ConsoleExporterConfig
  | MemoryTraceExporterConfig;

/** The propagators `createPropagator` builds, in `OTEL_PROPAGATORS` spelling. */
export const PROPAGATOR_NAMES = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger'] as const;
export type PropagatorName = (typeof PROPAGATOR_NAMES)[number];

/** BatchSpanProcessor limits (`OTEL_BSP_*`). */
export interface BatchConfig {
  /** Spans beyond this are dropped and counted. @default 2048 */
  readonly maxQueueSize: number;
  /** @default 512 */
  readonly maxExportBatchSize: number;
  /** @default 5000 */
  readonly scheduledDelayMillis: number;
  /** @default 30000 */
  readonly exportTimeoutMillis: number;
}

export interface TracingConfig {
  /** @default true */
  readonly enabled: boolean;
  /** @default { type: 'parentbased_always_on', ratio: 1 } */
  readonly sampler: SamplerConfig;
  /** Several at once are allowed; `[]` creates and propagates spans without exporting them. @default [{ type: 'otlp', endpoint: 'http://localhost:4318/v1/traces' }] */
  readonly exporters: readonly TraceExporterConfig[];
  /** @default ['tracecontext', 'baggage'] */
  readonly propagators: readonly PropagatorName[];
  readonly batch: BatchConfig;
  /** Budget for `shutdown()`, flush included. @default 5000 */
  readonly shutdownTimeoutMillis: number;
  /**
   * Longest string attribute value (span attributes, event attributes, `exception.message`):
   * longer ones are cut to this many characters. `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT` /
   * `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`. @default 4096
   */
  readonly attributeValueLengthLimit: number;
}

/**
 * Longest string attribute value of a span: OpenTelemetry sets no limit, so one 10 MB attribute
 * made a 20 MB export request. 4096 characters keep SQL statements and stack frames readable.
 */
export const DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT = 4096;

export const DEFAULT_BATCH: BatchConfig = {
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 5000,
  exportTimeoutMillis: 30_000,
};

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

export const traceExporterSchema = tagged(
  {
    otlp: otlpVariant('otlp'),
    jaeger: otlpVariant('jaeger'),
    zipkin: objT(
      {
        type: z.literal('zipkin'),
        /** @default 'http://localhost:9411/api/v2/spans' */
        endpoint: httpUrl,
        /** Allow a link-local / cloud metadata / unspecified address as the endpoint (refused otherwise). */
        allowLinkLocal: bool.optional(),
        /** Extra request headers. Masked in the startup summary. */
        headers: headers.optional(),
        /** Per-export request timeout (`'10s'`, or seconds). */
        timeout: durationSeconds,
        /** Per-export request timeout in milliseconds (or `'10s'`). @default 10000 */
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
    memory: objT(
      {
        type: z.literal('memory'),
        /** Oldest spans are evicted past this many (and counted). @default 1000 */
        maxSpans: posInt.optional(),
      },
      (o) => ({
        type: 'memory' as const,
        maxSpans: o!.maxSpans ?? 1000,
      }),
    ),
    none: objT({ type: z.literal('none') }, () => ({ type: 'none' as const })),
  },
  {
    'jaeger-thrift':
      "'jaeger-thrift' was removed with the move to OpenTelemetry JS 3.x (@opentelemetry/exporter-jaeger " +
      "has no 3.x release); use 'jaeger', which sends OTLP to Jaeger's own OTLP intake (Jaeger 1.35+, port 4318)",
  },
);

/** One trace exporter as written: a name, or `{ type, ... }`. */
export type TraceExporterInput = InputOf<typeof traceExporterSchema>;

/** One trace exporter as written → its canonical form (endpoint may still be unset), or `none`. */
export type PartialTraceExporter =
  | (Exclude<TraceExporterConfig, { type: 'otlp' | 'jaeger' }> & object)
  | ({ type: 'otlp' | 'jaeger' } & OtlpPartial)
  | { type: 'none' };

function dropNone<T extends { type: string }>(list: (T | undefined)[]): Exclude<T, { type: 'none' }>[] {
  return list.filter((e): e is Exclude<T, { type: 'none' }> => e !== undefined && e.type !== 'none');
}

export const tracingSchema = objT(
  {
    /** `false`: no spans are created (a no-op tracer). @default true */
    enabled: bool.optional(),
    /** A ratio 0..1 (parent-based), a sampler name, or `{ type, ratio }`. @default 'parentbased_always_on' */
    sampler: custom(
      parseSampler,
      accepts<
        | number
        | Named<SamplerName>
        | {
            type: SamplerName;
            /** 0..1: the share of new traces kept (`*traceidratio`). @default 1 */
            ratio?: number;
          }
      >(),
    ),
    /** One exporter (shorthand for `exporters: [x]`). */
    exporter: traceExporterSchema,
    /** Several at once are allowed; `[]` creates and propagates spans without exporting them. @default ['otlp'] */
    exporters: z.array(req(traceExporterSchema)).optional(),
    /** @default ['tracecontext', 'baggage'] */
    propagators: withInput<Named<PropagatorName>[]>()(z.array(z.enum(PROPAGATOR_NAMES)).optional()),
    /** BatchSpanProcessor limits (`OTEL_BSP_*`). */
    batch: obj({
      /** Spans beyond this are dropped and counted. @default 2048 */
      maxQueueSize: posInt.optional(),
      /** @default 512 */
      maxExportBatchSize: posInt.optional(),
      /** @default 5000 */
      scheduledDelayMillis: durationMillis,
      /** @default 30000 */
      exportTimeoutMillis: durationMillis,
    }),
    /** Budget for `shutdown()`, flush included (`'5s'`, or seconds). */
    shutdownTimeout: durationSeconds,
    /** Budget for `shutdown()` in milliseconds (or `'5s'`). @default shutdown.timeoutMillis */
    shutdownTimeoutMillis: durationMillis,
    /** Longest string attribute value, in characters. @default 4096 */
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
    if (list && list.filter((e) => e.type === 'memory').length > 1) {
      issue(ctx, 'expected at most one memory exporter', t.exporters, ['exporters']);
    }
    const shutdownTimeoutMillis = pair(ctx, t, 'shutdownTimeout');
    if (shutdownTimeoutMillis === 0) {
      issue(ctx, 'the shutdown budget must be more than 0', 0, [
        t.shutdownTimeoutMillis !== undefined ? 'shutdownTimeoutMillis' : 'shutdownTimeout',
      ]);
    }
    return defined({
      enabled: t.enabled,
      sampler: t.sampler,
      exporters: list,
      propagators: t.propagators ? [...new Set(t.propagators)] : undefined,
      batch: t.batch ? defined({ ...t.batch }) : undefined,
      shutdownTimeoutMillis,
      attributeValueLengthLimit: t.attributeValueLengthLimit,
    });
  },
);

/** What may be written in the `tracing` section (code, file, overrides). */
export type TracingInput = InputOf<typeof tracingSchema>;

/** The tracing slice while layers are merged: exporter endpoints and the budget may be unset. */
export type TracingDraft = Mutable<Omit<TracingConfig, 'exporters' | 'shutdownTimeoutMillis' | 'batch'>> & {
  batch: BatchConfig;
  exporters: Exclude<PartialTraceExporter, { type: 'none' }>[];
  /** Unset unless a layer gives it: then the one budget, `shutdown.timeoutMillis`. */
  shutdownTimeoutMillis?: number;
};

/** The slice's defaults, as a fresh draft. */
export function tracingDefaults(): TracingDraft {
  return {
    enabled: true,
    sampler: { type: 'parentbased_always_on', ratio: 1 },
    exporters: [{ type: 'otlp', ...DEFAULT_OTLP, headers: {} }],
    propagators: ['tracecontext', 'baggage'],
    batch: { ...DEFAULT_BATCH },
    attributeValueLengthLimit: DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
  };
}

/**
 * The merged slice → the normalised one: OTLP endpoints filled per protocol, the batch sizes
 * checked against each other, destinations checked, the budget and root `enabled` applied.
 */
export function finalizeTracing(
  t: TracingDraft,
  issues: ConfigIssue[],
  context: SliceContext = {},
): TracingConfig {
  if (t.batch.maxExportBatchSize > t.batch.maxQueueSize) {
    issues.push({
      path: 'tracing.batch.maxExportBatchSize',
      message: `expected at most tracing.batch.maxQueueSize (${t.batch.maxQueueSize}), got ${t.batch.maxExportBatchSize}`,
      source: context.source ?? 'code',
    });
  }
  const exporters = t.exporters.map((e) =>
    e.type === 'otlp' || e.type === 'jaeger' ? finishOtlp(e as typeof e & DraftOtlp, 'traces') : { ...e },
  ) as TraceExporterConfig[];
  checkEndpoints(
    exporters.flatMap((e, i) =>
      'endpoint' in e
        ? [{ owner: `tracing.exporters[${i}]`, field: 'endpoint', url: e.endpoint, allow: e.allowLinkLocal }]
        : [],
    ),
    issues,
  );
  return {
    ...t,
    enabled: (context.enabled ?? true) && t.enabled,
    shutdownTimeoutMillis:
      t.shutdownTimeoutMillis ?? context.shutdownTimeoutMillis ?? DEFAULT_SHUTDOWN.timeoutMillis,
    sampler: { ...t.sampler },
    exporters,
    propagators: [...t.propagators],
    batch: { ...t.batch },
  };
}

const tracingNormalizer = sliceNormalizer<TracingInput, TracingDraft, TracingConfig>({
  name: 'tracing',
  schema: tracingSchema,
  defaults: tracingDefaults,
  finalize: (draft, issues) => finalizeTracing(draft, issues),
});

/** Marks a slice `loadConfig` made (already checked), so `normalizeTracing` returns it as is. */
export const markTracingNormalised = tracingNormalizer.mark;

/**
 * The `tracing` slice from what a caller wrote (the config's input form, or a normalised slice,
 * returned as it is when `loadConfig` made it): the same checks and error text as `loadConfig`, as
 * one {@link ConfigError} naming every problem under `tracing.`; deep-frozen. `createTracing`
 * calls it, so the tracing package holds no defaults or checks of its own.
 *
 * @example
 * normalizeTracing({ sampler: 0.1, exporter: 'console' }).sampler; // { type: 'parentbased_traceidratio', ratio: 0.1 }
 */
export function normalizeTracing(input?: TracingInput | TracingConfig): TracingConfig {
  return tracingNormalizer.normalize(input);
}
