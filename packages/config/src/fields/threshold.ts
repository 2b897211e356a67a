/**
 * Thresholds (`cpu_usage: 80`, `{ warning, critical, direction, for, hysteresis, message }`): the
 * normalised type and its one parser, shared by `resources.thresholds` and `pools.thresholds`.
 */
import { z } from 'zod';
import { parseLevel } from './byte-size';
import {
  accepts,
  custom,
  defined,
  durationMillis,
  durationSeconds,
  type InputOf,
  issue,
  type Node,
  obj,
  pair,
  reemit,
  withInput,
} from './zod-fields';

export type ThresholdDirection = 'above' | 'below';

export interface ThresholdConfig {
  /** Level entered first. At least one of warning/critical is set. */
  readonly warning?: number;
  readonly critical?: number;
  /** @default 'above' */
  readonly direction: ThresholdDirection;
  /** The value must stay past the level this long before the alert fires. @default 0 */
  readonly forMillis: number;
  /** Resolve only once the value is back past the level by this much. @default 0 */
  readonly hysteresis: number;
  readonly message?: string;
}

/** The threshold object's schema nodes, named with their docs (see `OtlpShape` for why). */
export type ThresholdShape = {
  /** Level entered first: a number, or a byte size with its unit (`'512MiB'`). */
  warning: Node<number | undefined, number | string | undefined>;
  /** A number, or a byte size with its unit (`'1GiB'`). */
  critical: Node<number | undefined, number | string | undefined>;
  /** @default 'above' */
  direction: z.ZodOptional<z.ZodEnum<{ above: 'above'; below: 'below' }>>;
  /** The value must stay past the level this long before the alert fires (`'30s'`, or seconds). */
  for: typeof durationSeconds;
  /** The same in milliseconds (or `'30s'`). @default 0 */
  forMillis: typeof durationMillis;
  /** Resolve only once the value is back past the level by this much. @default 0 */
  hysteresis: z.ZodOptional<z.ZodNumber>;
  /** Shown with the alert. */
  message: z.ZodOptional<z.ZodString>;
};

const thresholdShape: ThresholdShape = {
  warning: custom(parseLevel, accepts<number | string>()),
  critical: custom(parseLevel, accepts<number | string>()),
  direction: z.enum(['above', 'below']).optional(),
  for: durationSeconds,
  forMillis: durationMillis,
  hysteresis: z.number().min(0).optional(),
  message: z.string().optional(),
};

export const thresholdObject = obj(thresholdShape);

const thresholdAny = z.any().transform((v, ctx): ThresholdConfig => {
  if (typeof v === 'number' && Number.isFinite(v)) {
    return { warning: v, direction: 'above', forMillis: 0, hysteresis: 0 };
  }
  const r = thresholdObject.safeParse(v, { reportInput: true });
  if (!r.success || r.data === undefined) {
    if (r.success)
      issue(ctx, 'expected a number or { warning, critical, direction, for, hysteresis, message }', v);
    else reemit(ctx, r.error.issues);
    return z.NEVER;
  }
  const t = r.data;
  const direction = t.direction ?? 'above';
  if (t.warning === undefined && t.critical === undefined) {
    issue(ctx, 'expected warning and/or critical', v);
  } else if (t.warning !== undefined && t.critical !== undefined) {
    const ok = direction === 'above' ? t.warning <= t.critical : t.warning >= t.critical;
    if (!ok) {
      issue(
        ctx,
        `expected warning ${direction === 'above' ? '<=' : '>='} critical for direction "${direction}"`,
        t.warning,
        ['warning'],
      );
    }
  }
  return defined({
    warning: t.warning,
    critical: t.critical,
    direction,
    forMillis: pair(ctx, t, 'for') ?? 0,
    hysteresis: t.hysteresis ?? 0,
    message: t.message,
  });
});

/** A threshold: a bare number is the warning level; or `{ warning, critical, direction, for, hysteresis, message }`. */
export const threshold = withInput<number | InputOf<typeof thresholdObject>>()(thresholdAny);

/** A threshold as written. */
export type ThresholdInput = InputOf<typeof threshold>;
