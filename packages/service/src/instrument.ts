import { diag, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_NAMES, type InstrumentationName } from '@otelkit/config';

/** Module names whose early loading defeats patching, per instrumentation (http/undici hook core modules or diagnostics channels). */
const PATCHED_MODULES: Partial<Record<InstrumentationName, string>> = {
  pg: 'pg',
  ioredis: 'ioredis',
  amqplib: 'amqplib',
  express: 'express',
  fastify: 'fastify',
};

// Loaded only when chosen: each pulls its own dependencies.
const FACTORIES: Record<InstrumentationName, () => Instrumentation> = {
  http: () => new (require('@opentelemetry/instrumentation-http').HttpInstrumentation)(),
  undici: () => new (require('@opentelemetry/instrumentation-undici').UndiciInstrumentation)(),
  pg: () => new (require('@opentelemetry/instrumentation-pg').PgInstrumentation)(),
  ioredis: () => new (require('@opentelemetry/instrumentation-ioredis').IORedisInstrumentation)(),
  amqplib: () => new (require('@opentelemetry/instrumentation-amqplib').AmqplibInstrumentation)(),
  express: () => new (require('@opentelemetry/instrumentation-express').ExpressInstrumentation)(),
  fastify: () =>
    new (require('@fastify/otel').FastifyOtelInstrumentation)({
      registerOnInitialization: true,
    }) as Instrumentation,
};

export interface InstrumentOptions {
  readonly tracerProvider?: TracerProvider;
  readonly meterProvider?: MeterProvider;
}

export interface InstrumentHandle {
  /** The instrumentations turned on. */
  readonly names: readonly InstrumentationName[];
  /** Libraries that were already loaded, so their existing exports could not be patched. */
  readonly loadedTooEarly: readonly string[];
  /** Turns the instrumentations off again. */
  disable(): void;
}

/** Which of the patched libraries are already in the CommonJS module cache. */
export function librariesLoaded(names: readonly InstrumentationName[]): string[] {
  const loaded: string[] = [];
  const paths = Object.keys(require.cache);
  for (const name of names) {
    const mod = PATCHED_MODULES[name];
    if (mod && paths.some((p) => p.includes(`/node_modules/${mod}/`))) loaded.push(mod);
  }
  return loaded;
}

/**
 * Turns on OpenTelemetry auto-instrumentation for the chosen libraries (http, undici/fetch, pg,
 * ioredis, amqplib, express, fastify). Call it before the app loads those libraries — the
 * `@otelkit/service/register` entry does — otherwise a warning names each one loaded too early.
 *
 * @example
 * instrument(['http', 'pg'], { tracerProvider, meterProvider });
 */
export function instrument(
  names: readonly InstrumentationName[] = INSTRUMENTATION_NAMES,
  options: InstrumentOptions = {},
): InstrumentHandle {
  for (const n of names) {
    if (!(n in FACTORIES)) {
      throw new TypeError(
        `instrument: unknown instrumentation "${n}"; allowed: ${INSTRUMENTATION_NAMES.join(', ')}`,
      );
    }
  }
  const loadedTooEarly = librariesLoaded(names);
  if (loadedTooEarly.length > 0) {
    diag.warn(
      `otelkit: ${loadedTooEarly.join(', ')} ${loadedTooEarly.length === 1 ? 'was' : 'were'} loaded before instrumentation could patch ${loadedTooEarly.length === 1 ? 'it' : 'them'}; ` +
        'start the app with `node --import @otelkit/service/register` (or --require) so every library is instrumented',
    );
  }
  const instrumentations: Instrumentation[] = [];
  const enabled: InstrumentationName[] = [];
  for (const name of names) {
    try {
      instrumentations.push(FACTORIES[name]());
      enabled.push(name);
    } catch (err) {
      diag.error(`otelkit: the ${name} instrumentation could not be loaded`, err);
    }
  }
  const disable = registerInstrumentations({
    instrumentations,
    ...(options.tracerProvider ? { tracerProvider: options.tracerProvider } : {}),
    ...(options.meterProvider ? { meterProvider: options.meterProvider } : {}),
  });
  return { names: enabled, loadedTooEarly, disable };
}
