import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { context, type Span, type Tracer, trace } from '@opentelemetry/api';
import { checkOptionKeys, decoratorMode } from '@otelkit/config';
import { toAttributes } from '../helpers/active-span';
import { decorateMethod, qualifiedName, type UniversalMethodDecorator } from '../helpers/decorator-kind';
import { defaultTracer, failSpan, isThenable } from '../helpers/with-span';
import { toChromeTrace } from './chrome-trace';
import type {
  ChromeTrace,
  Profile,
  ProfileNameStats,
  ProfilerOptions,
  ProfileTrace,
  TraceHandle,
  TraceOptions,
} from './types';

type AnyFn = (...args: unknown[]) => unknown;

const PROFILER_OPTION_KEYS = [
  'enabled',
  'traceAsyncTasks',
  'collectStackTrace',
  'maxTraces',
  'tracer',
] as const satisfies readonly (keyof ProfilerOptions)[];
const TRACE_OPTION_KEYS = ['name', 'metadata'] as const satisfies readonly (keyof TraceOptions)[];

interface Open {
  readonly name: string;
  readonly start: number;
  readonly memoryStart: number;
  readonly metadata: Record<string, unknown>;
  readonly stackTrace: string | undefined;
  readonly span: Span | undefined;
}

const now = (): number => performance.timeOrigin + performance.now();
// The same figure as process.memoryUsage().heapUsed, at a fraction of the cost (no RSS syscall).
const heapUsed = (): number => getHeapStatistics().used_heap_size;

/**
 * A lightweight method profiler (the API of Python's mtaio `Profiler`, in TypeScript form).
 * Times sync and async operations with real V8 heap measurements, keeps a bounded history,
 * summarises per name (count, total, mean, p50/p95/p99) and exports the Chrome trace-event
 * format. When a tracer is available each profiled operation is also a span; it works with
 * tracing off.
 *
 * @example
 * const profiler = new Profiler({ collectStackTrace: false });
 * const load = profiler.trace(async (id: string) => db.load(id), { name: 'db.load' });
 * await profiler.traceContext('warmup', async () => { await load('1'); });
 * const { byName } = await profiler.getProfile();
 * await profiler.exportChromeTrace('profile.json'); // open in https://ui.perfetto.dev
 */
export class Profiler {
  readonly enabled: boolean;
  private readonly _traceAsync: boolean;
  private readonly _collectStack: boolean;
  private readonly _maxTraces: number;
  private readonly _tracer: Tracer | null | undefined;
  private readonly _buffer: (ProfileTrace | undefined)[];
  private _start = 0;
  private _size = 0;
  private _discarded = 0;

  constructor(options: ProfilerOptions = {}) {
    if (options === null || typeof options !== 'object')
      throw new Error('Profiler options must be an object');
    // mtaio's `trace_async_tasks` / `collect_stack_trace` are refused naming the camelCase option.
    checkOptionKeys(options, PROFILER_OPTION_KEYS, 'Profiler');
    const maxTraces = options.maxTraces ?? 10_000;
    if (!Number.isInteger(maxTraces) || maxTraces < 1) {
      throw new Error(
        `Profiler option maxTraces must be a positive integer; got ${JSON.stringify(maxTraces)}`,
      );
    }
    this.enabled = options.enabled ?? true;
    this._traceAsync = options.traceAsyncTasks ?? true;
    this._collectStack = options.collectStackTrace ?? false;
    this._maxTraces = maxTraces;
    this._tracer = options.tracer;
    this._buffer = new Array(maxTraces);
    // Bound once so it can be used detached (`const { trace } = profiler`) and as a decorator.
    this.trace = this.trace.bind(this) as Profiler['trace'];
  }

  /**
   * Wraps a function (`profiler.trace(fn, { name })`) or decorates a method (`@profiler.trace`
   * or `@profiler.trace({ name })`, TC39 standard or `experimentalDecorators`).
   */
  trace<F extends (...args: never[]) => unknown>(fn: F, options?: TraceOptions): F;
  trace(options: TraceOptions): UniversalMethodDecorator;
  trace<This, Args extends unknown[], Return>(
    value: (this: This, ...args: Args) => Return,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Return>,
  ): (this: This, ...args: Args) => Return;
  trace(target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
  trace(...args: unknown[]): unknown {
    const [first, second] = args;
    if (typeof first === 'function' && decoratorMode(args) !== 'standard' && args.length <= 2) {
      const options = (second ?? {}) as TraceOptions;
      if (typeof options === 'object' && options !== null)
        checkOptionKeys(options, TRACE_OPTION_KEYS, 'profiler.trace');
      const fn = first as AnyFn;
      return this._wrap(fn, () => options.name ?? (fn.name || 'anonymous'), options.metadata);
    }
    if (args.length === 1 && typeof first === 'object' && first !== null) {
      const options = first as TraceOptions;
      checkOptionKeys(options, TRACE_OPTION_KEYS, '@profiler.trace');
      return ((...decoratorArgs: unknown[]) =>
        decorateMethod(
          '@profiler.trace',
          (method, methodName) => this._wrapMethod(method, methodName, options),
          decoratorArgs,
        )) as UniversalMethodDecorator;
    }
    return decorateMethod(
      '@profiler.trace',
      (method, methodName) => this._wrapMethod(method, methodName, {}),
      args,
    );
  }

  /**
   * Profiles a block: runs `fn` (sync or async) as one trace and returns its result unchanged
   * (a throw or rejection passes through and marks the trace `error`).
   *
   * @example
   * const rows = await profiler.traceContext('report.query', () => db.query(sql), { table: 'orders' });
   */
  traceContext<T>(name: string, fn: () => T, metadata?: Record<string, unknown>): T {
    if (!this.enabled) return fn();
    return this._run(name, fn, undefined, [], metadata);
  }

  /**
   * Starts a trace by hand; call `end()` on the handle. (The span, if any, is not made active:
   * use {@link Profiler.traceContext} to have children nest under it.)
   *
   * @example
   * const t = profiler.startTrace('batch', { size: items.length });
   * ...
   * t.end({ processed });
   */
  startTrace(name: string, metadata?: Record<string, unknown>): TraceHandle {
    if (!this.enabled) return { name, end: () => undefined };
    const open = this._open(name, metadata);
    let ended = false;
    return {
      name,
      end: (extra?: Record<string, unknown>) => {
        if (ended) return undefined;
        ended = true;
        if (extra !== undefined) Object.assign(open.metadata, extra);
        return this._close(open, false);
      },
    };
  }

  /** The kept traces and per-name statistics. */
  async getProfile(): Promise<Profile> {
    const traces = this._traces();
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    const groups = new Map<string, ProfileTrace[]>();
    for (const t of traces) {
      if (t.startTimeMillis < first) first = t.startTimeMillis;
      if (t.endTimeMillis > last) last = t.endTimeMillis;
      const g = groups.get(t.name);
      if (g === undefined) groups.set(t.name, [t]);
      else g.push(t);
    }
    const byName: Record<string, ProfileNameStats> = {};
    for (const [name, group] of groups) byName[name] = summarise(group);
    return {
      totalTimeMillis: traces.length > 0 ? last - first : 0,
      traces,
      byName,
      discarded: this._discarded,
    };
  }

  /** The kept traces in the Chrome trace-event format. */
  toChromeTrace(): ChromeTrace {
    return toChromeTrace(this._traces());
  }

  /** Writes {@link Profiler.toChromeTrace} as JSON to `path` (open it in Perfetto or chrome://tracing). */
  async exportChromeTrace(path: string): Promise<void> {
    await writeFile(path, JSON.stringify(this.toChromeTrace()));
  }

  /** Traces kept, and evicted by the `maxTraces` bound. */
  stats(): { kept: number; discarded: number; maxTraces: number } {
    return { kept: this._size, discarded: this._discarded, maxTraces: this._maxTraces };
  }

  /** Forgets every trace and resets the discarded count. */
  reset(): void {
    this._buffer.fill(undefined);
    this._start = 0;
    this._size = 0;
    this._discarded = 0;
  }

  private _wrapMethod(method: AnyFn, methodName: string, options: TraceOptions): AnyFn {
    return this._wrap(method, (self) => options.name ?? qualifiedName(self, methodName), options.metadata);
  }

  private _wrap(
    fn: AnyFn,
    nameOf: (self: unknown) => string,
    metadata: Record<string, unknown> | undefined,
  ): AnyFn {
    if (!this.enabled) return fn;
    const profiler = this;
    const wrapped = function profiled(this: unknown, ...args: unknown[]): unknown {
      return profiler._run(nameOf(this), fn, this, args, metadata);
    };
    Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
    return wrapped;
  }

  private _run<T>(
    name: string,
    fn: (...args: unknown[]) => T,
    self: unknown,
    args: unknown[],
    metadata: Record<string, unknown> | undefined,
  ): T {
    let open: Open;
    try {
      open = this._open(name, metadata);
    } catch {
      return fn.apply(self, args);
    }
    let result: T;
    try {
      result =
        open.span !== undefined
          ? context.with(trace.setSpan(context.active(), open.span), fn, self, ...args)
          : fn.apply(self, args);
    } catch (err) {
      this._close(open, true, err);
      throw err;
    }
    if (isThenable(result)) {
      if (!this._traceAsync) {
        open.metadata.async = true;
        this._close(open, false);
        return result;
      }
      return result.then(
        (value) => {
          this._close(open, false);
          return value;
        },
        (err: unknown) => {
          this._close(open, true, err);
          throw err;
        },
      ) as T;
    }
    this._close(open, false);
    return result;
  }

  private _open(name: string, metadata: Record<string, unknown> | undefined): Open {
    const tracer = this._tracer === undefined ? defaultTracer() : this._tracer;
    let span: Span | undefined;
    if (tracer !== null) {
      span = tracer.startSpan(
        name,
        metadata !== undefined ? { attributes: toAttributes(metadata) } : undefined,
      );
      if (!span.isRecording()) {
        span.end();
        span = undefined;
      }
    }
    return {
      name,
      metadata: metadata !== undefined ? { ...metadata } : {},
      stackTrace: this._collectStack ? captureStack() : undefined,
      span,
      memoryStart: heapUsed(),
      start: now(),
    };
  }

  private _close(open: Open, error: boolean, err?: unknown): ProfileTrace | undefined {
    try {
      const end = now();
      const memoryEnd = heapUsed();
      const record: ProfileTrace = {
        name: open.name,
        startTimeMillis: open.start,
        endTimeMillis: end,
        durationMillis: end - open.start,
        metadata: open.metadata,
        ...(open.stackTrace !== undefined ? { stackTrace: open.stackTrace } : {}),
        memoryStart: open.memoryStart,
        memoryEnd,
        memoryDelta: memoryEnd - open.memoryStart,
        error,
      };
      this._push(record);
      if (open.span !== undefined) {
        open.span.setAttribute('profile.memory_delta_bytes', record.memoryDelta);
        if (error) failSpan(open.span, err);
        open.span.end();
      }
      return record;
    } catch {
      return undefined;
    }
  }

  private _push(record: ProfileTrace): void {
    const cap = this._maxTraces;
    if (this._size < cap) {
      this._buffer[(this._start + this._size) % cap] = record;
      this._size++;
    } else {
      this._buffer[this._start] = record;
      this._start = (this._start + 1) % cap;
      this._discarded++;
    }
  }

  private _traces(): ProfileTrace[] {
    const out: ProfileTrace[] = [];
    for (let i = 0; i < this._size; i++) out.push(this._buffer[(this._start + i) % this._maxTraces]!);
    return out;
  }
}

const STACK_FRAMES = 10;

function captureStack(): string {
  // Room for the profiler's own frames, which are then removed (matched by this file's path).
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_FRAMES + 8;
  try {
    Error.captureStackTrace(holder);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return (holder.stack ?? '')
    .split('\n')
    .slice(1)
    .filter((line) => !line.includes(__filename))
    .slice(0, STACK_FRAMES)
    .map((line) => line.trim())
    .join('\n');
}

function summarise(group: ProfileTrace[]): ProfileNameStats {
  const durations = group.map((t) => t.durationMillis).sort((a, b) => a - b);
  const total = durations.reduce((s, d) => s + d, 0);
  const rank = (p: number) =>
    durations[Math.min(durations.length - 1, Math.max(0, Math.ceil(p * durations.length) - 1))]!;
  return {
    count: durations.length,
    totalMillis: total,
    meanMillis: total / durations.length,
    minMillis: durations[0]!,
    maxMillis: durations[durations.length - 1]!,
    p50Millis: rank(0.5),
    p95Millis: rank(0.95),
    p99Millis: rank(0.99),
    errors: group.reduce((n, t) => n + (t.error ? 1 : 0), 0),
  };
}
