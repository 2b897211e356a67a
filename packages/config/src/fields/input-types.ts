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
