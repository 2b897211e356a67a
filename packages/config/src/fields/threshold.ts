/**
 * Thresholds (`cpu_usage: 80`, `{ warning, critical, direction, for, hysteresis, message }`): the
 * normalised type and its one parser, shared by `resources.thresholds` and `pools.thresholds`.
 */
import { z } from 'zod';
import { parseLevel } from './byte-size';
import { custom, defined, durationMillis, durationSeconds, issue, obj, pair, reemit } from './zod-fields';

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

export const thresholdObject = obj({
  // a number, or a byte size with its unit ('512MiB')
  warning: custom(parseLevel),
  critical: custom(parseLevel),
  direction: z.enum(['above', 'below']).optional(),
  for: durationSeconds,
  forMillis: durationMillis,
  hysteresis: z.number().min(0).optional(),
  message: z.string().optional(),
});

export const threshold = z.any().transform((v, ctx): ThresholdConfig => {
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
