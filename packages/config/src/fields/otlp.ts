/**
 * The OTLP pieces every signal's exporter shares: the wire options as written (`otlpShape`), their
 * canonical form, the defaults, and `finishOtlp`, which fills the endpoint once the protocol is known.
 */
import { z } from 'zod';
import {
  bool,
  type Ctx,
  defined,
  durationMillis,
  durationSeconds,
  headers,
  httpUrl,
  type Node,
  type ObjInput,
  type obj,
  objT,
  pair,
} from './zod-fields';

/** OTLP wire protocols, as named by `OTEL_EXPORTER_OTLP_PROTOCOL`. */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

export type Compression = 'none' | 'gzip';

/** Where and how an OTLP exporter sends. `endpoint` is the full URL the exporter posts to. */
export interface OtlpEndpointConfig {
  /**
   * Full URL. For HTTP protocols it includes the signal path (`/v1/traces`, `/v1/metrics`,
   * `/v1/logs`); for gRPC it is `scheme://host:port`.
   */
  readonly endpoint: string;
  /**
   * Send to a link-local, cloud metadata or unspecified address (169.254.0.0/16, fe80::/10,
   * fd00:ec2::254, 100.100.100.200, metadata.google.internal, 0.0.0.0, ::), refused otherwise:
   * such an endpoint is how a mistyped or injected URL reaches instance credentials. Absent unless `true`.
   */
  readonly allowLinkLocal?: true;
  /** @default 'http/protobuf' */
  readonly protocol: OtlpProtocol;
  /** Extra request headers (e.g. an API key). Masked in the startup summary. */
  readonly headers: Readonly<Record<string, string>>;
  /** @default 'none' */
  readonly compression: Compression;
  /** Per-export request timeout. @default 10000 */
  readonly timeoutMillis: number;
}

export const DEFAULT_OTLP = {
  protocol: 'http/protobuf',
  headers: {},
  compression: 'none',
  timeoutMillis: 10_000,
} as const;

/** Base URLs per protocol, as in the OpenTelemetry spec (`localhost`, not a routable address). */
export const DEFAULT_OTLP_HTTP_BASE = 'http://localhost:4318';
export const DEFAULT_OTLP_GRPC_BASE = 'http://localhost:4317';

export const protocol = z.enum(['http/protobuf', 'http/json', 'grpc']);
/**
 * The OTLP wire options' schema nodes. Named, with the docs on it, so every exporter kind built on
 * it (tracing, metrics, logs) refers to it in the declaration files instead of a copy without docs.
 */
export type OtlpShape = {
  /** A base URL (`http://collector:4318`, the signal path is appended) or a full one. */
  endpoint: typeof httpUrl;
  /** Allow a link-local / cloud metadata / unspecified address as the endpoint (refused otherwise). */
  allowLinkLocal: z.ZodOptional<typeof bool>;
  /** @default 'http/protobuf' */
  protocol: z.ZodOptional<typeof protocol>;
  /** Extra request headers (e.g. an API key). Masked in the startup summary. */
  headers: z.ZodOptional<typeof headers>;
  /** @default 'none' */
  compression: z.ZodOptional<z.ZodEnum<{ none: 'none'; gzip: 'gzip' }>>;
  /** Per-export request timeout (`'10s'`, or seconds). */
  timeout: typeof durationSeconds;
  /** Per-export request timeout in milliseconds (or `'10s'`). @default 10000 */
  timeoutMillis: typeof durationMillis;
};

/** The OTLP wire options as written; {@link OtlpEndpointInput} is derived from it. */
export const otlpShape: OtlpShape = {
  endpoint: httpUrl,
  allowLinkLocal: bool.optional(),
  protocol: protocol.optional(),
  headers: headers.optional(),
  compression: z.enum(['none', 'gzip']).optional(),
  timeout: durationSeconds,
  timeoutMillis: durationMillis,
};

/** An OTLP exporter's wire options as written (code, file, overrides). */
export type OtlpEndpointInput = ObjInput<OtlpShape>;

export interface OtlpPartial {
  endpoint?: string;
  allowLinkLocal?: true;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
  compression: 'none' | 'gzip';
  timeoutMillis: number;
}

export function otlpFields(
  o: z.output<ReturnType<typeof obj<typeof otlpShape>>> & object,
  ctx: Ctx,
): OtlpPartial {
  return defined({
    endpoint: o.endpoint,
    allowLinkLocal: o.allowLinkLocal === true ? true : undefined,
    protocol: o.protocol ?? DEFAULT_OTLP.protocol,
    headers: { ...(o.headers ?? {}) },
    compression: o.compression ?? DEFAULT_OTLP.compression,
    timeoutMillis: pair(ctx, o, 'timeout') ?? DEFAULT_OTLP.timeoutMillis,
  });
}

/** An OTLP exporter kind (`{ type, ...otlpShape }`); typed by name so declaration files keep the fields' docs. */
export function otlpVariant<T extends string>(
  type: T,
): Node<
  ({ type: T } & OtlpPartial) | undefined,
  ObjInput<{ type: z.ZodLiteral<T> } & OtlpShape> | undefined
> {
  const node = objT({ type: z.literal(type), ...otlpShape }, (o, ctx) => ({
    type,
    ...otlpFields(o!, ctx),
  }));
  // T is generic here: the checker cannot match the spread shape's input to the named one.
  return node as never;
}

/** An OTLP signal's URL path: `/v1/traces`, `/v1/metrics`, `/v1/logs`. */
export function signalUrl(base: string, signal: 'traces' | 'metrics' | 'logs'): string {
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

/** An OTLP exporter before `finishOtlp`: the endpoint may still be unset. */
export interface DraftOtlp {
  type: string;
  endpoint?: string;
  /** Set by the environment layer: the endpoint is used exactly as given. */
  endpointFinal?: boolean;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
  compression: 'none' | 'gzip';
  timeoutMillis: number;
}

/**
 * The endpoint once the protocol is known: the spec's default per protocol when none was given,
 * and the signal path appended to a base URL written in config (as `OTEL_EXPORTER_OTLP_ENDPOINT`).
 */
export function finishOtlp<T extends DraftOtlp>(
  e: T,
  signal: 'traces' | 'metrics' | 'logs',
): Omit<T, 'endpointFinal'> & { endpoint: string } {
  const { endpointFinal, ...rest } = e;
  let endpoint = rest.endpoint;
  if (endpoint === undefined) {
    endpoint = rest.protocol === 'grpc' ? DEFAULT_OTLP_GRPC_BASE : signalUrl(DEFAULT_OTLP_HTTP_BASE, signal);
  } else if (!endpointFinal && rest.protocol !== 'grpc') {
    // A base URL written in config gets the signal path, like OTEL_EXPORTER_OTLP_ENDPOINT.
    const u = new URL(endpoint);
    if (u.pathname === '/' || u.pathname === '') endpoint = signalUrl(endpoint, signal);
  }
  return { ...rest, endpoint, headers: { ...rest.headers } } as Omit<T, 'endpointFinal'> & {
    endpoint: string;
  };
}
