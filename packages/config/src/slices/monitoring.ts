/**
 * The `monitoring` slice: the backend that watches the service — Prometheus storage (retention,
 * scrape interval), the Grafana dashboards, Alertmanager receivers — plus the translation of the
 * Monitoring Setup Guide's (seed 004) `monitoring:` document, whose `metrics.collectors` set
 * fields of the `metrics` and `resources` slices. Its schema, types, defaults and
 * `normalizeMonitoring()` live here, once; the generators (`@otelkit/cli`) read the slice as it is.
 *
 * What each seed field becomes is recorded in `translated`, which the startup summary prints.
 */
import { z } from 'zod';
import { catalogEntryForTitle, findCatalogEntry, METRIC_CATALOG, type MetricCatalogEntry } from '../catalog';
import { ExpectedError, parseDuration } from '../duration';
import { ConfigError, type ConfigIssue } from '../errors';
import type { DurationInput } from '../fields/input-types';
import { toIssue } from '../fields/issues';
import {
  accepts,
  bool,
  type Ctx,
  custom,
  defined,
  httpUrl,
  type InputOf,
  isPlainObject,
  issue,
  obj,
  objT,
  req,
  required,
  text,
  withInput,
} from '../fields/zod-fields';
import { deepFreeze } from '../merge';
import { didYouMean } from '../suggest';

/** Grafana panel types the generator writes (`graph` is read as `timeseries`). */
export const PANEL_TYPES = ['timeseries', 'gauge', 'stat', 'table', 'heatmap', 'logs'] as const;
export type PanelType = (typeof PANEL_TYPES)[number];

export interface PanelConfig {
  readonly title: string;
  readonly type: PanelType;
  /** The catalog's logical name; `null` for a `logs` panel. */
  readonly metric: string | null;
}

export interface GrafanaDashboardConfig {
  readonly name: string;
  /** The Grafana dashboard uid (from the name unless given). */
  readonly uid: string;
  readonly panels: readonly PanelConfig[];
}

export interface ReceiverConfig {
  readonly name: string;
  /** Severities routed here. */
  readonly severities: readonly ('critical' | 'warning')[];
  /** Webhook URL (Slack/PagerDuty relays, any JSON webhook). Masked in summaries. */
  readonly url: string;
  /** @default true */
  readonly sendResolved: boolean;
}

export interface MonitoringConfig {
  readonly storage: {
    readonly type: 'prometheus';
    /** Prometheus `--storage.tsdb.retention.time`. @default 15d */
    readonly retentionMillis: number;
    /** @default 15000 */
    readonly scrapeIntervalMillis: number;
    /** @default the scrape interval */
    readonly evaluationIntervalMillis: number;
    /** Where Prometheus reaches the service's metrics endpoint. @default 'host.docker.internal:9464' */
    readonly target: string;
  };
  readonly visualization: {
    readonly type: 'grafana';
    readonly dashboards: readonly GrafanaDashboardConfig[];
  };
  readonly alertmanager: {
    readonly receivers: readonly ReceiverConfig[];
    /** @default ['alertname', 'job'] */
    readonly groupBy: readonly string[];
    /** Wait before the first notification of a new group. @default 30000 */
    readonly groupWaitMillis: number;
    /** Wait before notifying about changes (new alerts, resolutions) in a group. @default 300000 */
    readonly groupIntervalMillis: number;
    /** Resend a firing alert this often. @default 14400000 */
    readonly repeatIntervalMillis: number;
  };
  /** What each field of the seed's `monitoring:` document became (printed by the summary). */
  readonly translated: readonly string[];
}

function panel(title: string, type: PanelType, metric: string | null): PanelConfig {
  return { title, type, metric };
}

/** The seed's two dashboards, filled out with what the toolkit exports. */
export const DEFAULT_DASHBOARDS: readonly GrafanaDashboardConfig[] = [
  {
    name: 'Performance',
    uid: 'otelkit-performance',
    panels: [
      panel('Request Latency', 'timeseries', 'request_duration_seconds'),
      panel('Throughput', 'timeseries', 'request_rate'),
      panel('Error Rate', 'timeseries', 'error_rate'),
      panel('Active Requests', 'stat', 'active_requests'),
      panel('Logs', 'logs', null),
    ],
  },
  {
    name: 'Resources',
    uid: 'otelkit-resources',
    panels: [
      panel('CPU Usage', 'timeseries', 'cpu_usage'),
      panel('Memory Usage', 'timeseries', 'memory_usage_bytes'),
      panel('Event Loop Delay', 'timeseries', 'event_loop_delay_seconds'),
      panel('Heap Used', 'timeseries', 'heap_used_bytes'),
      panel('Pool Utilisation', 'timeseries', 'pool_utilisation'),
    ],
  },
];

/** The defaults of the slice: the one home of the backend's defaults. */
export const DEFAULT_MONITORING: MonitoringConfig = deepFreeze({
  storage: {
    type: 'prometheus',
    retentionMillis: 15 * 86_400_000,
    scrapeIntervalMillis: 15_000,
    evaluationIntervalMillis: 15_000,
    target: 'host.docker.internal:9464',
  },
  visualization: { type: 'grafana', dashboards: DEFAULT_DASHBOARDS },
  alertmanager: {
    receivers: [],
    groupBy: ['alertname', 'job'],
    groupWaitMillis: 30_000,
    groupIntervalMillis: 300_000,
    repeatIntervalMillis: 4 * 3_600_000,
  },
  translated: [],
} as MonitoringConfig);

/** What the seed's `metrics.collectors` ask of the `metrics` and `resources` slices. */
export interface MonitoringForward {
  metricsEnabled?: boolean;
  /** `request.path`: where the Prometheus endpoint serves. */
  requestPath?: string;
  /** `request.interval`: the push exporters' interval. */
  exportIntervalMillis?: number;
  /** `custom.path`: a further path serving the same exposition. */
  customPath?: string;
  /** `system.interval`. */
  resourcesIntervalMillis?: number;
  resourcesEnabled?: boolean;
}

export interface MonitoringParsed {
  slice: Partial<Omit<MonitoringConfig, 'storage' | 'alertmanager'>> & {
    storage?: Partial<MonitoringConfig['storage']>;
    alertmanager?: Partial<MonitoringConfig['alertmanager']>;
  };
  forward: MonitoringForward;
}

/** A field with one allowed value whose error says what to do instead. */
function only<T extends string>(value: T, message: string) {
  return (v: unknown): T => {
    if (v === value) return value;
    throw new ExpectedError(message);
  };
}

const seconds = (v: unknown) => parseDuration(v, 's');
const dur = custom(seconds, accepts<DurationInput>());
/** A Prometheus retention is a flag for Prometheus, not a timer of ours: days and weeks are fine. */
const retentionDur = custom((v: unknown) => parseDuration(v, 's', undefined, true), accepts<DurationInput>());
const path = z.string().startsWith('/', { error: 'expected a path starting with "/"' });

const COLLECTOR_TYPES = ['request', 'system', 'custom'] as const;

/** What each kind of the seed's collectors takes. */
const COLLECTOR_SHAPES = {
  /** HTTP RED metrics; `path` is where Prometheus scrapes them. */
  request: obj({
    type: z.literal('request'),
    /** Becomes the Prometheus endpoint's path (`prometheus.path`). */
    path: path.optional(),
    /** Becomes `metrics.exportIntervalMillis` (push exporters; Prometheus scrapes on `storage.scrape_interval`). */
    interval: dur,
  }),
  /** Host and runtime metrics. */
  system: obj({
    type: z.literal('system'),
    /** How often the resource monitor samples (`'5s'`, or seconds): becomes `resources.intervalMillis`. */
    interval: dur,
  }),
  /** The app's own metrics, exposed at `path` too. */
  custom: obj({
    type: z.literal('custom'),
    /** The same exposition is also served at this path. */
    path: path.optional(),
  }),
};

const collectorAny = z.any().transform((v, ctx) => {
  if (
    !isPlainObject(v) ||
    typeof v.type !== 'string' ||
    !(COLLECTOR_TYPES as readonly string[]).includes(v.type)
  ) {
    const t = isPlainObject(v) ? v.type : v;
    const hint = typeof t === 'string' ? didYouMean(t, COLLECTOR_TYPES) : undefined;
    issue(
      ctx,
      `expected { type: ${COLLECTOR_TYPES.join('|')}, path?, interval? }${hint ? ` (did you mean "${hint}"?)` : ''}`,
      t,
      isPlainObject(v) ? ['type'] : [],
    );
    return z.NEVER;
  }
  const r = COLLECTOR_SHAPES[v.type as (typeof COLLECTOR_TYPES)[number]].safeParse(v, { reportInput: true });
  if (!r.success) {
    for (const i of r.error.issues) ctx.addIssue(i as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  return r.data as { type: 'request' | 'system' | 'custom'; path?: string; interval?: number };
});
/** `{ type: 'request' | 'system' | 'custom', path?, interval? }` */
const collector =
  withInput<
    {
      [K in keyof typeof COLLECTOR_SHAPES]: InputOf<(typeof COLLECTOR_SHAPES)[K]>;
    }[keyof typeof COLLECTOR_SHAPES]
  >()(collectorAny);

const metricsSection = obj({
  /** The seed's `metrics.enabled`: becomes `metrics.enabled`. */
  enabled: bool.optional(),
  /** The seed's collectors: `request` (HTTP RED metrics), `system` (host, runtime), `custom`. */
  collectors: z.array(req(collector)).optional(),
});

const storage = objT(
  {
    type: custom(
      only(
        'prometheus',
        'only prometheus is supported as storage (for long-term storage, add remote_write to the generated prometheus.yml)',
      ),
      accepts<'prometheus'>(),
    ),
    /** Prometheus' `--storage.tsdb.retention.time` (`'15d'`, or seconds). */
    retention: retentionDur,
    /** How often Prometheus scrapes the service (`'15s'`, or seconds). */
    scrape_interval: dur,
    /** The same, camel case. */
    scrapeInterval: dur,
    /** How often rules are evaluated. @default the scrape interval */
    evaluation_interval: dur,
    /** The same, camel case. */
    evaluationInterval: dur,
    /** The scrape target, `host:port`. @default the metrics exporter's listener */
    target: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+:\d{1,5}$/, { error: 'expected host:port' })
      .optional(),
  },
  (s, ctx) => {
    const both = (
      a: 'scrape_interval' | 'evaluation_interval',
      b: 'scrapeInterval' | 'evaluationInterval',
    ) => {
      if (s[a] !== undefined && s[b] !== undefined)
        issue(ctx, `give either ${a} or ${b}, not both`, s[a], [a]);
      return s[a] ?? s[b];
    };
    const scrape = both('scrape_interval', 'scrapeInterval');
    const evaluation = both('evaluation_interval', 'evaluationInterval');
    for (const [k, v] of [
      ['retention', s.retention],
      ['scrape_interval', scrape],
    ] as const) {
      if (v !== undefined && v < 1000) issue(ctx, 'expected at least 1s', v, [k]);
    }
    return defined({
      type: 'prometheus' as const,
      retentionMillis: s.retention,
      scrapeIntervalMillis: scrape,
      evaluationIntervalMillis: evaluation ?? scrape,
      target: s.target,
    });
  },
);

function resolvePanelMetric(
  ctx: Ctx,
  title: string,
  metric: string | undefined,
  at: PropertyKey[],
): MetricCatalogEntry | undefined {
  if (metric !== undefined) {
    const e = findCatalogEntry(metric);
    if (!e) {
      const hint = didYouMean(
        metric,
        METRIC_CATALOG.map((x) => x.name),
      );
      issue(
        ctx,
        `unknown metric${hint ? ` (did you mean "${hint}"?)` : ''}; the catalog has ${METRIC_CATALOG.map((x) => x.name).join(', ')}`,
        metric,
        [...at, 'metric'],
      );
    }
    return e;
  }
  const e = catalogEntryForTitle(title);
  if (!e) {
    const titles = METRIC_CATALOG.flatMap((x) => x.titles);
    const hint = didYouMean(title.toLowerCase(), titles);
    issue(
      ctx,
      `no metric for panel title${hint ? ` (did you mean "${hint}"?)` : ''}; add metric: one of ${METRIC_CATALOG.map((x) => x.name).join(', ')}`,
      title,
      [...at, 'title'],
    );
  }
  return e;
}

const panelInput = obj({
  /** Also picks the metric when `metric` is not given (`'Request Latency'`). */
  title: text,
  /** `timeseries | gauge | stat | table | heatmap | logs` (or `graph`). @default 'timeseries' */
  type: text.optional(),
  /** A metric of the catalog. */
  metric: text.optional(),
});
const dashboardInput = obj({
  /** The dashboard's title in Grafana. */
  name: text,
  /** @default `otelkit-<name>` */
  uid: text.optional(),
  /** `{ title, type?, metric? }` each; the metric is found from the title when not given. */
  panels: withInput<InputOf<typeof panelInput>[]>()(z.array(z.any()).optional()),
});

const dashboardsAny = z.any().transform((v, ctx): GrafanaDashboardConfig[] => {
  if (!Array.isArray(v)) {
    issue(ctx, 'expected a list of { name, panels }', v);
    return z.NEVER;
  }
  const out: GrafanaDashboardConfig[] = [];
  const uids = new Set<string>();
  v.forEach((d, i) => {
    const r = dashboardInput.safeParse(d, { reportInput: true });
    if (!r.success || !r.data) {
      for (const x of r.success ? [] : r.error.issues)
        ctx.addIssue({ ...(x as z.core.$ZodRawIssue), path: [i, ...x.path] });
      if (r.success) issue(ctx, 'expected { name, panels }', d, [i]);
      return;
    }
    const { name } = r.data;
    const uid =
      r.data.uid ??
      `otelkit-${name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')}`;
    if (uids.has(uid)) issue(ctx, `a second dashboard with uid "${uid}"`, name, [i, 'name']);
    uids.add(uid);
    const panels: PanelConfig[] = [];
    (r.data.panels ?? []).forEach((p, j) => {
      const at = [i, 'panels', j];
      const pr = panelInput.safeParse(p, { reportInput: true });
      if (!pr.success || !pr.data) {
        for (const x of pr.success ? [] : pr.error.issues)
          ctx.addIssue({ ...(x as z.core.$ZodRawIssue), path: [...at, ...x.path] });
        return;
      }
      const given = pr.data.type ?? 'timeseries';
      // Grafana replaced `graph` with `timeseries` (7.x → 8); the seed writes graph.
      const type = given === 'graph' ? 'timeseries' : given;
      if (!(PANEL_TYPES as readonly string[]).includes(type)) {
        const hint = didYouMean(type, [...PANEL_TYPES, 'graph']);
        issue(
          ctx,
          `expected one of ${PANEL_TYPES.join('|')} (or graph)${hint ? ` (did you mean "${hint}"?)` : ''}`,
          type,
          [...at, 'type'],
        );
        return;
      }
      if (type === 'logs') {
        panels.push(panel(pr.data.title, 'logs', null));
        return;
      }
      const e = resolvePanelMetric(ctx, pr.data.title, pr.data.metric, at);
      if (e) panels.push(panel(pr.data.title, type as PanelType, e.name));
    });
    out.push({ name, uid, panels });
  });
  return out;
});
/** The Grafana dashboards to generate: `{ name, uid?, panels: [{ title, type?, metric? }] }`. */
const dashboards = withInput<InputOf<typeof dashboardInput>[]>()(dashboardsAny);

const visualization = objT(
  {
    type: custom(
      only('grafana', 'only grafana is supported (the generator writes Grafana dashboards)'),
      accepts<'grafana'>(),
    ),
    /** `{ name, uid?, panels }` each. @default the seed's Performance and Resources dashboards */
    dashboards: dashboards,
  },
  (v) => defined({ type: 'grafana' as const, dashboards: v.dashboards }),
);

const SEVERITIES = ['critical', 'warning'] as const;

const receiver = objT(
  {
    /** Letters, digits, `_` and `-`. */
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'expected letters, digits, _ and -' }),
    /** The alerts it receives. @default 'critical' */
    severity: z.union([z.enum(SEVERITIES), z.array(z.enum(SEVERITIES)).min(1)]).optional(),
    /** The webhook Alertmanager posts to. */
    url: required(httpUrl),
    /** @default true */
    sendResolved: bool.optional(),
    /** The same, snake case. */
    send_resolved: bool.optional(),
  },
  (r, ctx): ReceiverConfig => {
    if (r.url === undefined) issue(ctx, 'expected the webhook URL', undefined, ['url']);
    const sev =
      r.severity === undefined ? ['critical'] : Array.isArray(r.severity) ? r.severity : [r.severity];
    return {
      name: r.name,
      severities: [...new Set(sev)] as ReceiverConfig['severities'],
      url: r.url!,
      sendResolved: r.sendResolved ?? r.send_resolved ?? true,
    };
  },
);

const alertmanager = objT(
  {
    /** Webhook receivers: `{ name, url, severity?, sendResolved? }` each. */
    receivers: z.array(req(receiver)).optional(),
    /** Labels alerts are grouped by. @default ['alertname', 'job'] */
    groupBy: z.array(text).optional(),
    /** The same, snake case. */
    group_by: z.array(text).optional(),
    /** How long Alertmanager waits to group a new alert (`'30s'`, or seconds). */
    groupWait: dur,
    /** The same, snake case. */
    group_wait: dur,
    /** How long before a changed group is sent again (`'5m'`, or seconds). */
    groupInterval: dur,
    /** The same, snake case. */
    group_interval: dur,
    /** How long before a firing group is repeated (`'4h'`, or seconds). */
    repeatInterval: dur,
    /** The same, snake case. */
    repeat_interval: dur,
  },
  (a, ctx) => {
    const names = new Set<string>();
    a.receivers?.forEach((r, i) => {
      if (names.has(r.name) || r.name === 'default')
        issue(ctx, `receiver name "${r.name}" is taken`, r.name, ['receivers', i, 'name']);
      names.add(r.name);
    });
    if (a.groupBy && a.group_by)
      issue(ctx, 'give either groupBy or group_by, not both', a.group_by, ['group_by']);
    const either = (
      camel: 'groupWait' | 'groupInterval' | 'repeatInterval',
      snake: 'group_wait' | 'group_interval' | 'repeat_interval',
    ) => {
      if (a[camel] !== undefined && a[snake] !== undefined)
        issue(ctx, `give either ${camel} or ${snake}, not both`, a[snake], [snake]);
      const v = a[camel] ?? a[snake];
      if (v !== undefined && v < 1000)
        issue(ctx, 'expected at least 1s', v, [a[camel] !== undefined ? camel : snake]);
      return v;
    };
    return defined({
      receivers: a.receivers,
      groupBy: a.groupBy ?? a.group_by,
      groupWaitMillis: either('groupWait', 'group_wait'),
      groupIntervalMillis: either('groupInterval', 'group_interval'),
      repeatIntervalMillis: either('repeatInterval', 'repeat_interval'),
    });
  },
);

/** Keys of the seed document that belong elsewhere: each error names the alternative. */
const MOVED: Readonly<Record<string, string>> = {
  alerts: 'write alerts at the top level of the file (alerts: [...]), as the guide does',
  logging: 'write logging at the top level of the file',
  tracing: 'write tracing at the top level of the file',
};

const monitoringShape = obj({
  /** The seed's metrics section (enabled, collectors). */
  metrics: metricsSection,
  /** The Prometheus that stores the metrics (the generated prometheus.yml). */
  storage,
  /** The Grafana dashboards to generate. */
  visualization,
  /** Receivers and grouping of the generated alertmanager.yml. */
  alertmanager,
});

const monitoringObject = z.any().transform((v, ctx): MonitoringParsed | undefined => {
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) {
    issue(ctx, 'expected an object { metrics, storage, visualization, alertmanager }', v);
    return z.NEVER;
  }
  let failed = false;
  const rest: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (k in MOVED) {
      failed = true;
      ctx.addIssue({ code: 'custom', path: [k], input: val, message: `not part of monitoring: ${MOVED[k]}` });
    } else rest[k] = val;
  }
  const r = monitoringShape.safeParse(rest, { reportInput: true });
  if (!r.success) {
    for (const i of r.error.issues) ctx.addIssue(i as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  if (failed) return z.NEVER;
  const o = r.data!;
  const translated: string[] = [];
  const forward: MonitoringForward = {};
  if (o.metrics?.enabled !== undefined) {
    forward.metricsEnabled = o.metrics.enabled;
    translated.push(`metrics.enabled ${o.metrics.enabled} -> metrics.enabled`);
  }
  const seen = new Set<string>();
  o.metrics?.collectors?.forEach((c, i) => {
    const at = `metrics.collectors[${i}] (${c.type})`;
    if (seen.has(c.type)) {
      issue(ctx, `a second ${c.type} collector; give each type once`, c.type, [
        'metrics',
        'collectors',
        i,
        'type',
      ]);
      return;
    }
    seen.add(c.type);
    if (c.type === 'request') {
      if (c.path !== undefined) {
        forward.requestPath = c.path;
        translated.push(
          `${at} path ${c.path} -> the Prometheus endpoint path (metrics.exporters prometheus.path)`,
        );
      } else translated.push(`${at} -> HTTP server metrics on the Prometheus endpoint`);
      if (c.interval !== undefined) {
        forward.exportIntervalMillis = c.interval;
        translated.push(
          `${at} interval ${c.interval / 1000}s -> metrics.exportIntervalMillis ${c.interval} (push exporters; Prometheus scrapes on storage.scrape_interval)`,
        );
      }
    } else if (c.type === 'system') {
      forward.resourcesEnabled = true;
      if (c.interval !== undefined) {
        forward.resourcesIntervalMillis = c.interval;
        translated.push(`${at} interval ${c.interval / 1000}s -> resources.intervalMillis ${c.interval}`);
      } else translated.push(`${at} -> resources.enabled true`);
    } else if (c.path !== undefined) {
      forward.customPath = c.path;
      translated.push(
        `${at} path ${c.path} -> also served at ${c.path} (one exposition: your instruments and the toolkit's; Prometheus scrapes one path)`,
      );
    } else translated.push(`${at} -> your instruments on the Prometheus endpoint`);
  });
  if (forward.customPath !== undefined && forward.customPath === (forward.requestPath ?? '/metrics')) {
    delete forward.customPath;
  }
  if (o.storage) {
    const s = o.storage;
    translated.push(
      `storage prometheus${s.retentionMillis ? ` retention ${fmt(s.retentionMillis)}` : ''}${s.scrapeIntervalMillis ? ` scrape_interval ${fmt(s.scrapeIntervalMillis)}` : ''} -> generated prometheus.yml (otelkit generate prometheus)`,
    );
  }
  if (o.visualization?.dashboards) {
    for (const d of o.visualization.dashboards)
      translated.push(
        `visualization dashboard "${d.name}" -> Grafana ${d.uid}: ${d.panels.map((p) => `${p.title} (${p.type}${p.metric ? ` ${p.metric}` : ''})`).join(', ')}`,
      );
  }
  return {
    slice: defined({
      storage: o.storage,
      visualization: o.visualization?.dashboards
        ? { type: 'grafana' as const, dashboards: o.visualization.dashboards }
        : undefined,
      alertmanager: o.alertmanager,
      translated,
    }),
    forward,
  };
});

function fmt(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** The `monitoring` section as one layer writes it → the slice's partial and what it asks of other slices. */
export const monitoringSchema = withInput<InputOf<typeof monitoringShape>>()(monitoringObject);

/** What may be written in the `monitoring` section (the seed's shape; snake or camel case). */
export type MonitoringInput = InputOf<typeof monitoringSchema>;

/** The merged partial over the defaults. */
export function finalizeMonitoring(
  partial: MonitoringParsed['slice'] | undefined,
  _issues: ConfigIssue[],
): MonitoringConfig {
  const p = partial ?? {};
  const scrape = p.storage?.scrapeIntervalMillis ?? DEFAULT_MONITORING.storage.scrapeIntervalMillis;
  return {
    storage: {
      ...DEFAULT_MONITORING.storage,
      ...p.storage,
      evaluationIntervalMillis: p.storage?.evaluationIntervalMillis ?? scrape,
      scrapeIntervalMillis: scrape,
    } as MonitoringConfig['storage'],
    visualization: {
      type: 'grafana',
      dashboards: (p.visualization?.dashboards ?? DEFAULT_MONITORING.visualization.dashboards).map((d) => ({
        ...d,
        panels: d.panels.map((x) => ({ ...x })),
      })),
    },
    alertmanager: {
      receivers: (p.alertmanager?.receivers ?? []).map((r) => ({ ...r, severities: [...r.severities] })),
      groupBy: [...(p.alertmanager?.groupBy ?? DEFAULT_MONITORING.alertmanager.groupBy)],
      groupWaitMillis: p.alertmanager?.groupWaitMillis ?? DEFAULT_MONITORING.alertmanager.groupWaitMillis,
      groupIntervalMillis:
        p.alertmanager?.groupIntervalMillis ?? DEFAULT_MONITORING.alertmanager.groupIntervalMillis,
      repeatIntervalMillis:
        p.alertmanager?.repeatIntervalMillis ?? DEFAULT_MONITORING.alertmanager.repeatIntervalMillis,
    },
    translated: [...(p.translated ?? [])],
  };
}

const normalised = new WeakSet<object>();

/** Marks a slice made by `loadConfig`, so `normalizeMonitoring` returns it as is. */
export function markMonitoringNormalised(slice: MonitoringConfig): MonitoringConfig {
  normalised.add(slice);
  return slice;
}

/**
 * The `monitoring` slice from what a caller wrote (or an already normalised slice, returned as
 * it is). Only the slice's own fields (`storage`, `visualization`, `alertmanager`): the seed's
 * `metrics.collectors` edit other slices and are read by `loadConfig`. Throws one
 * {@link ConfigError} naming every problem under `monitoring.`.
 *
 * @example normalizeMonitoring({ storage: { retention: '30d' } }).storage.retentionMillis; // 2592000000
 */
export function normalizeMonitoring(
  input: MonitoringInput | MonitoringConfig | undefined = {},
): MonitoringConfig {
  if (input !== null && typeof input === 'object' && normalised.has(input)) return input as MonitoringConfig;
  const issues: ConfigIssue[] = [];
  if (isPlainObject(input) && 'metrics' in input)
    issues.push({
      path: 'monitoring.metrics',
      message: 'edits the metrics and resources slices: pass it to loadConfig({ config: { monitoring } })',
      source: 'code',
    });
  const r = monitoringSchema.safeParse(input, { reportInput: true });
  if (!r.success) {
    for (const zi of r.error.issues) {
      const i = toIssue(zi, 'code');
      issues.push({ ...i, path: i.path ? `monitoring.${i.path}` : 'monitoring' });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const slice = finalizeMonitoring(r.data?.slice, issues);
  return markMonitoringNormalised(deepFreeze(slice));
}
