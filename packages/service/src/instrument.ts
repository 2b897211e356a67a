import { type IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { createNoopMeter, diag, type MeterProvider, metrics, type TracerProvider } from '@opentelemetry/api';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { checkOptionKeys, INSTRUMENTATION_NAMES, type InstrumentationName } from '@otelkit/config';

/** Module names whose early loading defeats patching, per instrumentation (http/undici hook core modules or diagnostics channels). */
const PATCHED_MODULES: Partial<Record<InstrumentationName, string>> = {
  pg: 'pg',
  ioredis: 'ioredis',
  amqplib: 'amqplib',
  express: 'express',
  // fastify: read from its diagnostics channel, not patched — loading order does not matter
};

// Loaded only when chosen: each pulls its own dependencies.
const FACTORIES: Record<InstrumentationName, (options: InstrumentOptions) => Instrumentation> = {
  http: (options) =>
    new (require('@opentelemetry/instrumentation-http').HttpInstrumentation)(httpConfig(options)),
  undici: () => new (require('@opentelemetry/instrumentation-undici').UndiciInstrumentation)(),
  pg: () => new (require('@opentelemetry/instrumentation-pg').PgInstrumentation)(),
  ioredis: () => new (require('@opentelemetry/instrumentation-ioredis').IORedisInstrumentation)(),
  amqplib: () => new (require('@opentelemetry/instrumentation-amqplib').AmqplibInstrumentation)(),
  express: () => new (require('@opentelemetry/instrumentation-express').ExpressInstrumentation)(),
  fastify: () => new (require('./fastify-instrumentation').FastifyRouteInstrumentation)(),
};

export interface InstrumentOptions {
  readonly tracerProvider?: TracerProvider;
  readonly meterProvider?: MeterProvider;
  /** How the http instrumentation treats incoming requests (what `startMonitoring` passes). */
  readonly http?: HttpInstrumentOptions;
}

/** Incoming requests of the http instrumentation. */
export interface HttpInstrumentOptions {
  /** Requests it does not trace (the metrics and health paths). */
  readonly ignoreIncomingRequest?: (req: IncomingMessage) => boolean;
  /**
   * Called for every incoming request it traces, inside its SERVER span: otelkit measures the
   * request here (RED metrics), so an app without otelkit's middleware is measured too.
   */
  readonly onIncomingRequest?: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Keep the instrumentation's own `http.server.request.duration`. `false` when otelkit measures
   * incoming requests itself: one source per metric (its client metrics are kept). @default true
   */
  readonly serverDurationMetric?: boolean;
}

function httpConfig(options: InstrumentOptions): Record<string, unknown> {
  const http = options.http ?? {};
  const config: Record<string, unknown> = {};
  if (http.ignoreIncomingRequest) config.ignoreIncomingRequestHook = http.ignoreIncomingRequest;
  const onIncoming = http.onIncomingRequest;
  if (onIncoming) {
    // Called with the ServerResponse of incoming requests (and the IncomingMessage of outgoing ones).
    config.responseHook = (_span: unknown, response: unknown) => {
      if (response instanceof ServerResponse) onIncoming(response.req, response);
    };
  }
  return config;
}

/** A MeterProvider whose meters hand out a no-op histogram for `dropped` names, the real one otherwise. */
function withoutHistograms(provider: MeterProvider, dropped: ReadonlySet<string>): MeterProvider {
  const noop = createNoopMeter();
  return {
    getMeter(name, version, opts) {
      const meter = provider.getMeter(name, version, opts);
      return new Proxy(meter, {
        get(target, key, receiver) {
          if (key === 'createHistogram') {
            return (metric: string, ...rest: unknown[]) =>
              dropped.has(metric)
                ? noop.createHistogram(metric)
                : (target.createHistogram as (...a: unknown[]) => unknown).call(target, metric, ...rest);
          }
          const value = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
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
  checkOptionKeys(options, ['tracerProvider', 'meterProvider', 'http'], 'instrument(names, options)');
  if (options.http)
    checkOptionKeys(
      options.http,
      ['ignoreIncomingRequest', 'onIncomingRequest', 'serverDurationMetric'],
      'instrument(names, options): options.http',
    );
  for (const n of names) {
    if (!Object.hasOwn(FACTORIES, n)) {
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
  let http: Instrumentation | undefined;
  for (const name of names) {
    try {
      const instrumentation = FACTORIES[name](options);
      if (name === 'http') http = instrumentation;
      instrumentations.push(instrumentation);
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
  if (http && options.http?.serverDurationMetric === false) {
    http.setMeterProvider(
      withoutHistograms(options.meterProvider ?? metrics.getMeterProvider(), SERVER_DURATION_METRICS),
    );
  }
  if (http) patchLoadedCoreModules();
  return { names: enabled, loadedTooEarly, disable };
}

/** The server-side metric otelkit records itself when it measures incoming requests. */
const SERVER_DURATION_METRICS: ReadonlySet<string> = new Set(['http.server.request.duration']);

/**
 * `http` / `https` are usually loaded before monitoring starts in code (the app's own imports
 * run first). The hook patches a module when it is next required, and the patch lives on the
 * module's shared objects (`Server.prototype.emit`, `request`, `get`), so one require through
 * Node's loader patches them for every importer, ES modules included.
 */
function patchLoadedCoreModules(): void {
  const nodeRequire = createRequire(__filename);
  for (const mod of ['http', 'https']) {
    try {
      nodeRequire(mod);
    } catch {
      // a module Node always has; nothing to do if it cannot be loaded
    }
  }
}
