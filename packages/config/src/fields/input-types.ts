/** Input-side types every slice's input uses (what people write by hand). */

/**
 * A name from a fixed list, or any string: a config object kept in a `const` without `as const`
 * widens its strings, and it must still type-check (the names are checked at run time, with the
 * allowed values in the error). Editors still offer the names.
 */
export type Named<T extends string> = T | (string & {});

/** A duration: `'500ms' | '10s' | '5m' | '1h' | '1d' | '2w'`, or a number in the unit the field names. */
export type DurationInput = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w'}` | (string & {});

/** A size: `'10MB' | '512KiB'` or a number of bytes. */
export type ByteSizeInput = number | string;

/** The writable form of a normalised type, for drafts while layers are merged. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

type KeysOfUnion<T> = T extends unknown ? keyof T : never;
type ValueOfUnion<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;
type ObjectsOf<S> = Exclude<Extract<S, object>, readonly unknown[]>;
type ArraysOf<S> = Extract<S, readonly unknown[]>;

/**
 * `T` with every key that no member of `S` has (at any depth, through lists and unions) turned
 * into `never`: `defineConfig` takes `T & NoExtraKeys<T, OtelkitConfigInput>`, so a misspelt key
 * in a config literal is a compile error even next to correct ones, which a generic call's
 * inference would otherwise let through. A key some member of a union has is allowed (a tagged
 * kind's fields, checked exactly at run time); a record's keys are all allowed.
 */
export type NoExtraKeys<T, S> = T extends readonly (infer E)[]
  ? [ArraysOf<S>] extends [never]
    ? T
    : readonly NoExtraKeys<E, ArraysOf<S>[number]>[]
  : T extends object
    ? [ObjectsOf<S>] extends [never]
      ? T
      : {
          [K in keyof T]: K extends KeysOfUnion<ObjectsOf<S>>
            ? NoExtraKeys<T[K], ValueOfUnion<ObjectsOf<S>, K>>
            : never;
        }
    : T;

/** Every field optional, at any depth; a list stays a list of whole elements. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;
