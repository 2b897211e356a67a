import {
  type Attributes,
  type Context,
  type Counter,
  context,
  diag,
  type Histogram,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import { createRateLimitedLog, DEFAULT_DURATION_BUCKETS } from '@otelkit/config';
import { errorType } from '@otelkit/metrics';
import { getMonitoringRuntime } from '../runtime';
import type {
  MethodMonitoringOptions,
  MonitoredLogLevel,
  MonitoringLogger,
  MonitoringRuntime,
} from '../types';
import { safeArgs } from './safe-args';

/** Metric names (OpenTelemetry has no convention for application methods; these follow its style). */
export const METHOD_DURATION = 'otelkit.method.duration';
export const METHOD_CALLS = 'otelkit.method.calls';

/** The original function behind a wrapper, so nothing is wrapped twice. */
export const ORIGINAL = Symbol.for('otelkit.monitored.original');
/** The call site of a wrapper: class name and options, completed by a class decorator. */
export const SITE = Symbol.for('otelkit.monitored.site');

/** Where a wrapped method lives, and how to instrument it. */
export interface MethodSite {
  className: string | undefined;
  readonly methodName: string;
  readonly isStatic: boolean;
  /** Options given on the method itself. */
  readonly own: MethodMonitoringOptions;
  /** Defaults from the class decorator, when there is one. */
  classDefaults: MethodMonitoringOptions;
  /** Starts monitoring on the first call (`@service({ monitoring })`); never throws. */
  lazyStart?: () => void;
}

type FunctionKind = 'plain' | 'generator' | 'async-generator';

interface Prepared {
  readonly runtime: MonitoringRuntime;
  readonly spanName: string;
  readonly spanAttributes: Attributes;
  readonly okAttributes: Attributes;
  readonly className: string;
  readonly methodName: string;
  readonly options: MethodMonitoringOptions;
  readonly duration: Histogram;
  readonly calls: Counter;
  readonly logger: MonitoringLogger | undefined;
  readonly successLevel: MonitoredLogLevel;
  readonly errorLevel: MonitoredLogLevel;
}

interface Call {
  readonly p: Prepared;
  readonly span: Span | undefined;
  readonly ctx: Context | undefined;
  readonly start: number;
  settled: boolean;
}

interface Instruments {
  duration: Histogram;
  calls: Counter;
}

const instrumentsByRuntime = new WeakMap<MonitoringRuntime, Instruments>();

function instrumentsFor(runtime: MonitoringRuntime): Instruments {
  let i = instrumentsByRuntime.get(runtime);
  if (i === undefined) {
    i = {
      duration: runtime.meter.createHistogram(METHOD_DURATION, {
        unit: 's',
        description: 'Duration of calls to monitored methods',
        advice: { explicitBucketBoundaries: [...(runtime.durationBuckets ?? DEFAULT_DURATION_BUCKETS)] },
      }),
      calls: runtime.meter.createCounter(METHOD_CALLS, {
        unit: '{call}',
        description: 'Calls to monitored methods, by outcome',
      }),
    };
    instrumentsByRuntime.set(runtime, i);
  }
  return i;
}

function kindOf(fn: Function): FunctionKind {
  const tag = Object.prototype.toString.call(fn);
  if (tag === '[object GeneratorFunction]') return 'generator';
  if (tag === '[object AsyncGeneratorFunction]') return 'async-generator';
  return 'plain';
}

function levelEnabled(logger: MonitoringLogger | undefined, level: MonitoredLogLevel): boolean {
  if (logger === undefined || level === 'silent') return false;
  try {
    return logger.isLevelEnabled ? logger.isLevelEnabled(level) : true;
  } catch {
    return false;
  }
}

function isError(err: unknown): err is Error {
  try {
    return err instanceof Error;
  } catch {
    return false;
  }
}

/** What the failure line carries: the Error itself (pino serialises it), or a safe description. */
function errorForLog(err: unknown, type: string): unknown {
  return isError(err) ? err : { type, message: errorMessage(err) };
}

function errorMessage(err: unknown): string {
  try {
    if (isError(err)) return String(err.message);
    if (typeof err === 'string') return err;
    return String(err);
  } catch {
    return '[unprintable error]';
  }
}

function prepare(site: MethodSite, runtime: MonitoringRuntime, self: unknown): Prepared {
  if (site.className === undefined) {
    // A method decorator without a class decorator (TC39 gives no class name): take it from
    // the first receiver.
    const ctor = site.isStatic ? self : (self as { constructor?: unknown } | null | undefined)?.constructor;
    site.className = typeof ctor === 'function' && ctor.name ? ctor.name : 'anonymous';
  }
  const options = { ...site.classDefaults, ...site.own };
  const className = site.className;
  const methodName = site.methodName;
  const { duration, calls } = instrumentsFor(runtime);
  let logger: MonitoringLogger | undefined;
  try {
    logger = runtime.logger?.child({ class: className, method: methodName });
  } catch (err) {
    diag.warn(`otelkit: could not create a logger for ${className}.${methodName}`, err);
  }
  return {
    runtime,
    spanName: options.spanName ?? `${className}.${methodName}`,
    // semconv 1.33+: the fully qualified name (code.function / code.namespace are deprecated)
    spanAttributes: { [ATTR_CODE_FUNCTION_NAME]: `${className}.${methodName}` },
    okAttributes: Object.freeze({ class: className, method: methodName, outcome: 'success' }),
    className,
    methodName,
    options,
    duration,
    calls,
    logger,
    successLevel: options.logLevel ?? 'debug',
    errorLevel: options.errorLogLevel ?? 'error',
  };
}

function begin(p: Prepared, args: readonly unknown[]): Call {
  let span: Span | undefined;
  let ctx: Context | undefined;
  if (p.options.trace !== false) {
    let attributes = p.spanAttributes;
    if (p.options.attributes !== undefined || p.options.captureArgs) {
      attributes = { ...attributes };
      if (p.options.attributes !== undefined) {
        try {
          Object.assign(attributes, p.options.attributes(args));
        } catch (err) {
          diag.warn(`otelkit: the attributes option of ${p.spanName} threw`, err);
        }
      }
      if (p.options.captureArgs) attributes['code.args'] = safeArgs(args);
    }
    const parent = context.active();
    span = p.runtime.tracer.startSpan(p.spanName, { kind: SpanKind.INTERNAL, attributes }, parent);
    ctx = trace.setSpan(parent, span);
  }
  return { p, span, ctx, start: performance.now(), settled: false };
}

function log(call: Call, level: MonitoredLogLevel, obj: object, msg: string): void {
  const logger = call.p.logger!;
  const write = () => (logger as unknown as Record<string, (o: object, m: string) => void>)[level]!(obj, msg);
  // Inside the method's span, so the line carries its trace and span ids.
  if (call.ctx !== undefined) context.with(call.ctx, write);
  else write();
}

function finish(call: Call, ok: boolean, err?: unknown): void {
  if (call.settled) return;
  call.settled = true;
  try {
    const p = call.p;
    const seconds = (performance.now() - call.start) / 1000;
    let attrs = p.okAttributes;
    let type: string | undefined;
    if (!ok) {
      type = errorType(err);
      attrs = { class: p.className, method: p.methodName, outcome: 'error', 'error.type': type };
      if (call.span !== undefined) {
        call.span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
        call.span.setAttribute('error.type', type);
        try {
          call.span.recordException(
            isError(err) || typeof err === 'string' ? err : { name: type, message: errorMessage(err) },
          );
        } catch {
          call.span.recordException({ name: type, message: '[unreadable error]' });
        }
      }
    }
    call.span?.end();
    p.duration.record(seconds, attrs);
    p.calls.add(1, attrs);
    if (ok) {
      if (levelEnabled(p.logger, p.successLevel)) {
        log(call, p.successLevel, { durationMs: seconds * 1000 }, `${p.spanName} succeeded`);
      }
    } else if (levelEnabled(p.logger, p.errorLevel)) {
      log(
        call,
        p.errorLevel,
        { durationMs: seconds * 1000, err: errorForLog(err, type!), 'error.type': type },
        `${p.spanName} failed`,
      );
    }
  } catch (e) {
    reportFailure('record', 'otelkit: recording a monitored call failed', e);
  }
}

/** Instrumentation failures repeat on every call: the first goes out, then a count per 30 s. */
const reportFailure = createRateLimitedLog((message, ...args) => diag.error(message, ...args));

function isThenable(v: unknown): v is PromiseLike<unknown> {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return false;
  try {
    return typeof (v as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

const promiseThen = Promise.prototype.then;

/**
 * Observes a returned thenable and hands back the value itself (never a new promise):
 *
 * - a Promise, native or subclass: its outcome is observed with a `then()` of its own (the
 *   caller keeps the very same object, with its methods; a rejection the caller leaves unhandled
 *   stays unhandled, as without `@monitored`);
 * - any other thenable (a lazy query builder): nothing runs now — calling `then()` could start
 *   the work. The outcome is observed when the caller itself calls `then()` (await), through a
 *   `then` defined on that one object; a thenable never awaited never ends its span. A frozen
 *   thenable is recorded as returned, without waiting.
 */
function observeThenable(call: Call, result: PromiseLike<unknown>): unknown {
  const ok = (): void => finish(call, true);
  const failed = (err: unknown): void => finish(call, false, err);
  if (result instanceof Promise) {
    try {
      promiseThen.call(result, ok, failed);
    } catch (err) {
      // a subclass whose constructor refuses then()'s executor: record as returned
      diag.debug('otelkit: could not observe a returned promise', err);
      ok();
    }
    return result;
  }
  let original: PromiseLike<unknown>['then'];
  try {
    original = result.then;
    Object.defineProperty(result, 'then', {
      configurable: true,
      writable: true,
      enumerable: false,
      value(
        this: PromiseLike<unknown>,
        onFulfilled?: (v: unknown) => unknown,
        onRejected?: (e: unknown) => unknown,
      ) {
        return original.call(
          this,
          (v: unknown) => {
            ok();
            return onFulfilled ? onFulfilled(v) : v;
          },
          (e: unknown) => {
            failed(e);
            if (onRejected) return onRejected(e);
            throw e;
          },
        );
      },
    });
  } catch {
    ok();
  }
  return result;
}

/** Runs iteration steps inside the span and ends it when the generator finishes, throws or is closed. */
function wrapIterator(it: Iterator<unknown> & AsyncIterator<unknown>, call: Call, isAsync: boolean): object {
  const step = (method: 'next' | 'return' | 'throw', arg: unknown): unknown => {
    let r: unknown;
    try {
      const fn = it[method];
      if (typeof fn !== 'function') {
        if (method === 'throw') throw arg;
        finish(call, true);
        return isAsync ? Promise.resolve({ value: arg, done: true }) : { value: arg, done: true };
      }
      r = call.ctx !== undefined ? context.with(call.ctx, () => fn.call(it, arg)) : fn.call(it, arg);
    } catch (err) {
      finish(call, false, err);
      throw err;
    }
    if (isAsync) {
      return (r as Promise<IteratorResult<unknown>>).then(
        (res) => {
          if (res.done) finish(call, true);
          return res;
        },
        (err) => {
          finish(call, false, err);
          throw err;
        },
      );
    }
    if ((r as IteratorResult<unknown>).done) finish(call, true);
    return r;
  };
  const wrapped = Object.create(Object.getPrototypeOf(it)) as Record<PropertyKey, unknown>;
  wrapped.next = (v: unknown) => step('next', v);
  wrapped.return = (v: unknown) => step('return', v);
  wrapped.throw = (e: unknown) => step('throw', e);
  if (isAsync) {
    wrapped[Symbol.asyncIterator] = function (this: unknown) {
      return this;
    };
  } else {
    wrapped[Symbol.iterator] = function (this: unknown) {
      return this;
    };
  }
  return wrapped;
}

function copyIdentity(from: Function, to: Function): void {
  for (const key of ['name', 'length'] as const) {
    const d = Object.getOwnPropertyDescriptor(from, key);
    if (d) Object.defineProperty(to, key, d);
  }
  // Properties and reflect-metadata that frameworks (NestJS guards, route metadata) attach to
  // the function itself.
  for (const key of Reflect.ownKeys(from)) {
    if (key === 'name' || key === 'length' || key === 'prototype' || key === 'arguments' || key === 'caller')
      continue;
    const d = Object.getOwnPropertyDescriptor(from, key);
    if (d) {
      try {
        Object.defineProperty(to, key, d);
      } catch {
        // a non-configurable own property on the wrapper: leave it
      }
    }
  }
  const R = Reflect as unknown as {
    getOwnMetadataKeys?: (t: object) => unknown[];
    getOwnMetadata?: (k: unknown, t: object) => unknown;
    defineMetadata?: (k: unknown, v: unknown, t: object) => void;
  };
  if (typeof R.getOwnMetadataKeys === 'function' && R.getOwnMetadata && R.defineMetadata) {
    for (const key of R.getOwnMetadataKeys(from)) R.defineMetadata(key, R.getOwnMetadata(key, from), to);
  }
}

/**
 * Wraps one method: a span, a duration histogram and a call counter with `class`, `method`,
 * `outcome`, and a correlated log line per call. The original runs exactly once per call and its
 * result or thrown value passes through untouched; sync stays sync; a generator's span covers its
 * iteration. With no runtime installed the wrapper calls the original and nothing else.
 */
export function instrumentMethod<F extends Function>(original: F, site: MethodSite): F {
  const kind = kindOf(original);
  let prepared: Prepared | undefined;

  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    let runtime = getMonitoringRuntime();
    if (runtime === undefined && site.lazyStart !== undefined) {
      site.lazyStart();
      runtime = getMonitoringRuntime();
    }
    if (runtime === undefined || site.own.skip) return original.apply(this, args);

    let call: Call | undefined;
    try {
      if (prepared === undefined || prepared.runtime !== runtime) prepared = prepare(site, runtime, this);
      call = begin(prepared, args);
    } catch (err) {
      reportFailure('start', 'otelkit: starting a monitored call failed; running the method bare', err);
    }
    if (call === undefined) return original.apply(this, args);

    let result: unknown;
    let entered = false;
    try {
      if (call.ctx === undefined) {
        entered = true;
        result = original.apply(this, args);
      } else {
        result = context.with(call.ctx, () => {
          entered = true;
          return original.apply(this, args);
        });
      }
    } catch (err) {
      if (!entered) {
        // The context manager failed before the method ran: run it bare, exactly once.
        reportFailure('context', 'otelkit: entering the span context failed; running the method bare', err);
        call.span?.end();
        return original.apply(this, args);
      }
      finish(call, false, err);
      throw err;
    }

    if (kind !== 'plain') {
      if (result !== null && typeof result === 'object') {
        return wrapIterator(
          result as Iterator<unknown> & AsyncIterator<unknown>,
          call,
          kind === 'async-generator',
        );
      }
      finish(call, true);
      return result;
    }
    if (isThenable(result)) return observeThenable(call, result);
    finish(call, true);
    return result;
  };

  copyIdentity(original, wrapper);
  Object.defineProperty(wrapper, ORIGINAL, { value: original });
  Object.defineProperty(wrapper, SITE, { value: site });
  return wrapper as unknown as F;
}
