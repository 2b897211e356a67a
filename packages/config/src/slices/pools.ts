/**
 * The `pools` slice: the resource manager of `@otelkit/resource-manager` (connection pools,
 * clients, queues, worker pools) — which kinds are read, discovery, per-resource thresholds,
 * anomaly detection and the report window. Its schema, types, defaults and `normalizePools()`
 * live here, once; `createResourceManager(slice)` and `startMonitoring` use the slice as it is.
 */
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors';
import type { Named } from '../fields/input-types';
import { toIssue } from '../fields/issues';
import { type ThresholdConfig, threshold, type thresholdObject } from '../fields/threshold';
import {
  bool,
  type Ctx,
  defined,
  durationMillis,
  durationSeconds,
  type InputOf,
  issue,
  type Node,
  obj,
  objT,
  pair,
  req,
  text,
  withInput,
} from '../fields/zod-fields';
import { deepFreeze } from '../merge';

/** The resource kinds `@otelkit/resource-manager` ships (each reads objects of one library). */
export const RESOURCE_KINDS = [
  'pg',
  'mysql2',
  'ioredis',
  'redis',
  'amqplib',
  'generic-pool',
  'http-agent',
  'undici-agent',
  'piscina',
  'workerpool',
  'file-handles',
  'custom',
] as const;
export type ResourceKindName = (typeof RESOURCE_KINDS)[number];

/** The kinds whose objects discovery can find by hooking the library's constructors. */
export const DISCOVERABLE_RESOURCE_KINDS = [
  'pg',
  'mysql2',
  'ioredis',
  'generic-pool',
  'undici-agent',
  'piscina',
  'workerpool',
] as const;
export type DiscoverableResourceKind = (typeof DISCOVERABLE_RESOURCE_KINDS)[number];

/** Discovery categories and the kinds each stands for. */
export const DISCOVERY_CATEGORIES: Readonly<Record<string, readonly DiscoverableResourceKind[]>> =
  Object.freeze({
    database: ['pg', 'mysql2'],
    cache: ['ioredis'],
    pool: ['generic-pool', 'piscina', 'workerpool'],
    http: ['undici-agent'],
  });

/** A threshold on one metric of one registered resource (`connection_pool_usage` of `main-db`). */
export interface PoolThresholdConfig extends ThresholdConfig {
  readonly resourceId: string;
  readonly metric: string;
}

/** One series the anomaly detector watches. */
export interface PoolAnomalyWatchConfig {
  readonly resourceId: string;
  readonly metric: string;
  /** 0..1; higher flags smaller deviations. @default the detector's (0.8) */
  readonly sensitivity?: number;
  /** Learn only (no alerts) this long after the first point. @default 0 */
  readonly trainingPeriodMillis: number;
  /** Points per season, to compare each point with the same phase of earlier seasons. */
  readonly seasonLength?: number;
}

/** The settings of the anomaly detector (`AnomalyDetector` options of `@otelkit/resource-manager`). */
export interface AnomalyDetectorSettings {
  /** Points in the rolling window that gives the median and MAD. @default 120 */
  readonly windowSize?: number;
  /** Points needed (besides the training period) before anything is flagged. @default 30 */
  readonly minPoints?: number;
  /** Recent points whose median is compared with the window's, to catch slow drifts (leaks). @default 10 */
  readonly driftPoints?: number;
  /** Consecutive normal points before a firing anomaly resolves. @default 5 */
  readonly resolveAfter?: number;
  /** Series watched at once; past it `configure` throws. @default 1000 */
  readonly maxSeries?: number;
  /** Seasons remembered per phase when `seasonLength` is set. @default 3 */
  readonly seasons?: number;
}

/** The anomaly detector; settings left out keep the detector's own defaults. */
export interface PoolAnomalyConfig extends AnomalyDetectorSettings {
  readonly enabled: boolean;
  readonly watch: readonly PoolAnomalyWatchConfig[];
}

export interface PoolsConfig {
  /** Create the resource manager (in `startMonitoring`). @default false; true once the section is written */
  readonly enabled: boolean;
  /** Collection interval of every resource. Config accepts `'5s'` or seconds. @default 5000 */
  readonly intervalMillis: number;
  /** Budget of one resource's collection; past it the collection counts as an error. @default 5000 */
  readonly collectTimeoutMillis: number;
  /** Resources registered at once; past it `register` throws. @default 1000 */
  readonly maxResources: number;
  /** Distinct label sets per metric per resource; past it new ones are dropped and counted. @default 100 */
  readonly maxSeriesPerMetric: number;
  /** Points kept per series for reports. @default 1440 */
  readonly historySize: number;
  /** Built-in kinds registered on the manager. @default all of them */
  readonly kinds: readonly ResourceKindName[];
  /** Register the pools and clients the app creates, by hooking their libraries. @default off */
  readonly discovery: { readonly enabled: boolean; readonly kinds: readonly DiscoverableResourceKind[] };
  /** Each resource's health feeds the readiness check (`resource:<id>`). @default true */
  readonly health: boolean;
  readonly thresholds: readonly PoolThresholdConfig[];
  readonly anomalyDetection: PoolAnomalyConfig;
  /** Window of `generateReport()` when none is given. `null`: from the oldest point kept. @default null */
  readonly reportWindowMillis: number | null;
}

/** The defaults of the slice: the one home of the resource manager's defaults. */
export const DEFAULT_POOLS: PoolsConfig = Object.freeze({
  enabled: false,
  intervalMillis: 5000,
  collectTimeoutMillis: 5000,
  maxResources: 1000,
  maxSeriesPerMetric: 100,
  historySize: 1440,
  kinds: Object.freeze([...RESOURCE_KINDS]),
  discovery: Object.freeze({ enabled: false, kinds: Object.freeze([] as DiscoverableResourceKind[]) }),
  health: true,
  thresholds: Object.freeze([] as PoolThresholdConfig[]),
  anomalyDetection: Object.freeze({ enabled: false, watch: Object.freeze([] as PoolAnomalyWatchConfig[]) }),
  reportWindowMillis: null,
});

const resourceId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:\-/@]{0,127}$/, {
  error: 'expected a resource id (letters, digits, _.:-/@)',
});
const count = (max: number) => z.number().int().positive().max(max);

const discoveryKindsAny = z.any().transform((v, ctx): DiscoverableResourceKind[] => {
  const allowed = [...Object.keys(DISCOVERY_CATEGORIES), ...DISCOVERABLE_RESOURCE_KINDS];
  if (!Array.isArray(v)) {
    issue(ctx, `expected a list of ${allowed.join('|')}`, v);
    return z.NEVER;
  }
  const kinds = new Set<DiscoverableResourceKind>();
  v.forEach((k, i) => {
    if (typeof k === 'string' && (DISCOVERABLE_RESOURCE_KINDS as readonly string[]).includes(k)) {
      kinds.add(k as DiscoverableResourceKind);
    } else if (typeof k === 'string' && k in DISCOVERY_CATEGORIES) {
      for (const kind of DISCOVERY_CATEGORIES[k] ?? []) kinds.add(kind);
    } else issue(ctx, `expected one of ${allowed.join('|')}`, k, [i]);
  });
  return DISCOVERABLE_RESOURCE_KINDS.filter((k) => kinds.has(k));
});
/** Categories (`database`, `cache`, `pool`, `http`) and kinds to discover. */
const discoveryKinds =
  withInput<Named<'database' | 'cache' | 'pool' | 'http' | DiscoverableResourceKind>[]>()(discoveryKindsAny);

const discoveryObject = obj({
  /** @default true once the object is written */
  enabled: bool.optional(),
  /** @default every discoverable kind */
  kinds: discoveryKinds.optional(),
});

const discoveryAny = z.any().transform((v, ctx): PoolsConfig['discovery'] | undefined => {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return { enabled: v, kinds: v ? [...DISCOVERABLE_RESOURCE_KINDS] : [] };
  if (v === null || typeof v !== 'object') {
    issue(
      ctx,
      'expected true/false, a list of categories (database, cache, pool, http) and kinds, or { enabled, kinds }',
      v,
    );
    return z.NEVER;
  }
  const r = (Array.isArray(v) ? discoveryKinds : discoveryObject).safeParse(v, { reportInput: true });
  if (!r.success) {
    for (const i of r.error.issues) ctx.addIssue(i as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  if (Array.isArray(r.data)) return { enabled: true, kinds: r.data };
  const o = r.data as { enabled?: boolean; kinds?: DiscoverableResourceKind[] };
  const enabled = o.enabled ?? true;
  return { enabled, kinds: enabled ? (o.kinds ?? [...DISCOVERABLE_RESOURCE_KINDS]) : [] };
});
/** `true` (every kind), a list of categories (`database`, `cache`, `pool`, `http`) and kinds, or `{ enabled, kinds }`. */
const discovery = withInput<boolean | InputOf<typeof discoveryKinds> | InputOf<typeof discoveryObject>>()(
  discoveryAny,
);

/** Which series of which resource a pool threshold watches. */
const poolThresholdTarget = obj({
  /** The registered resource's id (`main-db`). */
  resourceId: req(resourceId),
  /** One of its metrics (`connection_pool_usage`). */
  metric: req(text),
});

const poolThresholdAny = z.any().transform((v, ctx): PoolThresholdConfig => {
  const r = poolThresholdTarget.safeParse(
    v && typeof v === 'object' && !Array.isArray(v)
      ? {
          resourceId: (v as Record<string, unknown>).resourceId,
          metric: (v as Record<string, unknown>).metric,
        }
      : v,
    { reportInput: true },
  );
  const { resourceId: _id, metric: _metric, ...rest } = (v ?? {}) as Record<string, unknown>;
  const t = threshold.safeParse(rest, { reportInput: true });
  if (!r.success || !t.success) {
    for (const i of [...(r.success ? [] : r.error.issues), ...(t.success ? [] : t.error.issues)])
      ctx.addIssue(i as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  return { ...r.data!, ...t.data };
});
/** `{ resourceId, metric }` and the threshold itself: `{ warning, critical, direction, for, hysteresis, message }`. */
const poolThreshold = withInput<PoolThresholdInput>()(poolThresholdAny);

/** One per-resource threshold as written: its resource and metric, and the threshold itself. */
export type PoolThresholdInput = InputOf<typeof poolThresholdTarget> & InputOf<typeof thresholdObject>;

const anomalyWatch = objT(
  {
    /** The registered resource's id. */
    resourceId: req(resourceId),
    /** The metric of that resource to watch. */
    metric: req(text),
    /** 0..1; higher flags smaller deviations. @default the detector's (0.8) */
    sensitivity: z.number().min(0).max(1).optional(),
    /** Learn only (no alerts) this long after the first point (`'1h'`, or seconds). */
    trainingPeriod: durationSeconds,
    /** The same in milliseconds (or `'1h'`). @default 0 */
    trainingPeriodMillis: durationMillis,
    /** Points per season, to compare each point with the same phase of earlier seasons. */
    seasonLength: count(1_000_000).optional(),
  },
  (o, ctx): PoolAnomalyWatchConfig =>
    defined({
      resourceId: o!.resourceId,
      metric: o!.metric,
      sensitivity: o!.sensitivity,
      trainingPeriodMillis: pair(ctx, o!, 'trainingPeriod') ?? 0,
      seasonLength: o!.seasonLength,
    }),
);

const anomalyObject = objT(
  {
    /** @default true once the object is written */
    enabled: bool.optional(),
    /** Points in the rolling window that gives the median and MAD. @default 120 */
    windowSize: count(100_000).optional(),
    /** Points needed (besides the training period) before anything is flagged. @default 30 */
    minPoints: count(100_000).optional(),
    /** Recent points whose median is compared with the window's, to catch slow drifts (leaks). @default 10 */
    driftPoints: count(100_000).optional(),
    /** Consecutive normal points before a firing anomaly resolves. @default 5 */
    resolveAfter: count(100_000).optional(),
    /** Series watched at once; past it `configure` throws. @default 1000 */
    maxSeries: count(1_000_000).optional(),
    /** Seasons remembered per phase when `seasonLength` is set. @default 3 */
    seasons: count(1000).optional(),
    /** The series to watch: `{ resourceId, metric, sensitivity?, trainingPeriod?, seasonLength? }` each. */
    watch: z.array(req(anomalyWatch)).optional(),
  },
  (o): PoolAnomalyConfig => {
    const { enabled, watch, ...options } = o!;
    return defined({ ...options, enabled: enabled ?? true, watch: watch ?? [] });
  },
);

const anomalyDetectionAny = z.any().transform((v, ctx): PoolAnomalyConfig | undefined => {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return { enabled: v, watch: [] };
  const r = anomalyObject.safeParse(v, { reportInput: true });
  if (!r.success) {
    for (const i of r.error.issues) ctx.addIssue(i as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  return r.data;
});
/** `true`, or `{ enabled, windowSize, minPoints, …, watch }`. */
const anomalyDetection = withInput<boolean | InputOf<typeof anomalyObject>>()(anomalyDetectionAny);

const nullable = <T, I>(schema: z.ZodType<T, I>): Node<T | null | undefined, I | null> =>
  z.any().transform((v, ctx): T | null | undefined => {
    if (v === null) return null;
    const r = schema.safeParse(v, { reportInput: true });
    if (!r.success) {
      for (const i of r.error.issues) ctx.addIssue(i as z.core.$ZodRawIssue);
      return z.NEVER;
    }
    return r.data;
  });

const poolsObject = objT(
  {
    /** Writing the section turns the resource manager on, unless this says otherwise. */
    enabled: bool.optional(),
    /** How often every resource is collected: `'5s'`, or seconds as a bare number. */
    interval: durationSeconds,
    /** The same in milliseconds (or `'5s'`); at least 10 ms. @default 5000 */
    intervalMillis: durationMillis,
    /** Budget of one resource's collection; past it the collection counts as an error (`'5s'`, or seconds). */
    collectTimeout: durationSeconds,
    /** The same in milliseconds (or `'5s'`). @default 5000 */
    collectTimeoutMillis: durationMillis,
    /** Resources registered at once; past it `register` throws. @default 1000 */
    maxResources: count(100_000).optional(),
    /** Distinct label sets per metric per resource; past it new ones are dropped and counted. @default 100 */
    maxSeriesPerMetric: count(100_000).optional(),
    /** Points kept per series for reports. @default 1440 */
    historySize: count(1_000_000).optional(),
    /** Built-in kinds registered on the manager. @default all of them */
    kinds: z.array(z.enum(RESOURCE_KINDS)).optional(),
    /** `true` (every kind), a list of categories (`database`, `cache`, `pool`, `http`) and kinds, or `{ enabled, kinds }`. */
    discovery,
    /** Each resource's health feeds the readiness check (`resource:<id>`). @default true */
    health: bool.optional(),
    /** Per-resource thresholds: `{ resourceId, metric, warning?, critical?, direction?, for?, hysteresis?, message? }` each. */
    thresholds: z.array(poolThreshold).optional(),
    /** `true`, or the detector's options and the series to watch. @default false */
    anomalyDetection,
    /** Window of `generateReport()` when none is given: `'1h'`, or seconds; `null`: from the oldest point kept. */
    reportWindow: nullable(durationSeconds),
    /** The same in milliseconds (or `'1h'`). @default null */
    reportWindowMillis: nullable(durationMillis),
  },
  (o, ctx: Ctx): Partial<PoolsConfig> => {
    const p = o!;
    const intervalMillis = pair(ctx, p, 'interval');
    if (intervalMillis !== undefined && intervalMillis < 10)
      issue(ctx, 'expected at least 10ms', intervalMillis, [
        p.interval !== undefined ? 'interval' : 'intervalMillis',
      ]);
    const collectTimeoutMillis = pair(ctx, p, 'collectTimeout');
    if (collectTimeoutMillis !== undefined && collectTimeoutMillis < 1)
      issue(ctx, 'expected at least 1ms', collectTimeoutMillis, [
        p.collectTimeout !== undefined ? 'collectTimeout' : 'collectTimeoutMillis',
      ]);
    if (p.reportWindow !== undefined && p.reportWindowMillis !== undefined)
      issue(ctx, 'give either reportWindow or reportWindowMillis, not both', p.reportWindow, [
        'reportWindow',
      ]);
    const reportWindowMillis = p.reportWindow !== undefined ? p.reportWindow : p.reportWindowMillis;
    return defined({
      // Writing the section turns the manager on, unless it says otherwise.
      enabled: p.enabled ?? true,
      intervalMillis,
      collectTimeoutMillis,
      maxResources: p.maxResources,
      maxSeriesPerMetric: p.maxSeriesPerMetric,
      historySize: p.historySize,
      kinds: p.kinds ? RESOURCE_KINDS.filter((k) => p.kinds!.includes(k)) : undefined,
      discovery: p.discovery,
      health: p.health,
      thresholds: p.thresholds,
      anomalyDetection: p.anomalyDetection,
      reportWindowMillis,
    });
  },
);

/** What may be written in the `pools` section (code, file, overrides), besides `true`/`false`. */
export type PoolsInput = InputOf<typeof poolsObject>;

const poolsAny = z.any().transform((v, ctx): Partial<PoolsConfig> | undefined => {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return { enabled: v };
  const r = poolsObject.safeParse(v, { reportInput: true });
  if (!r.success) {
    for (const i of r.error.issues) ctx.addIssue(i as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  return r.data;
});
/** The `pools` section as one layer writes it (`true`/`false` or the object) → a partial slice. */
export const poolsSchema = withInput<boolean | PoolsInput>()(poolsAny);

/** Cross-field checks on the merged slice (a watched series needs anomaly detection on). */
export function finalizePools(p: PoolsConfig, issues: ConfigIssue[]): PoolsConfig {
  if (!p.anomalyDetection.enabled && p.anomalyDetection.watch.length > 0) {
    issues.push({
      path: 'pools.anomalyDetection.watch',
      message: 'series to watch are listed but anomalyDetection.enabled is false',
      source: 'code',
    });
  }
  const seen = new Set<string>();
  p.thresholds.forEach((t, i) => {
    const key = `${t.resourceId}\u0000${t.metric}`;
    if (seen.has(key))
      issues.push({
        path: `pools.thresholds[${i}]`,
        message: `a second threshold for ${t.metric} of ${t.resourceId}`,
        source: 'code',
      });
    seen.add(key);
  });
  return {
    ...p,
    kinds: [...p.kinds],
    discovery: { enabled: p.discovery.enabled, kinds: [...p.discovery.kinds] },
    thresholds: p.thresholds.map((t) => ({ ...t })),
    anomalyDetection: { ...p.anomalyDetection, watch: p.anomalyDetection.watch.map((w) => ({ ...w })) },
  };
}

const normalised = new WeakSet<object>();

/** Marks a slice made by `loadConfig` (already checked), so `normalizePools` returns it as is. */
export function markPoolsNormalised(slice: PoolsConfig): PoolsConfig {
  normalised.add(slice);
  return slice;
}

/**
 * The `pools` slice from what a caller wrote (the config's input form, or an already normalised
 * slice, which is returned as it is): the same checks and the same error text as `loadConfig`,
 * as one {@link ConfigError} naming every problem under `pools.`. The result is deep-frozen.
 *
 * @example
 * normalizePools({ interval: '10s', discovery: ['database'] }).intervalMillis; // 10000
 */
export function normalizePools(input: PoolsInput | PoolsConfig | undefined = {}): PoolsConfig {
  if (input !== null && typeof input === 'object' && normalised.has(input)) return input as PoolsConfig;
  const issues: ConfigIssue[] = [];
  const r = poolsSchema.safeParse(input, { reportInput: true });
  if (!r.success) {
    for (const zi of r.error.issues) {
      const i = toIssue(zi, 'code');
      issues.push({ ...i, path: i.path ? `pools.${i.path}` : 'pools' });
    }
    throw new ConfigError(issues);
  }
  const slice = finalizePools({ ...DEFAULT_POOLS, ...r.data }, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return markPoolsNormalised(deepFreeze(slice));
}
