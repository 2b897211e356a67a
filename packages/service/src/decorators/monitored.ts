import { checkOptionKeys, decoratorMode } from '@otelkit/config';
import type { MethodMonitoringOptions, MonitoredOptions } from '../types';
import { instrumentMethod, type MethodSite, SITE } from './instrument-method';

const SHARED_KEYS = ['logLevel', 'errorLogLevel', 'attributes', 'captureArgs', 'trace'] as const;
const CLASS_KEYS = new Set<string>([...SHARED_KEYS, 'name', 'include', 'exclude', 'statics']);
const METHOD_KEYS = new Set<string>([...SHARED_KEYS, 'skip', 'spanName']);
const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

/** Display names given with `@monitored({ name })`, for `loggerFor`. */
export const monitoredClassNames = new WeakMap<Function, string>();

type AnyOptions = MonitoredOptions & MethodMonitoringOptions;

interface DecoratorContextLike {
  kind: string;
  name: string | symbol | undefined;
  static?: boolean;
}

function keyName(key: string | symbol | undefined): string {
  if (typeof key === 'symbol') return key.description ?? 'symbol';
  return key ?? 'anonymous';
}

function validate(options: unknown, allowed: Set<string>, where: string): AnyOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(
      `@monitored(${where}): expected an options object, got ${options === null ? 'null' : typeof options}`,
    );
  }
  const o = options as Record<string, unknown>;
  try {
    checkOptionKeys(o, [...allowed], `@monitored(${where})`);
  } catch (err) {
    throw new TypeError((err as Error).message);
  }
  for (const key of ['logLevel', 'errorLogLevel']) {
    if (o[key] !== undefined && !LEVELS.has(o[key] as string)) {
      throw new TypeError(
        `@monitored(${where}): ${key} must be one of ${[...LEVELS].join('|')}, got ${JSON.stringify(o[key])}`,
      );
    }
  }
  for (const key of ['include', 'exclude']) {
    if (
      o[key] !== undefined &&
      !(Array.isArray(o[key]) && (o[key] as unknown[]).every((x) => typeof x === 'string'))
    ) {
      throw new TypeError(`@monitored(${where}): ${key} must be a list of method names`);
    }
  }
  if (o.attributes !== undefined && typeof o.attributes !== 'function') {
    throw new TypeError(`@monitored(${where}): attributes must be a function (args) => attributes`);
  }
  for (const key of ['captureArgs', 'trace', 'statics', 'skip']) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') {
      throw new TypeError(`@monitored(${where}): ${key} must be true or false`);
    }
  }
  for (const key of ['name', 'spanName']) {
    if (o[key] !== undefined && (typeof o[key] !== 'string' || o[key] === '')) {
      throw new TypeError(`@monitored(${where}): ${key} must be a non-empty string`);
    }
  }
  return o as AnyOptions;
}

function classDefaults(o: AnyOptions): MethodMonitoringOptions {
  const d: MethodMonitoringOptions = {};
  for (const key of SHARED_KEYS) if (o[key] !== undefined) (d as Record<string, unknown>)[key] = o[key];
  return d;
}

function decorateClass(cls: Function, options: AnyOptions, lazyStart?: () => void): void {
  validate(options, CLASS_KEYS, `class ${cls.name}`);
  const className = options.name ?? cls.name ?? 'anonymous';
  if (options.name) monitoredClassNames.set(cls, options.name);
  const defaults = classDefaults(options);
  const targets: Array<[object, boolean]> = [[cls.prototype, false]];
  if (options.statics) targets.push([cls, true]);
  for (const [target, isStatic] of targets) {
    for (const key of Reflect.ownKeys(target)) {
      if (key === 'constructor' || (isStatic && (key === 'prototype' || key === 'name' || key === 'length')))
        continue;
      const name = keyName(key);
      if (options.include && !options.include.includes(name)) continue;
      if (options.exclude?.includes(name)) continue;
      const desc = Object.getOwnPropertyDescriptor(target, key);
      if (!desc || typeof desc.value !== 'function' || (!desc.writable && !desc.configurable)) continue;
      const existing = (desc.value as { [SITE]?: MethodSite })[SITE];
      if (existing !== undefined) {
        // Already wrapped by a method decorator: give it the class name and the class defaults.
        existing.className = className;
        existing.classDefaults = defaults;
        if (lazyStart) existing.lazyStart = lazyStart;
        continue;
      }
      const site: MethodSite = {
        className,
        methodName: name,
        isStatic,
        own: {},
        classDefaults: defaults,
        lazyStart,
      };
      Object.defineProperty(target, key, { ...desc, value: instrumentMethod(desc.value, site) });
    }
  }
}

// A legacy class decorator gets any function TypeScript hands it; arrows and methods have no prototype.
function assertClass(fn: Function, message: string): void {
  if (typeof fn.prototype !== 'object' || fn.prototype === null) {
    throw new TypeError(`${message}; the function ${fn.name || '(anonymous)'} is not a class`);
  }
}

function apply(options: unknown, args: unknown[]): unknown {
  const mode = decoratorMode(args);
  // TypeScript standard (TC39) decorators: (value, context)
  if (mode === 'standard') {
    const [value, ctx] = args as [Function, DecoratorContextLike];
    if (ctx.kind === 'class') {
      decorateClass(value, validate(options, CLASS_KEYS, `class ${keyName(ctx.name)}`));
      return undefined;
    }
    if (ctx.kind === 'method') {
      const own = validate(options, METHOD_KEYS, `method ${keyName(ctx.name)}`);
      return instrumentMethod(value, {
        className: undefined,
        methodName: keyName(ctx.name),
        isStatic: ctx.static === true,
        own,
        classDefaults: {},
      });
    }
    throw new TypeError(
      `@monitored applies to classes and methods, not to the ${ctx.kind} ${keyName(ctx.name)}`,
    );
  }
  // experimentalDecorators, class: (constructor)
  if (mode === 'legacy' && args.length === 1) {
    assertClass(args[0] as Function, '@monitored applies to classes and methods');
    decorateClass(args[0] as Function, validate(options, CLASS_KEYS, `class ${(args[0] as Function).name}`));
    return undefined;
  }
  // experimentalDecorators, method: (prototype or constructor, key, descriptor)
  if (mode === 'legacy') {
    const [target, key, desc] = args as [object, string | symbol, PropertyDescriptor | undefined];
    const name = keyName(key);
    if (!desc || typeof desc.value !== 'function') {
      throw new TypeError(`@monitored applies to classes and methods; ${name} is not a method`);
    }
    const own = validate(options, METHOD_KEYS, `method ${name}`);
    const isStatic = typeof target === 'function';
    const ctor = isStatic ? (target as Function) : (target as { constructor?: Function }).constructor;
    desc.value = instrumentMethod(desc.value, {
      className: ctor?.name || undefined,
      methodName: name,
      isStatic,
      own,
      classDefaults: {},
    });
    return desc;
  }
  throw new TypeError('@monitored: not called as a class or method decorator');
}

/** Applies class-level options (and a lazy monitoring start) for `@service`. */
export function applyToClass(options: AnyOptions, args: unknown[], lazyStart?: () => void): void {
  const mode = decoratorMode(args);
  if (mode === 'standard' && (args[1] as DecoratorContextLike).kind !== 'class') {
    throw new TypeError(
      `@service applies to classes, not to the ${(args[1] as DecoratorContextLike).kind} ${keyName((args[1] as DecoratorContextLike).name)}`,
    );
  }
  if (mode === 'legacy' && args.length !== 1) {
    throw new TypeError(
      `@service applies to classes, not to the member ${keyName(args[1] as string | symbol)}`,
    );
  }
  if (mode === undefined) throw new TypeError('@service applies to classes');
  const cls = args[0] as Function;
  assertClass(cls, '@service applies to classes');
  decorateClass(cls, validate(options, CLASS_KEYS, `class ${cls.name}`), lazyStart);
}

/** A decorator that works as TC39 standard and as `experimentalDecorators`, on classes and methods. */
export type UniversalDecorator = {
  // TC39
  <T extends abstract new (...args: never[]) => unknown>(value: T, context: ClassDecoratorContext<T>): void;
  // biome-ignore lint/suspicious/noExplicitAny: method signatures are arbitrary
  <T extends (this: any, ...args: any) => any>(value: T, context: ClassMethodDecoratorContext<unknown, T>): T;
  // experimentalDecorators. A constructor, not any Function: TypeScript checks a TC39 decorator
  // against a one-parameter signature with the value alone, so `Function` would let it onto
  // methods and getters.
  <T extends abstract new (...args: never[]) => unknown>(target: T): void;
  <T>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ): TypedPropertyDescriptor<T> | void;
};

/**
 * The options of a decorator factory, typed so that no function is one. A class would otherwise
 * pass for the all-optional options (it has a `name`), and `@monitored` on a legacy class would
 * resolve to the factory; a function's `prototype` is what rules it out. The factory signature
 * comes before the one-argument legacy class signature so that `monitored(x as never)` stays a
 * factory call.
 */
export type OptionsObject<T> = T & { readonly prototype?: never };

/**
 * The options a decorator factory was called with — `name()` or `name(options)` — or a clear
 * error. A decorator call itself (`@name` bare) never gets here: {@link decoratorMode} tells it
 * apart first (a class or method plus a context object, or a constructor / target, key and
 * descriptor), and a function is never an options object.
 */
export function factoryOptions(decoratorName: string, args: readonly unknown[]): unknown {
  const [options] = args;
  const isOptionsObject =
    options === undefined || (typeof options === 'object' && options !== null && !Array.isArray(options));
  if (args.length > 1 || !isOptionsObject) {
    const got =
      args.length > 1
        ? `${args.length} arguments`
        : options === null
          ? 'null'
          : Array.isArray(options)
            ? 'an array'
            : typeof options === 'function'
              ? 'a function'
              : `${typeof options} ${String(options)}`;
    throw new TypeError(
      `${decoratorName}: use ${decoratorName}, ${decoratorName}() or ${decoratorName}({ ...options }) as a decorator; got ${got}`,
    );
  }
  return options;
}

/**
 * Instruments every method of a class — or one method — with a span `Class.method`, a duration
 * histogram (`otelkit.method.duration`, seconds) and a call counter (`otelkit.method.calls`)
 * with `class`, `method` and `outcome` attributes, and a log line correlated with the span
 * (debug on success, error on failure, with the duration).
 *
 * Works with TypeScript's standard decorators and with `experimentalDecorators` (NestJS),
 * detected at run time. `@monitored`, `@monitored()` and `@monitored({})` are the same thing;
 * `@monitored(options)` takes the options below. The method runs exactly once per call and its
 * result or thrown value passes through unchanged; sync stays sync. With no monitoring installed
 * (`setMonitoringRuntime` / `startMonitoring`) the cost is one function call.
 *
 * @example
 * @monitored
 * class OrderService {
 *   async place(order: Order) { ... }
 *   @monitored({ logLevel: 'info', attributes: ([id]) => ({ 'order.id': String(id) }) })
 *   async cancel(id: string) { ... }
 *   @monitored({ skip: true })
 *   health() { return 'ok'; }
 * }
 */
// `@monitored` bare: TypeScript calls `monitored` itself as the decorator, so it carries the
// signatures of UniversalDecorator; `monitored(options)` is the factory.
export function monitored<T extends abstract new (...args: never[]) => unknown>(
  value: T,
  context: ClassDecoratorContext<T>,
): void;
// biome-ignore lint/suspicious/noExplicitAny: method signatures are arbitrary
export function monitored<T extends (this: any, ...args: any) => any>(
  value: T,
  context: ClassMethodDecoratorContext<unknown, T>,
): T;
export function monitored(
  options?: OptionsObject<MonitoredOptions | MethodMonitoringOptions>,
): UniversalDecorator;
export function monitored<T extends abstract new (...args: never[]) => unknown>(target: T): void;
export function monitored<T>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<T>,
): TypedPropertyDescriptor<T>;
export function monitored(...args: unknown[]): unknown {
  if (decoratorMode(args) !== undefined) return apply(undefined, args);
  const options = factoryOptions('@monitored', args);
  validate(options, new Set([...CLASS_KEYS, ...METHOD_KEYS]), 'options');
  return (...decoratorArgs: unknown[]) => apply(options, decoratorArgs);
}
