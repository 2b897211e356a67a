/**
 * The process-wide slices: `shutdown` (the one budget, signal handling), `instrumentations` (what
 * the register entry instruments) and `diagnostics` (OpenTelemetry's own log level, the startup
 * summary). Their schemas, types and defaults live here, once.
 */
import { z } from 'zod';
import { ExpectedError } from '../duration';
import type { Named } from '../fields/input-types';
import {
  accepts,
  bool,
  custom,
  defined,
  durationMillis,
  durationSeconds,
  type InputOf,
  obj,
  objT,
  pair,
  reemit,
  withInput,
} from '../fields/zod-fields';

/** OpenTelemetry's own diagnostic log level (`OTEL_LOG_LEVEL`). */
export type DiagLogLevelName = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

export interface ShutdownConfig {
  /** One budget for the whole ordered shutdown. @default 5000 */
  readonly timeoutMillis: number;
  /** Flush and exit with 128+signal on SIGTERM/SIGINT when the app has no handler of its own. @default true */
  readonly handleSignals: boolean;
}

/** Libraries `@otelkit/service/register` instruments automatically. */
export type InstrumentationName = 'http' | 'undici' | 'pg' | 'ioredis' | 'amqplib' | 'express' | 'fastify';

export interface InstrumentationsConfig {
  /** Which auto-instrumentations the `register` entry (and `instrument()`) turn on. @default all of them */
  readonly enabled: readonly InstrumentationName[];
}

export interface DiagnosticsConfig {
  /** OpenTelemetry `diag` level (`OTEL_LOG_LEVEL`). @default 'warn' */
  readonly logLevel: DiagLogLevelName;
  /** Print the startup summary at info level (it is always available at debug). @default false */
  readonly printSummary: boolean;
}

export const DEFAULT_SHUTDOWN: ShutdownConfig = { timeoutMillis: 5000, handleSignals: true };

export const DEFAULT_DIAGNOSTICS: DiagnosticsConfig = { logLevel: 'warn', printSummary: false };

export const shutdownSchema = objT(
  {
    /** One budget for the whole ordered shutdown (`'5s'`, or seconds). */
    timeout: durationSeconds,
    /** The same in milliseconds (or `'5s'`). @default 5000 */
    timeoutMillis: durationMillis,
    /** Flush and exit with 128+signal on SIGTERM/SIGINT when the app has no handler of its own. @default true */
    handleSignals: bool.optional(),
  },
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

const instrumentationsAny = z.any().transform((v, ctx) => {
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

/** A list of libraries to instrument, `false` for none, or `{ pg: false, ... }` to turn some off. */
export const instrumentationsSchema = withInput<
  Named<InstrumentationName>[] | boolean | InstrumentationSwitches
>()(instrumentationsAny);

/** `{ pg: false }`: every library on but the ones set to `false`. */
export interface InstrumentationSwitches {
  /** `node:http` / `https` servers and clients. */
  http?: boolean;
  /** `fetch` and undici clients. */
  undici?: boolean;
  /** PostgreSQL (`pg`). */
  pg?: boolean;
  /** Redis (`ioredis`). */
  ioredis?: boolean;
  /** RabbitMQ (`amqplib`). */
  amqplib?: boolean;
  /** Express routes and middleware. */
  express?: boolean;
  /** Fastify routes and hooks. */
  fastify?: boolean;
}

const DIAG_LEVELS = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;

/** `OTEL_LOG_LEVEL` values, any case. */
export function parseDiagLevel(v: unknown): (typeof DIAG_LEVELS)[number] {
  if (typeof v === 'string') {
    const l = v.trim().toLowerCase();
    if ((DIAG_LEVELS as readonly string[]).includes(l)) return l as (typeof DIAG_LEVELS)[number];
  }
  throw new ExpectedError(`expected one of ${DIAG_LEVELS.join('|')} (any case)`);
}

export const diagnosticsSchema = objT(
  {
    /** OpenTelemetry `diag` level (`OTEL_LOG_LEVEL`), any case. @default 'warn' */
    logLevel: custom(parseDiagLevel, accepts<DiagLogLevelName | Uppercase<DiagLogLevelName>>()),
    /** Print the startup summary at info level (it is always available at debug). @default false */
    printSummary: bool.optional(),
  },
  (o) => defined({ ...o! }),
);

/** What may be written in the `shutdown` section. */
export type ShutdownInput = InputOf<typeof shutdownSchema>;
/** What may be written as `instrumentations`. */
export type InstrumentationsInput = InputOf<typeof instrumentationsSchema>;
/** What may be written in the `diagnostics` section. */
export type DiagnosticsInput = InputOf<typeof diagnosticsSchema>;
