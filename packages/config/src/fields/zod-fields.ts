/**
 * The field parsers every config slice is built from: strict objects with did-you-mean, `X` /
 * `XMillis` duration pairs, http(s) URLs, tagged unions, thresholds. One grammar each; the
 * slices (schema.ts and slices/*.ts) only compose them.
 */
import { z } from 'zod';
import { ExpectedError, parseDuration } from '../duration';
import { didYouMean } from '../suggest';
import type { DurationInput, Named } from './input-types';

export type Ctx = z.core.$RefinementCtx<unknown>;

/**
 * A schema node typed by what it gives (`O`, after parsing) and what it accepts (`I`, what people
 * write). The slices' input types are `InputOf<typeof xSchema>`: one source, the schema. Nodes
 * built from `z.any().transform` (every field with its own grammar) declare their input with
 * {@link accepts}; plain zod nodes infer it.
 */
export type Node<O, I> = z.ZodType<O, I>;

/** What a schema accepts, without the `undefined` of "not given". */
export type InputOf<S extends z.ZodType> = Exclude<z.input<S>, undefined>;

/** A phantom naming a node's input type: `custom(parseSampler, accepts<SamplerInput>())`. */
export interface Accepts<I> {
  readonly __accepts?: (i: I) => I;
}
export function accepts<I>(): Accepts<I> {
  return {};
}

/** Gives an existing node the input type people write (e.g. a name list that also takes any string). */
export function withInput<I>() {
  return <S extends z.ZodType>(schema: S): Node<z.output<S>, I | UndefinedOf<z.input<S>>> =>
    schema as unknown as Node<z.output<S>, I | UndefinedOf<z.input<S>>>;
}

/** `undefined` when a node takes it (an optional field, or a `z.any()` transform), else nothing. */
type UndefinedOf<T> = undefined extends T ? undefined : never;
/**
 * Types a node as required in its object's input (`url` of a webhook) without changing what it
 * does at run time: the object's own step reports a missing value, with its own message.
 */
export function required<S extends z.ZodType>(
  schema: S,
): Node<z.output<S>, Exclude<z.input<S>, undefined | null>> {
  return schema as unknown as Node<z.output<S>, Exclude<z.input<S>, undefined | null>>;
}

type OptionalKeys<S> = { [K in keyof S]: undefined extends z.input<S[K]> ? K : never }[keyof S];
/**
 * The input of `obj(shape)`: a key whose node takes `undefined` may be left out; the others are
 * required (a tagged variant's `type`). The JSDoc written on the shape's keys is what editors show.
 */
export type ObjInput<S> = [Exclude<keyof S, OptionalKeys<S>>] extends [never]
  ? OptionalInput<S>
  : OptionalInput<S> & RequiredInput<S>;
/**
 * The optional keys of a shape's input. When a shape has no required key this is the whole input,
 * one all-optional object type, so TypeScript's weak-type check applies: a misspelt key alone, a
 * number or a list where the object goes, are errors even in a generic call such as `defineConfig`.
 */
export type OptionalInput<S> = {
  [K in keyof S as K extends OptionalKeys<S> ? K : never]?: ReadonlyOk<Exclude<z.input<S[K]>, undefined>>;
};
/** The required keys of a shape's input (a tagged kind's `type`, an alert rule's `name`). */
export type RequiredInput<S> = {
  [K in keyof S as K extends OptionalKeys<S> ? never : K]: ReadonlyOk<z.input<S[K]>>;
};
/** A list field also takes a readonly array (`as const` lists, frozen arrays): parsing copies it. */
type ReadonlyOk<T> = T extends readonly (infer E)[] ? readonly E[] : T;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function reemit(ctx: Ctx, issues: readonly z.core.$ZodIssue[]): void {
  for (const issue of issues) ctx.addIssue(issue as z.core.$ZodRawIssue);
}

export function issue(ctx: Ctx, message: string, input: unknown, path: PropertyKey[] = []): void {
  ctx.addIssue({ code: 'custom', message, input, path });
}

/** A field parsed by a function that throws ExpectedError with what is allowed. */
export function custom<T, I = never>(
  parse: (v: unknown) => T,
  _input?: Accepts<I>,
): Node<T | undefined, I | undefined> {
  return z.any().transform((v, ctx): T | undefined => {
    if (v === undefined) return undefined;
    try {
      return parse(v);
    } catch (err) {
      if (err instanceof ExpectedError) {
        issue(ctx, err.message, v);
        return z.NEVER;
      }
      throw err;
    }
  });
}

/**
 * A strict object: unknown keys are reported (with a "did you mean"), *and* the known keys are
 * still validated, so one pass finds every problem.
 */
export function obj<S extends z.ZodRawShape>(
  shape: S,
): Node<z.output<z.ZodObject<S>> | undefined, ObjInput<S> | undefined> {
  const known = Object.keys(shape);
  // Fields parsed by a transform (custom, nested obj, tagged) are optional: zod 4 would
  // otherwise require the key, since a transform's output is not known to allow undefined.
  // A `req()` field stays required: its type says so, and a missing one is reported.
  const optionalShape = Object.fromEntries(
    Object.entries(shape).map(([k, s]) => [k, s instanceof z.ZodPipe && !REQUIRED.has(s) ? s.optional() : s]),
  ) as S;
  const inner = z.object(optionalShape);
  return z.any().transform((v, ctx): z.output<z.ZodObject<S>> | undefined => {
    if (v === undefined) return undefined;
    if (!isPlainObject(v)) {
      issue(ctx, 'expected an object', v);
      return z.NEVER;
    }
    let failed = false;
    const picked: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      if (known.includes(k)) {
        picked[k] = v[k];
        continue;
      }
      failed = true;
      const suggestion = didYouMean(k, known);
      ctx.addIssue({
        code: 'custom',
        path: [k],
        input: v[k],
        message: `unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; allowed: ${known.join(', ')}`,
        params: { unknownKey: true, suggestion },
      });
    }
    const r = inner.safeParse(picked, { reportInput: true });
    if (!r.success) {
      reemit(ctx, r.error.issues);
      return z.NEVER;
    }
    return failed ? z.NEVER : (r.data as z.output<z.ZodObject<S>>);
  });
}

/** A list element or required field: `undefined` is an error, not "not given". */
export function req<O, I>(
  schema: z.ZodType<O, I>,
  missing = 'expected a value',
): Node<NonNullable<O>, Exclude<I, undefined | null>> {
  const node = z.any().transform((v, ctx): NonNullable<O> => {
    if (v === undefined || v === null) {
      issue(ctx, missing, v);
      return z.NEVER;
    }
    const r = schema.safeParse(v, { reportInput: true });
    if (!r.success) {
      reemit(ctx, r.error.issues);
      return z.NEVER;
    }
    return r.data as NonNullable<O>;
  });
  REQUIRED.add(node);
  return node;
}
/** The `req()` nodes: `obj()` keeps them required. */
const REQUIRED = new WeakSet<z.ZodType>();

/** `obj()` then a transform that only runs when the object was given. */
export function objT<S extends z.ZodRawShape, R>(
  shape: S,
  then: (o: z.output<z.ZodObject<S>>, ctx: Ctx) => R,
): Node<R | undefined, ObjInput<S> | undefined> {
  return obj(shape).transform((o, ctx): R | undefined => (o === undefined ? undefined : then(o, ctx)));
}

/**
 * A value that is one of several object kinds told apart by `type`; a bare string is `{ type }`.
 * `removed` names kinds that existed once: choosing one is an error with its own message (what
 * to use instead), not a did-you-mean.
 */
export function tagged<V extends Record<string, z.ZodType>>(
  variants: V,
  removed: Readonly<Record<string, string>> = {},
): Node<z.output<V[keyof V]> | undefined, TaggedInput<V> | undefined> {
  const types = Object.keys(variants);
  return z.any().transform((v, ctx): z.output<V[keyof V]> | undefined => {
    if (v === undefined) return undefined;
    const o = typeof v === 'string' ? { type: v } : v;
    const type = isPlainObject(o) ? o.type : undefined;
    if (typeof type === 'string' && Object.hasOwn(removed, type)) {
      issue(ctx, removed[type]!, type, isPlainObject(v) ? ['type'] : []);
      return z.NEVER;
    }
    if (typeof type !== 'string' || !types.includes(type)) {
      const hint = typeof type === 'string' ? didYouMean(type, types) : undefined;
      const given = isPlainObject(o) && typeof v !== 'string' ? type : v;
      issue(
        ctx,
        `expected one of ${types.join('|')}${typeof v === 'string' ? '' : ' (as a string or { type, ... })'}${hint ? ` (did you mean "${hint}"?)` : ''}`,
        given,
        isPlainObject(v) ? ['type'] : [],
      );
      return z.NEVER;
    }
    const r = variants[type]!.safeParse(o, { reportInput: true });
    if (!r.success) {
      reemit(ctx, r.error.issues);
      return z.NEVER;
    }
    return r.data as z.output<V[keyof V]>;
  });
}

/** A tagged value as written: a kind's name alone, or one of the kinds' objects. */
export type TaggedInput<V extends Record<string, z.ZodType>> =
  | Named<keyof V & string>
  | { [K in keyof V]: Exclude<z.input<V[K]>, undefined> }[keyof V];

/** `interval` (seconds or '10s') and `intervalMillis` (ms): one at most. */
export function pair(
  ctx: Ctx,
  o: Record<string, unknown>,
  base: string,
  millisKey = `${base}Millis`,
): number | undefined {
  const a = o[base] as number | undefined;
  const b = o[millisKey] as number | undefined;
  if (a !== undefined && b !== undefined) {
    // Both values are already converted here, so the message does not echo one back.
    ctx.addIssue({
      code: 'custom',
      message: `give either ${base} or ${millisKey}, not both`,
      input: a,
      path: [base],
      params: { noGot: true },
    });
    return undefined;
  }
  return a ?? b;
}

export function parseHttpUrl(v: unknown): string {
  if (typeof v === 'string') {
    try {
      const u = new URL(v);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname) return v;
    } catch {
      // fall through to the error below
    }
  }
  throw new ExpectedError('expected an http(s) URL such as "http://localhost:4318"');
}

/** A duration in seconds: `'10s'`, `'500ms'`, or a number of seconds. */
export const durationSeconds = custom((v) => parseDuration(v, 's'), accepts<DurationInput>());
/** A duration in milliseconds: `'10s'`, `'500ms'`, or a number of milliseconds. */
export const durationMillis = custom((v) => parseDuration(v, 'ms'), accepts<DurationInput>());
export const httpUrl = custom(parseHttpUrl, accepts<string>());
export const bool = z.boolean();
export const text = z.string().min(1);
export const posInt = z.number().int().positive();
/** RFC 9110 token: a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Control characters other than tab: CR/LF would split the request (node:http refuses them, so every export failed). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const HEADER_VALUE_FORBIDDEN = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Why `name: value` cannot be sent as an HTTP header, or `undefined` when it can. */
export function headerProblem(name: string, value: string): string | undefined {
  if (!HEADER_NAME.test(name)) return `header name ${JSON.stringify(name)} is not an HTTP token`;
  if (HEADER_VALUE_FORBIDDEN.test(value))
    return `the value of header "${name}" contains control characters (CR, LF, NUL…)`;
  return undefined;
}
export const headers = z.record(
  z.string().regex(HEADER_NAME, {
    message: "a header name must be an HTTP token (letters, digits, !#$%&'*+-.^_`|~)",
  }),
  z.string().refine((v) => !HEADER_VALUE_FORBIDDEN.test(v), {
    message: 'a header value must not contain control characters (CR, LF, NUL…)',
  }),
);

export function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** `null` (the canonical "none", e.g. `rotation: null`) or a value of `schema`. */
export function orNull<O, I>(schema: z.ZodType<O, I>): Node<O | null, I | null> {
  return z.any().transform((v, ctx): O | null => {
    if (v === null) return null;
    const r = schema.safeParse(v, { reportInput: true });
    if (!r.success) {
      reemit(ctx, r.error.issues);
      return z.NEVER;
    }
    return r.data;
  });
}
