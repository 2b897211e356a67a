/**
 * The `logging` slice: level, format, correlation, outputs (console, file, Elasticsearch, OTLP),
 * redaction. Its schema, output and input types and defaults live here, once; `@otelkit/logging`
 * uses the slice as it is.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseByteSize } from '../duration';
import type { ConfigIssue } from '../errors';
import { checkEndpoints, type Destination } from '../fields/endpoint-safety';
import type { ByteSizeInput, Mutable, Named } from '../fields/input-types';
import { type LogLevel, parseLogLevel } from '../fields/log-level';
import { finishOtlp, type OtlpEndpointConfig, type OtlpPartial, otlpVariant } from '../fields/otlp';
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
  issue,
  obj,
  objT,
  orNull,
  pair,
  posInt,
  reemit,
  req,
  tagged,
  text,
  withInput,
} from '../fields/zod-fields';
import { DEFAULT_REDACT_PATHS } from '../secret-keys';
import { type SliceContext, sliceNormalizer } from './normalize';
import { DEFAULT_SHUTDOWN } from './process';

export type { LogLevel } from '../fields/log-level';

export interface ConsoleLogOutputConfig {
  readonly type: 'console';
  /** @default 'stdout' */
  readonly stream: 'stdout' | 'stderr';
}

export interface FileRotationConfig {
  /** Rotate when the file reaches this size, in bytes (config accepts `'10MB'`). */
  readonly maxSizeBytes?: number;
  /** Rotate this often (config accepts `'1d'`). */
  readonly intervalMillis?: number;
  /** Rotated files kept, older ones pruned (including those left by earlier runs). @default 5 */
  readonly maxFiles: number;
}

export interface FileLogOutputConfig {
  readonly type: 'file';
  /** @default `./logs/<service.name>.log` */
  readonly path: string;
  /** Create the directory when missing. @default true */
  readonly mkdir: boolean;
  /** `null` when the file is never rotated. @default null */
  readonly rotation: FileRotationConfig | null;
}

export interface ElasticsearchLogOutputConfig {
  readonly type: 'elasticsearch';
  /** Elasticsearch URL (with `nodes`: the first of them). @default 'http://localhost:9200' */
  readonly node: string;
  /**
   * Every node of the cluster, `node` first, when more than one is given (`nodes: [...]`): a
   * `_bulk` that fails on one node (network error, timeout, 429/5xx) is retried on the next.
   */
  readonly nodes?: readonly string[];
  /**
   * Send to a link-local, cloud metadata or unspecified address (169.254.0.0/16, fe80::/10,
   * fd00:ec2::254, 100.100.100.200, metadata.google.internal, 0.0.0.0, ::), refused otherwise:
   * such an endpoint is how a mistyped or injected URL reaches instance credentials. Absent unless `true`.
   */
  readonly allowLinkLocal?: true;
  /** Index or data stream name. @default `logs-<service.name>-default` (a data stream) */
  readonly index: string;
  /** Write with `create` into a data stream instead of `index` into an index. @default true */
  readonly dataStream: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly auth:
    | { readonly username: string; readonly password: string }
    | { readonly apiKey: string }
    | null;
  /** @default 1000 */
  readonly flushIntervalMillis: number;
  /** Documents per `_bulk` request. @default 500 */
  readonly maxBatchSize: number;
  /** Lines held while Elasticsearch is slow or down; past it lines are dropped and counted. @default 10000 */
  readonly maxBufferedLines: number;
  /** Retries on 429/5xx/network errors, with backoff. @default 3 */
  readonly maxRetries: number;
  /** @default 10000 */
  readonly timeoutMillis: number;
}

export interface OtlpLogOutputConfig extends OtlpEndpointConfig {
  readonly type: 'otlp';
}

export type LogOutputConfig =
  | ConsoleLogOutputConfig
  | FileLogOutputConfig
  | ElasticsearchLogOutputConfig
  | OtlpLogOutputConfig;

export interface RedactConfig {
  /** @default true */
  readonly enabled: boolean;
  /** pino redact paths; the defaults cover common secrets at the top level and one/two levels down. */
  readonly paths: readonly string[];
  /** @default '[REDACTED]' */
  readonly censor: string;
}

export interface LoggingConfig {
  /** @default true */
  readonly enabled: boolean;
  /** @default 'info' */
  readonly level: LogLevel;
  /** `json` is pino's own format (`'structured'` is accepted as an alias). @default 'json' */
  readonly format: 'json' | 'ecs' | 'pretty';
  /** Add trace_id / span_id / trace_flags of the active span to every line. @default true */
  readonly correlation: boolean;
  /** @default [{ type: 'console', stream: 'stdout' }] */
  readonly outputs: readonly LogOutputConfig[];
  readonly redact: RedactConfig;
  /**
   * Budget of `shutdown()` (flush and close of every output, and the flush done on a signal).
   * @default `shutdown.timeoutMillis` (5000)
   */
  readonly shutdownTimeoutMillis: number;
}

/** A log output as parsed; file path and index may still be unset. */
export type PartialLogOutput =
  | Exclude<LogOutputConfig, { type: 'file' | 'elasticsearch' | 'otlp' }>
  | (Omit<Extract<LogOutputConfig, { type: 'file' }>, 'path'> & { path?: string })
  | (Omit<Extract<LogOutputConfig, { type: 'elasticsearch' }>, 'index'> & { index?: string })
  | ({ type: 'otlp' } & OtlpPartial);

/** Elasticsearch Basic credentials (the `auth` of an elasticsearch output). */
export interface ElasticsearchBasicCredentials {
  /** Basic auth user. */
  username: string;
  /** Basic auth password. */
  password: string;
}
/** An Elasticsearch API key (the `auth` of an elasticsearch output). */
export interface ElasticsearchApiKeyCredentials {
  /** Sent as `Authorization: ApiKey …`. */
  apiKey: string;
}

const logOutputKinds = tagged({
  console: objT(
    {
      type: z.literal('console'),
      /** @default 'stdout' */
      stream: z.enum(['stdout', 'stderr']).optional(),
    },
    (o) => ({
      type: 'console' as const,
      stream: o!.stream ?? 'stdout',
    }),
  ),
  file: objT(
    {
      type: z.literal('file'),
      /** Relative to the working directory. @default `./logs/<service.name>.log` */
      path: text.optional(),
      /** Create the file's folder when missing. @default true */
      mkdir: bool.optional(),
      /** `null` (or absent): no rotation. */
      rotation: orNull(
        obj({
          /** Rotate when the file reaches this size (`'10MB'`, `'512KiB'`, or bytes). */
          maxSize: custom(parseByteSize, accepts<ByteSizeInput>()),
          /** The same in bytes (or a size such as `'10MB'`). */
          maxSizeBytes: custom(parseByteSize, accepts<ByteSizeInput>()),
          /** Rotate this often (`'1d'`, or seconds; at least 1 s). */
          interval: durationSeconds,
          /** The same in milliseconds (or `'1d'`). */
          intervalMillis: durationMillis,
          /** Rotated files kept. @default 5 */
          maxFiles: posInt.optional(),
        }),
      ),
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
        if (rotation.intervalMillis !== undefined && rotation.intervalMillis < 1000) {
          const k = f.rotation.intervalMillis !== undefined ? 'intervalMillis' : 'interval';
          issue(ctx, 'expected at least 1s', rotation.intervalMillis, ['rotation', k]);
        }
      }
      return defined({ type: 'file' as const, path: f.path, mkdir: f.mkdir ?? true, rotation });
    },
  ),
  elasticsearch: objT(
    {
      type: z.literal('elasticsearch'),
      /** @default 'http://localhost:9200' */
      node: httpUrl,
      /** Several nodes of one cluster (instead of `node`): failover on a failed `_bulk`. */
      nodes: withInput<string[]>()(
        z.array(httpUrl).min(1, { error: 'expected at least one node URL' }).optional(),
      ),
      /** Allow a link-local / cloud metadata / unspecified address as a node (refused otherwise). */
      allowLinkLocal: bool.optional(),
      /** @default `logs-<service>-default` (a data stream), or `<service>-logs` without `dataStream` */
      index: text.optional(),
      /** @default true */
      dataStream: bool.optional(),
      /** Extra request headers. Masked in the startup summary. */
      headers: headers.optional(),
      /** `{ username, password }` (Basic) or `{ apiKey }`; `null`: none. Masked in the startup summary. */
      auth: withInput<ElasticsearchBasicCredentials | ElasticsearchApiKeyCredentials | null>()(
        z
          .union(
            [
              z.strictObject({
                username: text,
                password: z.string(),
              }),
              z.strictObject({ apiKey: text }),
            ],
            {
              error: 'expected { username, password } or { apiKey }',
            },
          )
          .nullable()
          .optional(),
      ),
      /** How often a batch is sent (`'1s'`, or seconds). */
      flushInterval: durationSeconds,
      /** @default 1000 */
      flushIntervalMillis: durationMillis,
      /** @default 500 */
      maxBatchSize: posInt.optional(),
      /** Lines waiting beyond this are dropped and counted. @default 10000 */
      maxBufferedLines: posInt.optional(),
      /** 0..20. @default 3 */
      maxRetries: z.number().int().min(0).max(20).optional(),
      /** Per-request timeout (`'10s'`, or seconds). */
      timeout: durationSeconds,
      /** @default 10000 */
      timeoutMillis: durationMillis,
    },
    (o, ctx) => {
      const e = o!;
      // The normalised form carries both, `node` being `nodes[0]` (where shipping starts).
      if (e.node !== undefined && e.nodes !== undefined && e.node !== e.nodes[0]) {
        ctx.addIssue({
          code: 'custom',
          message: 'give either node or nodes, not both (or node as the first of nodes)',
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
        allowLinkLocal: e.allowLinkLocal === true ? (true as const) : undefined,
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
});

/** One log output: `'console' | 'stdout' | 'stderr' | 'file' | 'elasticsearch' | 'otlp'`, or `{ type, ... }`. */
export const logOutputSchema = withInput<InputOf<typeof logOutputKinds> | 'stdout' | 'stderr'>()(
  z
    .any()
    .transform((v) => (v === 'stdout' || v === 'stderr' ? { type: 'console', stream: v } : v))
    .pipe(logOutputKinds),
);

/** One log output as written. */
export type LogOutputInput = InputOf<typeof logOutputSchema>;

const redactObject = obj({
  /** @default true */
  enabled: bool.optional(),
  /** pino redact paths, added to the defaults (unless `replaceDefaults`). */
  paths: z.array(text).optional(),
  /** @default '[REDACTED]' */
  censor: z.string().optional(),
  /** `true`: `paths` replace the default secret keys instead of adding to them. */
  replaceDefaults: bool.optional(),
});

const redactAny = z.any().transform((v, ctx) => {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return { enabled: v };
  if (Array.isArray(v)) {
    if (v.every((p) => typeof p === 'string' && p.length > 0)) {
      return { enabled: true, paths: [...new Set([...DEFAULT_REDACT_PATHS, ...(v as string[])])] };
    }
    issue(ctx, 'expected a list of non-empty pino redact paths', v);
    return z.NEVER;
  }
  const r = redactObject.safeParse(v, { reportInput: true });
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
const redact = withInput<boolean | string[] | InputOf<typeof redactObject>>()(redactAny);

export const loggingSchema = objT(
  {
    /** `false`: a silent logger. @default true */
    enabled: bool.optional(),
    /** Any case: `'INFO'`, `'info'`; `'warning'` and `'critical'` are accepted too. @default 'info' */
    level: custom(parseLogLevel, accepts<string>()),
    /** `'structured'` is `'json'`. @default 'json' */
    format: withInput<Named<'json' | 'structured' | 'ecs' | 'pretty'>>()(
      z.enum(['json', 'structured', 'ecs', 'pretty']).optional(),
    ),
    /** `trace_id` / `span_id` on every line inside a span. @default true */
    correlation: bool.optional(),
    /** @default ['console'] */
    outputs: z.array(req(logOutputSchema)).optional(),
    /** `false` turns redaction off; a list adds paths to the defaults. */
    redact,
    /** Budget of `shutdown()` (`'5s'`, or seconds); unset: the one budget, `shutdown.timeout`. */
    shutdownTimeout: durationSeconds,
    /** The same in milliseconds (or `'5s'`). */
    shutdownTimeoutMillis: durationMillis,
  },
  (o, ctx) => {
    const l = o!;
    const shutdownTimeoutMillis = pair(ctx, l, 'shutdownTimeout');
    if (shutdownTimeoutMillis === 0) {
      issue(ctx, 'the shutdown budget must be more than 0', 0, [
        l.shutdownTimeoutMillis !== undefined ? 'shutdownTimeoutMillis' : 'shutdownTimeout',
      ]);
    }
    return defined({
      enabled: l.enabled,
      level: l.level,
      format: l.format === 'structured' ? ('json' as const) : l.format,
      correlation: l.correlation,
      outputs: l.outputs,
      redact: l.redact,
      shutdownTimeoutMillis,
    });
  },
);

/** What may be written in the `logging` section (code, file, overrides). */
export type LoggingInput = InputOf<typeof loggingSchema>;

/** The logging slice while layers are merged: file paths and index names may be unset. */
export type LoggingDraft = Mutable<Omit<LoggingConfig, 'outputs' | 'redact' | 'shutdownTimeoutMillis'>> & {
  outputs: PartialLogOutput[];
  redact: Mutable<RedactConfig>;
  /** Unset unless a layer gives it: then the one budget, `shutdown.timeoutMillis`. */
  shutdownTimeoutMillis?: number;
};

/** The slice's defaults, as a fresh draft. */
export function loggingDefaults(): LoggingDraft {
  return {
    enabled: true,
    level: 'info',
    format: 'json',
    correlation: true,
    outputs: [{ type: 'console', stream: 'stdout' }],
    redact: { enabled: true, paths: DEFAULT_REDACT_PATHS, censor: '[REDACTED]' },
  };
}

/** An index / dataset-safe slug of the service name. */
function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9_.]+/g, '_')
      .replace(/^[_.]+/, '') || 'service'
  );
}

/** What finalising the logging slice takes from the rest of the config. */
export interface LoggingContext extends SliceContext {
  /** `service.name`: names the default log file and Elasticsearch index. @default 'unknown_service:node' */
  readonly serviceName?: string;
  /** What relative file paths resolve against. @default process.cwd() */
  readonly cwd?: string;
}

/**
 * The merged slice → the normalised one: file paths absolute (default `logs/<service>.log`), the
 * Elasticsearch index named after the service, OTLP endpoints filled, two outputs on one file
 * refused, destinations checked; with root `enabled: false` no OTLP output (the application's own
 * lines still go to the console and files).
 */
export function finalizeLogging(
  l: LoggingDraft,
  issues: ConfigIssue[],
  context: LoggingContext = {},
): LoggingConfig {
  const serviceSlug = slug(context.serviceName ?? 'unknown_service:node');
  const cwd = context.cwd ?? process.cwd();
  const outputs: LogOutputConfig[] = l.outputs.map((o): LogOutputConfig => {
    switch (o.type) {
      case 'file': {
        const p = o.path ?? `logs/${serviceSlug}.log`;
        return {
          ...o,
          path: isAbsolute(p) ? p : resolve(cwd, p),
          rotation: o.rotation ? { ...o.rotation } : null,
        };
      }
      case 'elasticsearch':
        return {
          ...o,
          index: o.index ?? (o.dataStream ? `logs-${serviceSlug}-default` : `${serviceSlug}-logs`),
          headers: { ...o.headers },
          auth: o.auth ? { ...o.auth } : null,
        };
      case 'otlp':
        return finishOtlp(o, 'logs') as LogOutputConfig;
      default:
        return { ...o };
    }
  });
  const seenFiles = new Map<string, number>();
  outputs.forEach((o, i) => {
    if (o.type !== 'file') return;
    if (seenFiles.has(o.path)) {
      issues.push({
        path: `logging.outputs[${i}].path`,
        message: `the same file as logging.outputs[${seenFiles.get(o.path)}]: ${o.path}`,
        source: 'code',
      });
    }
    seenFiles.set(o.path, i);
  });

  // Where our own requests go: never a cloud metadata / link-local / unspecified address unless
  // the exporter says so (an endpoint is a URL anyone who can set a variable can point elsewhere).
  const endpoints: Destination[] = [];
  outputs.forEach((o, i) => {
    const owner = `logging.outputs[${i}]`;
    if (o.type === 'otlp')
      endpoints.push({ owner, field: 'endpoint', url: o.endpoint, allow: o.allowLinkLocal });
    if (o.type === 'elasticsearch') {
      if (o.nodes === undefined)
        endpoints.push({ owner, field: 'node', url: o.node, allow: o.allowLinkLocal });
      else
        o.nodes.forEach((url, k) => {
          endpoints.push({ owner, field: `nodes[${k}]`, url, allow: o.allowLinkLocal });
        });
    }
  });
  checkEndpoints(endpoints, issues);
  return {
    ...l,
    outputs: (context.enabled ?? true) ? outputs : outputs.filter((o) => o.type !== 'otlp'),
    redact: { ...l.redact, paths: [...l.redact.paths] },
    shutdownTimeoutMillis:
      l.shutdownTimeoutMillis ?? context.shutdownTimeoutMillis ?? DEFAULT_SHUTDOWN.timeoutMillis,
  };
}

const loggingNormalizer = sliceNormalizer<LoggingInput, LoggingDraft, LoggingConfig>({
  name: 'logging',
  schema: loggingSchema,
  defaults: loggingDefaults,
  finalize: (draft, issues) => finalizeLogging(draft, issues),
});

/** Marks a slice `loadConfig` made (already checked), so `normalizeLogging` returns it as is. */
export const markLoggingNormalised = loggingNormalizer.mark;

/**
 * The `logging` slice from what a caller wrote (the input form, or a normalised slice, returned as
 * it is when `loadConfig` made it): the same checks and error text as `loadConfig`, one
 * {@link ConfigError} naming every problem under `logging.`; deep-frozen. `createLogger` calls it,
 * so the logging package holds no defaults or checks of its own. Without a service name the
 * default file is `logs/unknown_service_node.log`, relative to the working directory.
 *
 * @example
 * normalizeLogging({ level: 'WARNING', outputs: ['console', 'file'] }).level; // 'warn'
 */
export function normalizeLogging(input?: LoggingInput | LoggingConfig): LoggingConfig {
  return loggingNormalizer.normalize(input);
}
