import { IncomingMessage, ServerResponse } from 'node:http';
import { isatty } from 'node:tty';
import { diag } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import {
  checkInteger,
  checkOptionKeys,
  type LoggingConfig,
  type LoggingInput,
  type LogOutputConfig,
  normalizeLogging,
  redactText,
} from '@otelkit/config';
import { defineShutdownShare } from '@otelkit/config/internal';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { correlatedTimestamp } from './correlation';
import { withErrorCode, withPlainHttpAsEcs } from './ecs/plain-http';
import { normaliseLevel } from './levels';
import { createConsoleOutput } from './outputs/console-output';
import { createElasticsearchOutput } from './outputs/elasticsearch-output';
import { createFileOutput } from './outputs/file-output';
import type { LineRing } from './outputs/line-ring';
import type { LogOutput } from './outputs/log-output';
import { createOtlpOutput } from './outputs/otlp-output';
import { writingOwnDiagnostic } from './outputs/own-diagnostics';
import { type HookedLogger, registerLogger, unregisterLogger } from './process-hooks';
import { createDeepRedactor, type DeepRedactor, splitRedactPaths } from './redact/deep-redactor';
import type { CreateLoggerOptions, LoggerStats, OtelkitLogger } from './types';

type LogFormatter = (obj: Record<string, unknown>) => Record<string, unknown>;

/**
 * Creates a pino logger from the normalised `logging` config: format, outputs, trace
 * correlation, redaction, and the lifecycle (`flush`, `shutdown`, `setLevel`, `stats`).
 *
 * Bad config throws at once, naming the field and the allowed values; so does a log file that
 * cannot be opened. After that, logging never throws into the application: failed writes and
 * shipments are counted in `stats()` and reported through the OpenTelemetry `diag` logger.
 *
 * @param config the `logging` section of the normalised config (`loadConfig().logging`)
 * @param resource who is logging: `service.*` of ECS lines and the resource of OTLP records
 * @param options lifecycle options; see {@link CreateLoggerOptions}
 * @example
 * const logger = createLogger({
 *   enabled: true, level: 'info', format: 'json', correlation: true,
 *   outputs: [{ type: 'console', stream: 'stdout' }],
 *   redact: { enabled: true, paths: [], censor: '[REDACTED]' },
 * });
 * logger.info({ userId: 42 }, 'user signed in');
 * await logger.shutdown();
 */
const LOGGER_OPTION_KEYS = [
  'handleSignals',
  'logUncaught',
  'fileBufferBytes',
  'name',
  'recentLines',
] as const satisfies readonly (keyof CreateLoggerOptions)[];
// Compile-time: the lists name every key (a new one that is not listed fails the build).
const _logger_keys_complete: [
  Exclude<keyof CreateLoggerOptions, (typeof LOGGER_OPTION_KEYS)[number]>,
] extends [never]
  ? true
  : never = true;
void _logger_keys_complete;

export function createLogger(
  slice: LoggingConfig | LoggingInput,
  resource?: Resource,
  options: CreateLoggerOptions = {},
): OtelkitLogger {
  // The slice's own normaliser: a loadConfig slice as it is, anything else checked exactly as
  // loadConfig checks it (same ConfigError text); this package holds no defaults or checks of its own.
  const config = normalizeLogging(slice);
  if (options === null || typeof options !== 'object')
    throw new Error('createLogger: options must be an object');
  if (Object.hasOwn(options, 'shutdownTimeoutMillis'))
    throw new Error(
      'createLogger: options.shutdownTimeoutMillis is a field of the logging slice now (logging.shutdownTimeout / shutdownTimeoutMillis; default shutdown.timeout)',
    );
  checkOptionKeys(options, LOGGER_OPTION_KEYS, 'createLogger: options');
  const shutdownTimeoutMillis = config.shutdownTimeoutMillis;
  const level = config.level;
  const fileBufferBytes = checkInteger(
    options.fileBufferBytes ?? 4096,
    '@otelkit/logging: options.fileBufferBytes',
    { min: 0, max: 1 << 20 },
  );

  if (!config.enabled) {
    return withSurface(pino({ enabled: false, level }), [], shutdownTimeoutMillis, undefined, undefined);
  }

  const format = config.format;
  const ecs = format === 'ecs';

  const outputs: LogOutput[] = [];
  try {
    config.outputs.forEach((out, i) => {
      outputs.push(
        createOutput(
          out,
          `logging.outputs[${i}]`,
          format === 'pretty',
          resource,
          options.name,
          fileBufferBytes,
        ),
      );
    });
  } catch (err) {
    for (const o of outputs) void o.shutdown(Date.now());
    throw err;
  }

  const pinoOptions: LoggerOptions = { level, ...(options.name ? { name: options.name } : {}) };
  const redact = config.redact.enabled
    ? buildRedaction(config.redact.paths, config.redact.censor)
    : undefined;
  if (redact?.exact.length) pinoOptions.redact = { paths: redact.exact, censor: redact.censor };

  let logFormatter: LogFormatter | undefined;
  let bindingsFormatter: LogFormatter | undefined;
  if (ecs) {
    const ecsOptions = ecsPinoOptions(resource);
    const upstreamLog = ecsOptions.formatters.log as LogFormatter;
    const upstreamBindings = ecsOptions.formatters.bindings as LogFormatter;
    // ecs-pino-format's log formatter copies every line's object (`{ req, res, err, ...rest }`)
    // even when there is nothing to convert; once its bindings formatter has run (it adds the
    // static ECS fields there) and without APM, that copy is the object itself: skip it.
    let bindingsDone = false;
    const ecsBindings: LogFormatter = (obj) => {
      bindingsDone = true;
      return upstreamBindings(obj);
    };
    const httpLog: LogFormatter = (obj) =>
      obj.req === undefined && obj.res === undefined
        ? upstreamLog(obj)
        : withPlainHttpAsEcs(obj, upstreamLog);
    // ecs-pino-format maps err to error.type / message / stack_trace and drops its code
    const ecsLog: LogFormatter = (obj) =>
      obj.err !== undefined
        ? withErrorCode(obj, httpLog(obj))
        : obj.req === undefined && obj.res === undefined && bindingsDone
          ? obj
          : httpLog(obj);
    const deep = redact?.deep;
    logFormatter = deep ? (obj) => deep(ecsLog(obj)) : ecsLog;
    bindingsFormatter = deep ? (obj) => deep(ecsBindings(obj)) : ecsBindings;
    pinoOptions.messageKey = ecsOptions.messageKey;
    pinoOptions.formatters = {
      level: ecsOptions.formatters.level,
      bindings: bindingsFormatter,
      log: logFormatter,
    };
    // Same fragment as @elastic/ecs-pino-format's, but the ISO string is built once per millisecond.
    let lastMillis = 0;
    let lastFragment = '';
    const ecsTime = (): string => {
      const now = Date.now();
      if (now !== lastMillis) {
        lastMillis = now;
        lastFragment = `,"@timestamp":"${new Date(now).toISOString()}"`;
      }
      return lastFragment;
    };
    pinoOptions.timestamp = config.correlation ? correlatedTimestamp(ecsTime, true) : ecsTime;
  } else {
    const deep = redact?.deep;
    if (deep) {
      pinoOptions.formatters = {
        log: (obj) => deep(obj.req === undefined && obj.res === undefined ? obj : serializeHttp(obj)),
        bindings: (obj) => deep(obj),
      };
    }
    const epoch = pino.stdTimeFunctions.epochTime;
    pinoOptions.timestamp = config.correlation ? correlatedTimestamp(epoch, false) : epoch;
  }

  if (redact) {
    // The message too, printf arguments included (pino formats them into it first):
    // `logger.info(`GET ${url}`)` carries the URL's token. pino's serializer of the message key
    // is one call per line; a `logMethod` hook would put every call on pino's slow path (it cost
    // ~5 900 instructions a line, callgrind, bench/logging/format-callgrind.bench.js).
    const key = pinoOptions.messageKey ?? 'msg';
    pinoOptions.serializers = {
      ...pinoOptions.serializers,
      [key]: (message: unknown) => (typeof message === 'string' ? redactText(message) : message),
    };
  }
  const destination = fanOut(outputs, options.recentLines);
  const logger = pino(pinoOptions, destination);
  const deepRedact = redact?.deep;
  if (deepRedact) {
    // pino resets the bindings formatter for children; redact child bindings here instead.
    // Children are created with Object.create(parent), so grandchildren inherit this too.
    const child = logger.child;
    logger.child = function redactedChild(this: Logger, bindings, childOptions) {
      return child.call(this, deepRedact(bindings as Record<string, unknown>), childOptions);
    } as Logger['child'];
  }
  return withSurface(logger, outputs, shutdownTimeoutMillis, deepRedact, {
    handleSignals: options.handleSignals ?? true,
    logUncaught: options.logUncaught ?? true,
  });
}

function createOutput(
  out: LogOutputConfig,
  field: string,
  pretty: boolean,
  resource: Resource | undefined,
  name: string | undefined,
  bufferBytes: number,
): LogOutput {
  switch (out.type) {
    case 'console': {
      const stream = out.stream;
      return createConsoleOutput({ stream, ...(pretty ? { transform: prettyTransform(stream) } : {}) });
    }
    case 'file':
      return createFileOutput({
        path: out.path,
        mkdir: out.mkdir,
        rotation: out.rotation,
        field,
        bufferBytes,
      });
    case 'elasticsearch':
      return createElasticsearchOutput(out);
    case 'otlp':
      return createOtlpOutput(out, field, resource, name ?? '@otelkit/logging');
  }
}

function prettyTransform(stream: 'stdout' | 'stderr'): (line: string) => string {
  const { prettyFactory } = require('pino-pretty') as typeof import('pino-pretty');
  const pretty = prettyFactory({
    colorize: isatty(stream === 'stderr' ? 2 : 1),
    translateTime: 'SYS:standard',
    ignore: 'pid,hostname',
  });
  return (line) => {
    // pino's JSON escapes control characters; pino-pretty prints messages raw, so a "\n{...}" in
    // a message forged a line, and ESC sequences reached the terminal. Escape them first.
    if (!MAYBE_CONTROL.test(line)) return pretty(line);
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return pretty(line);
    }
    return pretty(escapeControls(parsed, '') as Record<string, unknown>);
  };
}

/** A JSON line that may hold a control character (escaped by JSON, or DEL / U+2028-9 raw). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const MAYBE_CONTROL = /\\[nrbf]|\\u00[01]|\\u007f|[\u007f\u2028\u2029]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f\u2028\u2029]/g;
/** In stack traces newlines are their structure (pino-pretty indents every line): kept. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_BUT_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/g;

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function escapeControls(value: unknown, key: string, depth = 0): unknown {
  if (typeof value === 'string')
    return value.replace(key === 'stack' ? CONTROL_BUT_NEWLINE : CONTROL, escapeChar);
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => escapeControls(v, '', depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k.replace(CONTROL, escapeChar)] = escapeControls(v, k, depth + 1);
  return out;
}

function buildRedaction(
  paths: readonly string[],
  censor: string,
): { deep: DeepRedactor; exact: string[]; censor: string } {
  // The slice's paths are the whole list (loadConfig puts the default secret paths in unless
  // `replaceDefaults`); nothing is added here, so what the config says is what is redacted.
  const { keys, exact } = splitRedactPaths(paths);
  return { deep: createDeepRedactor(keys, censor), exact, censor };
}

/** Raw `req`/`res` (node:http) become pino's plain request/response objects before redaction looks at their headers. */
function serializeHttp(obj: Record<string, unknown>): Record<string, unknown> {
  const req = obj.req;
  const res = obj.res;
  if (!(req instanceof IncomingMessage) && !(res instanceof ServerResponse)) return obj;
  const copy = { ...obj };
  if (req instanceof IncomingMessage) copy.req = pino.stdSerializers.req(req);
  if (res instanceof ServerResponse) copy.res = pino.stdSerializers.res(res);
  return copy;
}

function isThenable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function ecsPinoOptions(resource: Resource | undefined): Required<
  Pick<LoggerOptions, 'messageKey' | 'timestamp'>
> & {
  formatters: Required<NonNullable<LoggerOptions['formatters']>>;
} {
  const { ecsFormat } = require('@elastic/ecs-pino-format') as typeof import('@elastic/ecs-pino-format');
  // Only the settled attributes: detected ones that need I/O (host.id, container.id) may still be
  // pending here, and ECS needs only the service.* fields, which are always set synchronously.
  const attrs: Record<string, unknown> =
    resource === undefined
      ? {}
      : Object.fromEntries(resource.getRawAttributes().filter(([, v]) => !isThenable(v)));
  const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
  const opts = ecsFormat({
    apmIntegration: false,
    convertErr: true,
    convertReqRes: true,
    ...(str(attrs['service.name']) ? { serviceName: str(attrs['service.name']) } : {}),
    ...(str(attrs['service.version']) ? { serviceVersion: str(attrs['service.version']) } : {}),
    ...(str(attrs['deployment.environment.name'] ?? attrs['deployment.environment'])
      ? { serviceEnvironment: str(attrs['deployment.environment.name'] ?? attrs['deployment.environment']) }
      : {}),
    ...(str(attrs['service.instance.id']) ? { serviceNodeName: str(attrs['service.instance.id']) } : {}),
  });
  return opts as never;
}

/**
 * Our own diagnostics never reach a network output (Elasticsearch, OTLP) that is failing — it may
 * be what failed — nor, below `info`, a network output at all: debug diagnostics describe the
 * exports themselves ("items to be sent"), so shipping them made every export carry the last one
 * (a debug + OTLP log file grew 52 KB → 1.86 MB in 30 s, accelerating). Withheld lines are counted.
 */
function withholdsOwn(o: LogOutput, level: number): boolean {
  if (o.failing === undefined) return false;
  return level < 30 || o.failing();
}

/** The pino destination: every line to every output (pino hands us the level when an output needs it). */
function fanOut(outputs: readonly LogOutput[], ring: LineRing | undefined): DestinationStream {
  // network outputs need the level too: they withhold our own lines below info
  const needsLevel = outputs.some((o) => o.type === 'otlp' || o.failing !== undefined);
  let dest: DestinationStream & { lastLevel?: number };
  if (outputs.length === 1 && !needsLevel) {
    const only = outputs[0] as LogOutput;
    dest = ring
      ? {
          write: (line: string) => {
            ring.push(line);
            only.write(line, 0);
          },
        }
      : { write: (line: string) => only.write(line, 0) };
  } else {
    dest = {
      write(line: string): void {
        ring?.push(line);
        const lvl = this.lastLevel ?? 30;
        const own = writingOwnDiagnostic();
        for (let i = 0; i < outputs.length; i++) {
          const o = outputs[i] as LogOutput;
          if (own && withholdsOwn(o, lvl)) o.withhold?.();
          else o.write(line, lvl);
        }
      },
    } as DestinationStream & { lastLevel?: number };
    if (needsLevel) (dest as unknown as Record<symbol, boolean>)[pino.symbols.needsMetadataGsym] = true;
  }
  // pino's own logger.flush(cb) on child loggers ends up here.
  (dest as unknown as { flush(cb?: (err?: Error) => void): void }).flush = (cb) => {
    for (const o of outputs) o.flushSync();
    cb?.();
  };
  return dest;
}

function withSurface(
  logger: Logger,
  outputs: readonly LogOutput[],
  shutdownTimeoutMillis: number,
  redactor: DeepRedactor | undefined,
  hooks: { handleSignals: boolean; logUncaught: boolean } | undefined,
): OtelkitLogger {
  const children: Array<WeakRef<Logger>> = [];
  let prunedAt = 64;
  let shutdownPromise: Promise<void> | undefined;

  const flushSync = (): void => {
    for (const o of outputs) {
      try {
        o.flushSync();
      } catch (err) {
        diag.error('@otelkit/logging: flush failed', err);
      }
    }
  };

  const flush = (): Promise<void> => {
    flushSync();
    const deadline = Date.now() + shutdownTimeoutMillis;
    return Promise.all(outputs.map((o) => o.flush(deadline).catch(() => undefined))).then(() => undefined);
  };
  // One memoised shutdown: `shutdown()` runs it with the slice's budget; `startMonitoring` runs it
  // with its share of `shutdown.timeout` (through `shutdownWithin`, on no public type). Whichever
  // comes first decides; a later call returns the same promise.
  const shutdownWithin = (budget: number): Promise<void> => {
    shutdownPromise ??= (async () => {
      if (hooked) unregisterLogger(hooked);
      flushSync();
      const deadline = Date.now() + budget;
      await Promise.all(outputs.map((o) => o.shutdown(deadline).catch(() => undefined)));
    })().catch((err) => diag.error('@otelkit/logging: shutdown failed', err));
    return shutdownPromise;
  };
  const surface = {
    flush,
    forceFlush: flush,
    shutdown: (): Promise<void> => shutdownWithin(shutdownTimeoutMillis),
    setLevel(lvl: string): void {
      const normalised = normaliseLevel(lvl, 'setLevel(level)');
      logger.level = normalised;
      for (const ref of children) {
        const child = ref.deref();
        if (child) child.level = normalised;
      }
    },
    stats(): LoggerStats {
      const list = outputs.map((o) => o.stats());
      return {
        outputs: list,
        dropped: list.reduce((n, s) => n + s.dropped, 0),
        redactionFailures: redactor?.failures ?? 0,
      };
    },
  };

  // Children follow setLevel(): pino copies the level at child() time only.
  logger.onChild = (child: Logger) => {
    children.push(new WeakRef(child));
    if (children.length > prunedAt) {
      const alive = children.filter((r) => r.deref() !== undefined);
      children.length = 0;
      children.push(...alive);
      prunedAt = Math.max(64, alive.length * 2);
    }
  };

  const hooked: HookedLogger | undefined = hooks && {
    flushSync,
    shutdown: () => surface.shutdown(),
    handleSignals: hooks.handleSignals,
    logUncaught: hooks.logUncaught,
    logCrash(err: unknown, origin: string, handledByApp: boolean): void {
      try {
        const what = origin === 'unhandledRejection' ? 'unhandled promise rejection' : 'uncaught exception';
        const e = err instanceof Error ? err : new Error(String(err));
        if (handledByApp) logger.error({ err: e }, `${what}, handled by the application`);
        else logger.fatal({ err: e }, `${what}: the process is about to exit`);
      } catch {
        // never throw from the crash path
      }
    },
  };
  if (hooked) registerLogger(hooked);

  return defineShutdownShare(
    Object.assign(logger, surface) as unknown as OtelkitLogger,
    shutdownTimeoutMillis,
    shutdownWithin,
  );
}
