/**
 * The one way a slice is normalised outside `loadConfig`: `createTracing(slice)`,
 * `createMetrics(slice)`, `createLogger(slice)` and `new ResourceMonitor(options)` call their slice's
 * `normalizeX()`, which is this. A slice `loadConfig` made is returned as it is (it was checked
 * already); anything else — a hand-written slice in a test, a standalone user's object — is parsed
 * by the slice's own schema, merged over its defaults and finalised exactly as `loadConfig` does,
 * so it gets the same checks and the same error text, and is deep-frozen.
 */
import type { z } from 'zod';
import { ConfigError, type ConfigIssue, type ConfigSource } from '../errors';
import type { DeepPartial } from '../fields/input-types';
import { toIssue } from '../fields/issues';
import { deepFreeze, deepMerge, findUnsafeKeys } from '../merge';

/** What finalising a slice takes from the rest of the config. */
export interface SliceContext {
  /** Root `enabled` / `OTEL_SDK_DISABLED`. @default true */
  readonly enabled?: boolean;
  /** `shutdown.timeoutMillis`, the one budget. @default 5000 */
  readonly shutdownTimeoutMillis?: number;
  /** Who the merged-slice checks blame. @default 'code' */
  readonly source?: ConfigSource;
}

export interface SliceNormalizer<Input, Slice> {
  /** The slice from its input form or its normalised form; throws one ConfigError naming every problem. */
  readonly normalize: (input?: Input | Slice) => Slice;
  /** Marks a slice `loadConfig` made, so `normalize` returns it as it is. */
  readonly mark: (slice: Slice) => Slice;
}

export function sliceNormalizer<Input, Draft, Slice extends object>(spec: {
  /** The section's key in the config: the prefix of every issue path. */
  readonly name: string;
  /** Its parsed form must fit the draft (so the schema and the slice's type cannot drift apart). */
  readonly schema: z.ZodType<DeepPartial<Draft> | undefined, unknown>;
  /** A fresh default draft of the slice (what `loadConfig` merges layers over). */
  readonly defaults: () => Draft;
  /** The slice's finalize step, shared with `loadConfig`. */
  readonly finalize: (draft: Draft, issues: ConfigIssue[]) => Slice;
}): SliceNormalizer<Input, Slice> {
  const normalised = new WeakSet<object>();
  const mark = (slice: Slice): Slice => {
    normalised.add(slice);
    return slice;
  };
  const prefix = (issue: ConfigIssue): ConfigIssue => ({
    ...issue,
    path: issue.path ? `${spec.name}.${issue.path}` : spec.name,
  });
  const normalize = (input: Input | Slice | undefined = {} as Input): Slice => {
    if (input !== null && typeof input === 'object' && normalised.has(input)) return input as Slice;
    const unsafe = findUnsafeKeys(input, 'code');
    if (unsafe.length > 0) throw new ConfigError(unsafe.map(prefix));
    const r = spec.schema.safeParse(input, { reportInput: true });
    if (!r.success) throw new ConfigError(r.error.issues.map((zi) => prefix(toIssue(zi, 'code'))));
    const issues: ConfigIssue[] = [];
    const slice = spec.finalize(deepMerge(spec.defaults(), r.data), issues);
    if (issues.length > 0) throw new ConfigError(issues);
    return mark(deepFreeze(slice));
  };
  return { normalize, mark };
}
