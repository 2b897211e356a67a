/**
 * The `resources`, `alerts` and `health` slices: what the resource monitor samples and when it
 * alerts, and the health endpoints. Their schemas, output and input types and defaults live here,
 * once; `@otelkit/resource-monitor` uses the slices as they are.
 */
import { z } from 'zod';
import { findCatalogEntry } from '../catalog';
import { type ParsedCondition, parseCondition } from '../condition';

export type { ComparisonOperator, ConditionAggregation, ParsedCondition } from '../condition';

import { ExpectedError } from '../duration';
import type { Mutable, Named } from '../fields/input-types';
import { type ThresholdConfig, threshold } from '../fields/threshold';
import {
  accepts,
  bool,
  type Ctx,
  custom,
  defined,
  durationMillis,
  durationSeconds,
  headers,
  httpUrl,
  type InputOf,
  issue,
  obj,
  objT,
  pair,
  posInt,
  reemit,
  req,
  required,
  text,
  withInput,
} from '../fields/zod-fields';
import { sliceNormalizer } from './normalize';

export type { ThresholdConfig, ThresholdDirection } from '../fields/threshold';

export interface ResourcesConfig {
  /** @default true */
  readonly enabled: boolean;
  /** Sampling interval. Config accepts `'5s'` or seconds as a bare number. @default 5000 */
  readonly intervalMillis: number;
  /** Samples kept per metric (ring buffer). @default 720 */
  readonly historySize: number;
  /** Measure CPU and memory against cgroup limits when present. @default true */
  readonly containerAware: boolean;
  /**
   * Keyed by metric name (`cpu_usage`, `memory_usage`, …). A bare number is a `warning` level
   * with direction `above`.
   */
  readonly thresholds: Readonly<Record<string, ThresholdConfig>>;
}

export interface AlertRuleConfig {
  readonly name: string;
  /** As written, e.g. `'request_duration_seconds > 1'`. */
  readonly condition: string;
  readonly parsed: ParsedCondition;
  /**
   * Fire when more than this share (0..1) of the observations in the window meet the condition,
   * instead of comparing one aggregate: the seed's `threshold: 10` (percent) next to
   * `request_duration_seconds > 1` is "more than 10 % of requests slower than 1 s". Unset: the
   * aggregate (`parsed.aggregation`, or the catalog's statistic for a bare logical name) is compared.
   */
  readonly share?: number;
  /** @default 0 */
  readonly forMillis: number;
  /** The window an aggregation (`p95(...)`, `rate(...)`) is computed over. @default 60000 */
  readonly windowMillis: number;
  /** @default 'warning' */
  readonly severity: 'warning' | 'critical';
  readonly message?: string;
  readonly runbook?: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface WebhookConfig {
  readonly url: string;
  /**
   * Send to a link-local, cloud metadata or unspecified address (169.254.0.0/16, fe80::/10,
   * fd00:ec2::254, 100.100.100.200, metadata.google.internal, 0.0.0.0, ::), refused otherwise:
   * such an endpoint is how a mistyped or injected URL reaches instance credentials. Absent unless `true`.
   */
  readonly allowLinkLocal?: true;
  readonly headers: Readonly<Record<string, string>>;
  /** @default 5000 */
  readonly timeoutMillis: number;
  /** @default 3 */
  readonly maxRetries: number;
}

export interface AlertsConfig {
  readonly rules: readonly AlertRuleConfig[];
  /** JSON POST per alert event; redirects are never followed. */
  readonly webhooks: readonly WebhookConfig[];
  /** Log every alert event through the logger. @default true */
  readonly log: boolean;
}

export interface HealthConfig {
  /** @default true */
  readonly enabled: boolean;
  /** JSON detail of every check. @default '/health' */
  readonly path: string;
  /** @default '/health/live' */
  readonly livenessPath: string;
  /** @default '/health/ready' */
  readonly readinessPath: string;
  /** A check that has not answered by then counts as failed. @default 2000 */
  readonly checkTimeoutMillis: number;
  /** A check result is reused this long. @default 1000 */
  readonly cacheMillis: number;
  /** Built-in liveness check: event-loop delay p99 above this is unhealthy. @default 1000 */
  readonly maxEventLoopDelayMillis: number;
  /** Built-in readiness check: memory (vs the container limit when known) above this is not ready. @default 95 */
  readonly maxMemoryPercent: number;
  /**
   * Built-in readiness check `alerts`: a critical alert on a host-wide figure (host CPU or memory,
   * load average; `cpu_usage`/`memory_usage` when no container limit makes them the process's
   * own) fails readiness only when this is true: a busy host is not this process being unready.
   * @default false
   */
  readonly hostAlertsAffectReadiness: boolean;
}

/** The shortest sampling interval of the resource monitor (config and `new ResourceMonitor()` alike). */
export const MIN_SAMPLE_INTERVAL_MILLIS = 10;

export const DEFAULT_RESOURCES: ResourcesConfig = {
  enabled: true,
  intervalMillis: 5000,
  historySize: 720,
  containerAware: true,
  thresholds: {},
};

export const DEFAULT_ALERTS: AlertsConfig = { rules: [], webhooks: [], log: true };

export const DEFAULT_HEALTH: HealthConfig = {
  enabled: true,
  path: '/health',
  livenessPath: '/health/live',
  readinessPath: '/health/ready',
  checkTimeoutMillis: 2000,
  cacheMillis: 1000,
  maxEventLoopDelayMillis: 1000,
  maxMemoryPercent: 95,
  hostAlertsAffectReadiness: false,
};

export const resourcesSchema = objT(
  {
    /** @default true */
    enabled: bool.optional(),
    /** How often the monitor samples; a bare number is seconds (`'5s'`). */
    interval: durationSeconds,
    /** The same in milliseconds (or `'5s'`); at least 10 ms. @default 5000 */
    intervalMillis: durationMillis,
    /** Samples kept per metric. @default 720 */
    historySize: posInt.max(1_000_000).optional(),
    /** Measure CPU and memory against cgroup limits when present. @default true */
    containerAware: bool.optional(),
    /** Per-metric thresholds: `{ cpu_usage: 80, memory_usage: { warning: 80, critical: 95 } }` (a bare number is a warning level, direction above). */
    thresholds: z.record(text, threshold).optional(),
  },
  (o, ctx) => {
    const r = o!;
    const intervalMillis = pair(ctx, r, 'interval');
    if (intervalMillis !== undefined && intervalMillis < MIN_SAMPLE_INTERVAL_MILLIS) {
      issue(ctx, `expected at least ${MIN_SAMPLE_INTERVAL_MILLIS}ms`, intervalMillis, [
        r.interval !== undefined ? 'interval' : 'intervalMillis',
      ]);
    }
    return defined({
      enabled: r.enabled,
      intervalMillis,
      historySize: r.historySize,
      containerAware: r.containerAware,
      thresholds: r.thresholds,
    });
  },
);

const alertRule = objT(
  {
    /** Unique among the rules. */
    name: text,
    /** `'cpu_usage > 80'`, `'avg(event_loop_delay_ms) > 100'`, `'memory_usage_bytes > 1GB'`. */
    condition: text,
    /** The condition must hold this long before the alert fires (`'1m'`, or seconds). */
    for: durationSeconds,
    /** Aggregation window; a bare number is seconds. @default '1m' */
    window: durationSeconds,
    /** The same in milliseconds (or `'1m'`). */
    windowMillis: durationMillis,
    /** `for` in milliseconds (or `'1m'`). @default 0 */
    forMillis: durationMillis,
    // the seed's names (Monitoring Setup Guide): `duration` is `for`, `threshold` a percentage
    /** The seed's name of `for`. */
    duration: durationSeconds,
    /** The seed's percentage (0-100] of observations in the window that must meet the condition. */
    threshold: z.number().gt(0).max(100).optional(),
    /** The same as a fraction (`0.1`) or `'10%'`. */
    share: custom(parseShare, accepts<number | string>()),
    /** @default 'warning' */
    severity: withInput<Named<'warning' | 'critical'>>()(z.enum(['warning', 'critical']).optional()),
    /** Shown with the alert (logs, webhooks). */
    message: z.string().optional(),
    /** A URL shown with the alert. */
    runbook: httpUrl,
    /** Extra labels sent with the alert (webhooks, Alertmanager). */
    labels: z.record(text, z.string()).optional(),
  },
  (o, ctx): AlertRuleConfig => {
    const a = o!;
    if (a.duration !== undefined && (a.for !== undefined || a.forMillis !== undefined)) {
      issue(
        ctx,
        'give either duration or for/forMillis, not both (duration is the seed name of for)',
        a.duration,
        ['duration'],
      );
    }
    if (a.threshold !== undefined && a.share !== undefined) {
      issue(ctx, 'give either threshold (a percentage) or share (a fraction), not both', a.threshold, [
        'threshold',
      ]);
    }
    let parsed: AlertRuleConfig['parsed'];
    try {
      parsed = parseCondition(a.condition);
    } catch (err) {
      if (!(err instanceof ExpectedError)) throw err;
      // the message quotes the condition and the column already
      ctx.addIssue({
        code: 'custom',
        message: err.message,
        input: a.condition,
        path: ['condition'],
        params: { noGot: true },
      });
      return z.NEVER;
    }
    const windowMillis = pair(ctx, a, 'window') ?? 60_000;
    if (windowMillis < 1000) {
      issue(ctx, 'expected at least 1s', windowMillis, [a.window !== undefined ? 'window' : 'windowMillis']);
    }
    checkConditionUnits(ctx, parsed);
    const share = a.threshold !== undefined ? a.threshold / 100 : a.share;
    if (share !== undefined && parsed.aggregation !== 'last') {
      issue(
        ctx,
        `threshold/share (the share of observations meeting the condition) needs a bare metric; write "${parsed.metric} ${parsed.operator} ${parsed.value}" or drop ${a.threshold !== undefined ? 'threshold' : 'share'}`,
        a.condition,
        ['condition'],
      );
    }
    return defined({
      name: a.name,
      condition: a.condition,
      parsed,
      share,
      forMillis: a.duration ?? pair(ctx, a, 'for') ?? 0,
      windowMillis,
      severity: a.severity ?? 'warning',
      message: a.message,
      runbook: a.runbook,
      labels: { ...(a.labels ?? {}) },
    });
  },
);

/** `0.1`, `'10%'` → 0.1: the share of observations in the window that must meet a condition. */
function parseShare(v: unknown): number {
  if (typeof v === 'number' && v > 0 && v <= 1) return v;
  if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
    if (m && Number(m[1]) > 0 && Number(m[1]) <= 100) return Number(m[1]) / 100;
  }
  throw new ExpectedError("expected a fraction in (0, 1] or a percentage such as '10%'");
}

/** A byte size (`> 1GB`) only on a metric the catalog knows in bytes (or does not know). */
function checkConditionUnits(ctx: Ctx, parsed: AlertRuleConfig['parsed']): void {
  const entry = findCatalogEntry(parsed.metric);
  if (parsed.unit === 'bytes' && entry && entry.unit !== 'bytes') {
    issue(
      ctx,
      `${parsed.metric} is in ${entry.unit}, not bytes: compare it with a plain number, or use a bytes metric (memory_usage_bytes, heap_used_bytes)`,
      parsed.metric,
      ['condition'],
    );
  }
}

const webhookObject = objT(
  {
    /** Where alert transitions are POSTed (JSON). */
    url: required(httpUrl),
    /** Allow a link-local / cloud metadata / unspecified address as the endpoint (refused otherwise). */
    allowLinkLocal: bool.optional(),
    /** Extra request headers (e.g. a token). Masked in the startup summary. */
    headers: headers.optional(),
    /** Per-request timeout (`'5s'`, or seconds). */
    timeout: durationSeconds,
    /** The same in milliseconds (or `'5s'`). @default 5000 */
    timeoutMillis: durationMillis,
    /** 0..10. @default 3 */
    maxRetries: z.number().int().min(0).max(10).optional(),
  },
  (o, ctx): WebhookConfig => {
    const w = o!;
    if (w.url === undefined) issue(ctx, 'expected an http(s) URL', undefined, ['url']);
    return {
      url: w.url!,
      ...(w.allowLinkLocal === true ? { allowLinkLocal: true as const } : {}),
      headers: { ...(w.headers ?? {}) },
      timeoutMillis: pair(ctx, w, 'timeout') ?? 5000,
      maxRetries: w.maxRetries ?? 3,
    };
  },
);

const webhookAny = z
  .any()
  .transform((v) => (typeof v === 'string' ? { url: v } : v))
  .pipe(webhookObject);
/** A webhook: its URL alone, or `{ url, headers, timeout, maxRetries }`. */
const webhook = withInput<string | InputOf<typeof webhookObject>>()(webhookAny);

function uniqueNames(ctx: Ctx, rules: AlertRuleConfig[] | undefined, pathPrefix: PropertyKey[]): void {
  const seen = new Set<string>();
  rules?.forEach((r, i) => {
    if (seen.has(r.name)) issue(ctx, `duplicate alert name "${r.name}"`, r.name, [...pathPrefix, i, 'name']);
    seen.add(r.name);
  });
}

const alertsObject = obj({
  /** `{ name, condition, for?, window?, severity?, message?, runbook?, labels? }` each. */
  rules: z.array(req(alertRule)).optional(),
  /** A URL, or `{ url, headers, timeout, maxRetries }`. */
  webhooks: z.array(req(webhook)).optional(),
  /** Log every alert event through the logger. @default true */
  log: bool.optional(),
});

const alertsAny = z.any().transform((v, ctx) => {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    const r = z.array(req(alertRule)).safeParse(v, { reportInput: true });
    if (!r.success) {
      reemit(ctx, r.error.issues);
      return z.NEVER;
    }
    uniqueNames(ctx, r.data, []);
    return { rules: r.data };
  }
  const r = alertsObject.safeParse(v, { reportInput: true });
  if (!r.success) {
    reemit(ctx, r.error.issues);
    return z.NEVER;
  }
  uniqueNames(ctx, r.data!.rules, ['rules']);
  return defined({ ...r.data! });
});

/** The rules alone, or `{ rules, webhooks, log }`. */
export const alertsSchema = withInput<AlertRuleInput[] | InputOf<typeof alertsObject>>()(alertsAny);

export type { ThresholdInput } from '../fields/threshold';
/** One alert rule as written. */
export type AlertRuleInput = InputOf<typeof alertRule>;
/** A webhook as written in its object form (a bare URL string is accepted too). */
export type WebhookInput = InputOf<typeof webhookObject>;
/** What may be written as `alerts`. */
export type AlertsInput = InputOf<typeof alertsSchema>;
/** What may be written in the `resources` section. */
export type ResourcesInput = InputOf<typeof resourcesSchema>;

const path = z.string().startsWith('/', { error: 'expected a path starting with "/"' });

export const healthSchema = objT(
  {
    /** @default true */
    enabled: bool.optional(),
    /** JSON detail of every check. @default '/health' */
    path: path.optional(),
    /** @default '/health/live' */
    livenessPath: path.optional(),
    /** @default '/health/ready' */
    readinessPath: path.optional(),
    /** A check that takes longer fails (`'2s'`, or seconds). */
    checkTimeout: durationSeconds,
    /** The same in milliseconds (or `'2s'`). @default 2000 */
    checkTimeoutMillis: durationMillis,
    /** How long an answer is reused (`'1s'`, or seconds). */
    cache: durationSeconds,
    /** The same in milliseconds (or `'1s'`). @default 1000 */
    cacheMillis: durationMillis,
    /** Built-in liveness check: event-loop delay p99 above this is unhealthy (`'1s'`, or seconds). */
    maxEventLoopDelay: durationSeconds,
    /** The same in milliseconds (or `'1s'`). @default 1000 */
    maxEventLoopDelayMillis: durationMillis,
    /** Built-in readiness check: memory (vs the container limit when known) above this percentage is not ready. @default 95 */
    maxMemoryPercent: z.number().gt(0).max(100).optional(),
    /** A host-level alert (CPU, memory of the machine) fails readiness only when true. @default false */
    hostAlertsAffectReadiness: bool.optional(),
  },
  (o, ctx) => {
    const h = o!;
    const checkTimeoutMillis = pair(ctx, h, 'checkTimeout');
    // a check with no time to answer always fails: every probe would answer 503
    if (checkTimeoutMillis === 0)
      issue(ctx, 'expected more than 0', 0, [
        h.checkTimeoutMillis !== undefined ? 'checkTimeoutMillis' : 'checkTimeout',
      ]);
    return defined({
      enabled: h.enabled,
      path: h.path,
      livenessPath: h.livenessPath,
      readinessPath: h.readinessPath,
      checkTimeoutMillis,
      cacheMillis: pair(ctx, h, 'cache'),
      maxEventLoopDelayMillis: pair(ctx, h, 'maxEventLoopDelay'),
      maxMemoryPercent: h.maxMemoryPercent,
      hostAlertsAffectReadiness: h.hostAlertsAffectReadiness,
    });
  },
);

/** What may be written in the `health` section. */
export type HealthInput = InputOf<typeof healthSchema>;

const resourcesNormalizer = sliceNormalizer<ResourcesInput, Mutable<ResourcesConfig>, ResourcesConfig>({
  name: 'resources',
  schema: resourcesSchema,
  defaults: () => ({ ...DEFAULT_RESOURCES, thresholds: {} }),
  finalize: (draft) => ({ ...draft, thresholds: { ...draft.thresholds } }),
});

/** Marks a slice `loadConfig` made (already checked), so `normalizeResources` returns it as is. */
export const markResourcesNormalised = resourcesNormalizer.mark;

/**
 * The `resources` slice from what a caller wrote (the input form — `interval: 5` is seconds,
 * `'500ms'` carries its unit — or a normalised slice, returned as it is when `loadConfig` made it):
 * the same checks and error text as `loadConfig`; deep-frozen. `new ResourceMonitor(options)`
 * passes its sampling options through it, so the monitor holds no defaults or checks of its own
 * for them.
 *
 * @example
 * normalizeResources({ interval: 2 }).intervalMillis; // 2000
 */
export function normalizeResources(input?: ResourcesInput | ResourcesConfig): ResourcesConfig {
  return resourcesNormalizer.normalize(input);
}

const healthNormalizer = sliceNormalizer<HealthInput, Mutable<HealthConfig>, HealthConfig>({
  name: 'health',
  schema: healthSchema,
  defaults: () => ({ ...DEFAULT_HEALTH }),
  finalize: (draft) => ({ ...draft }),
});

/** Marks a slice `loadConfig` made (already checked), so `normalizeHealth` returns it as is. */
export const markHealthNormalised = healthNormalizer.mark;

/**
 * The `health` slice from what a caller wrote (the input form — `checkTimeout: 2` is seconds,
 * `'500ms'` carries its unit — or a normalised slice, returned as it is when `loadConfig` made it):
 * the same checks and error text as `loadConfig`; deep-frozen. `new HealthRegistry(options)` and
 * the resource monitor's `options.health` go through it, so neither holds defaults or checks of
 * its own for these fields.
 *
 * @example
 * normalizeHealth({ checkTimeout: '500ms' }).checkTimeoutMillis; // 500
 */
export function normalizeHealth(input?: HealthInput | HealthConfig): HealthConfig {
  return healthNormalizer.normalize(input);
}
