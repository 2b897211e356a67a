/**
 * The `dashboard` slice: the live monitoring page of `@otelkit/dashboard` — where it is mounted,
 * its own listener, who may see it, the rings of recent spans and log lines. Its schema, types,
 * defaults, `OTELKIT_DASHBOARD_*` variables and `normalizeDashboard()` live here, once;
 * `startMonitoring` (the rings) and `createDashboard` use the slice as it is.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors';
import { toIssue } from '../fields/issues';
import {
  bool,
  type Ctx,
  defined,
  type InputOf,
  issue,
  obj,
  objT,
  req,
  text,
  withInput,
} from '../fields/zod-fields';
import { deepFreeze } from '../merge';

/** Basic credentials for the page, the API and the stream. */
export interface DashboardBasicAuth {
  readonly type: 'basic';
  readonly username: string;
  readonly password: string;
}

/**
 * `custom`: the app passes an `authorize(req)` function to `createDashboard` (a function cannot
 * live in a config file); `createDashboard` refuses to start without one.
 */
export interface DashboardCustomAuth {
  readonly type: 'custom';
}

export type DashboardAuthConfig = DashboardBasicAuth | DashboardCustomAuth;

/**
 * The rings of recent spans and log lines, filled as they end / are written. Spans go to a young
 * tier of `youngSpans` references first; a trace is copied into the `spans` copies kept when its
 * local root ends and it is chosen: always when a span of it failed or the root took
 * `slowMillis` or more, otherwise at most `tracesPerSecond` (bursts of `traceBurst`).
 */
export interface DashboardBufferConfig {
  /** Span copies kept of the chosen traces (oldest dropped first). @default 2000 */
  readonly spans: number;
  /** Log lines kept (oldest dropped first). @default 2000 */
  readonly logs: number;
  /** The most recent ended spans held by reference, whatever their trace (at most `spans`). @default 256 */
  readonly youngSpans: number;
  /** Ordinary traces (no error, not slow) copied per second at most; 0: only failed and slow ones. @default 10 */
  readonly tracesPerSecond: number;
  /** Ordinary traces copied at once before the rate applies (at low traffic every trace is kept). @default 100 */
  readonly traceBurst: number;
  /** A trace whose local root took at least this long is always kept. @default 500 */
  readonly slowMillis: number;
}

export interface DashboardConfig {
  /** Serve the page (and fill the rings). @default false; true once the section is written */
  readonly enabled: boolean;
  /** Where the page is mounted; every asset, API and the stream are below it. @default '/monitoring/dashboard' */
  readonly path: string;
  /** Address of the dashboard's own listener. @default '127.0.0.1' */
  readonly host: string;
  /** Port of the dashboard's own listener (`startDashboard`); `null`: no listener, mount the handler. @default null */
  readonly port: number | null;
  /** Who may see it. `null`: nobody is asked — allowed only on a loopback `host`. @default null */
  readonly auth: DashboardAuthConfig | null;
  /**
   * Host header values accepted (DNS rebinding guard), port ignored. Always includes
   * `localhost`, `127.0.0.1`, `[::1]` and `host` when it is a name or a specific address.
   */
  readonly allowedHosts: readonly string[];
  /** The rings of recent spans and log lines; `false`: none (the traces and logs panels stay empty). */
  readonly buffer: DashboardBufferConfig | false;
  /** Rows of the routes and methods tables before the overflow row. @default 20 */
  readonly topN: number;
  /** Stream clients served at once; more get 503. @default 20 */
  readonly maxClients: number;
  /** POST actions (an on-demand CPU profile). @default true */
  readonly actions: boolean;
}

/** The defaults of the slice: the one home of the dashboard's defaults. */
export const DEFAULT_DASHBOARD: DashboardConfig = Object.freeze({
  enabled: false,
  path: '/monitoring/dashboard',
  host: '127.0.0.1',
  port: null,
  auth: null,
  allowedHosts: Object.freeze([] as string[]),
  buffer: Object.freeze({
    spans: 2000,
    logs: 2000,
    youngSpans: 256,
    tracesPerSecond: 10,
    traceBurst: 100,
    slowMillis: 500,
  }),
  topN: 20,
  maxClients: 20,
  actions: true,
});

/** Every variable the dashboard slice reads (applied over the file and code layers). */
export const DASHBOARD_ENV_VARIABLES: readonly string[] = [
  'OTELKIT_DASHBOARD_ENABLED',
  'OTELKIT_DASHBOARD_PATH',
  'OTELKIT_DASHBOARD_HOST',
  'OTELKIT_DASHBOARD_PORT',
  'OTELKIT_DASHBOARD_USERNAME',
  'OTELKIT_DASHBOARD_PASSWORD',
];

const mountPath = z.string().regex(/^\/(?:[A-Za-z0-9._~-]+\/)*[A-Za-z0-9._~-]+$/, {
  error: 'expected an absolute path like /monitoring/dashboard (letters, digits, ._~-; no trailing slash)',
});
const hostName = z.string().regex(/^(?:[A-Za-z0-9.-]+|\[?[0-9A-Fa-f:.]+\]?)$/, {
  error: 'expected a host name or an IP address',
});
const port = z.number().int().min(0).max(65535);
const count = (max: number) => z.number().int().positive().max(max);

const MISSING_CREDENTIAL = "expected a value (auth is { username, password } or 'custom')";
const basic = objT(
  {
    type: z.literal('basic').optional(),
    /** Basic auth user of the page, its API and its stream. */
    username: req(text, MISSING_CREDENTIAL),
    /** Basic auth password. */
    password: req(text, MISSING_CREDENTIAL),
  },
  (o): DashboardBasicAuth => ({ type: 'basic', username: o!.username, password: o!.password }),
);
const authAny = z.any().transform((v, ctx): DashboardAuthConfig | null | undefined => {
  if (v === undefined || v === null) return v;
  if (v === 'custom') return { type: 'custom' };
  if (v && typeof v === 'object' && (v as { type?: unknown }).type === 'custom') {
    const r = obj({ type: z.literal('custom') }).safeParse(v, { reportInput: true });
    if (!r.success) {
      for (const i of r.error.issues) ctx.addIssue(i as z.core.$ZodRawIssue);
      return z.NEVER;
    }
    return { type: 'custom' };
  }
  if (typeof v !== 'object' || Array.isArray(v)) {
    issue(ctx, "expected { username, password } or 'custom'", v);
    return z.NEVER;
  }
  const r = basic.safeParse(v, { reportInput: true });
  if (!r.success) {
    for (const i of r.error.issues) ctx.addIssue(i as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  return r.data;
});
/** `{ username, password }` (Basic), or `'custom'` with an `authorize(req)` given to `createDashboard`. */
const auth = withInput<
  (Omit<InputOf<typeof basic>, 'type'> & { type?: 'basic' }) | 'custom' | { type: 'custom' } | null
>()(authAny);

const bufferObject = objT(
  {
    /** Span copies kept of the chosen traces (oldest dropped first). @default 2000 */
    spans: count(1_000_000).optional(),
    /** Log lines kept (oldest dropped first). @default 2000 */
    logs: count(1_000_000).optional(),
    /** The most recent ended spans held by reference, whatever their trace (at most `spans`). @default 256 */
    youngSpans: count(1_000_000).optional(),
    /** Ordinary traces (no error, not slow) copied per second at most; 0: only failed and slow ones. @default 10 */
    tracesPerSecond: z.number().min(0).max(1_000_000).optional(),
    /** Ordinary traces copied at once before the rate applies (at low traffic every trace is kept). @default 100 */
    traceBurst: count(1_000_000).optional(),
    /** A trace whose local root took at least this long is always kept. @default 500 */
    slowMillis: z.number().min(0).max(86_400_000).optional(),
  },
  (o): Partial<DashboardBufferConfig> =>
    defined({
      spans: o!.spans,
      logs: o!.logs,
      youngSpans: o!.youngSpans,
      tracesPerSecond: o!.tracesPerSecond,
      traceBurst: o!.traceBurst,
      slowMillis: o!.slowMillis,
    }),
);
const bufferAny = z.any().transform((v, ctx): Partial<DashboardBufferConfig> | false | undefined => {
  if (v === undefined) return undefined;
  if (v === false) return false;
  if (v === true) return {};
  const r = bufferObject.safeParse(v, { reportInput: true });
  if (!r.success) {
    for (const i of r.error.issues) ctx.addIssue(i as z.core.$ZodRawIssue);
    return z.NEVER;
  }
  return r.data;
});

/** `false` turns the rings off; `true` keeps the default sizes. */
const buffer = withInput<boolean | InputOf<typeof bufferObject>>()(bufferAny);

const dashboardObject = objT(
  {
    /** Writing the section turns the dashboard on, unless this says otherwise. */
    enabled: bool.optional(),
    /** Where the page is mounted; every asset, API and the stream are below it. @default '/monitoring/dashboard' */
    path: mountPath.optional(),
    /** The dashboard's own listener address. @default '127.0.0.1' */
    host: hostName.optional(),
    /** Port of the dashboard's own listener (`startDashboard`); `null`: no listener, mount the handler. @default null */
    port: port.nullable().optional(),
    /** Who may see it. `null`: nobody is asked — allowed only on a loopback `host`. @default null */
    auth,
    /** Host header values accepted (DNS rebinding guard), port ignored; `localhost`, `127.0.0.1`, `[::1]` and `host` always are. */
    allowedHosts: z.array(hostName).optional(),
    /** The rings of recent spans and log lines: `false` turns them off; `true` keeps the default sizes. */
    buffer,
    /** Rows of the routes and methods tables before the overflow row. @default 20 */
    topN: count(1000).optional(),
    /** Stream clients served at once; more get 503. @default 20 */
    maxClients: count(10_000).optional(),
    /** POST actions (an on-demand CPU profile). @default true */
    actions: bool.optional(),
  },
  (
    o,
    _ctx: Ctx,
  ): Partial<Omit<DashboardConfig, 'buffer'>> & { buffer?: Partial<DashboardBufferConfig> | false } => {
    const d = o!;
    return defined({
      // Writing the section turns the dashboard on, unless it says otherwise.
      enabled: d.enabled ?? true,
      path: d.path,
      host: d.host,
      port: d.port,
      auth: d.auth,
      allowedHosts: d.allowedHosts,
      // A partial buffer object is completed by the merge over the defaults.
      buffer: d.buffer,
      topN: d.topN,
      maxClients: d.maxClients,
      actions: d.actions,
    });
  },
);

/** What may be written in the `dashboard` section (code, file, overrides), besides `true`/`false`. */
export type DashboardInput = InputOf<typeof dashboardObject>;

const dashboardAny = z
  .any()
  .transform(
    (
      v,
      ctx,
    ):
      | (Partial<Omit<DashboardConfig, 'buffer'>> & { buffer?: Partial<DashboardBufferConfig> | false })
      | undefined => {
      if (v === undefined) return undefined;
      if (typeof v === 'boolean') return { enabled: v };
      const r = dashboardObject.safeParse(v, { reportInput: true });
      if (!r.success) {
        for (const i of r.error.issues) ctx.addIssue(i as z.core.$ZodRawIssue);
        return z.NEVER;
      }
      return r.data;
    },
  );

/** The `dashboard` section as one layer writes it (`true`/`false` or the object) → a partial slice. */
export const dashboardSchema = withInput<boolean | DashboardInput>()(dashboardAny);

/** Whether `host` only ever accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * The `OTELKIT_DASHBOARD_*` variables, applied to the merged draft of the slice (after the file
 * and code layers, before `overrides`). Each value goes through the same schema as the section.
 */
export function applyDashboardEnv(
  draft: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  issues: ConfigIssue[],
): Record<string, unknown> {
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const layer: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  const enabled = get('OTELKIT_DASHBOARD_ENABLED');
  if (enabled !== undefined) {
    if (enabled === 'true' || enabled === 'false') layer.enabled = enabled === 'true';
    else
      issues.push({
        path: 'OTELKIT_DASHBOARD_ENABLED',
        message: `expected true or false, got ${JSON.stringify(enabled)}`,
        source: 'env',
      });
  }
  const pathVar = get('OTELKIT_DASHBOARD_PATH');
  if (pathVar !== undefined) {
    layer.path = pathVar;
    names.path = 'OTELKIT_DASHBOARD_PATH';
  }
  const hostVar = get('OTELKIT_DASHBOARD_HOST');
  if (hostVar !== undefined) {
    layer.host = hostVar;
    names.host = 'OTELKIT_DASHBOARD_HOST';
  }
  const portVar = get('OTELKIT_DASHBOARD_PORT');
  if (portVar !== undefined) {
    layer.port = /^\d+$/.test(portVar) ? Number(portVar) : portVar;
    names.port = 'OTELKIT_DASHBOARD_PORT';
  }
  const user = get('OTELKIT_DASHBOARD_USERNAME');
  const password = get('OTELKIT_DASHBOARD_PASSWORD');
  if (user !== undefined || password !== undefined) {
    if (user === undefined || password === undefined) {
      issues.push({
        path: user === undefined ? 'OTELKIT_DASHBOARD_USERNAME' : 'OTELKIT_DASHBOARD_PASSWORD',
        message: 'OTELKIT_DASHBOARD_USERNAME and OTELKIT_DASHBOARD_PASSWORD are set together',
        source: 'env',
      });
    } else layer.auth = { username: user, password };
  }
  if (Object.keys(layer).length === 0) return draft;
  const r = dashboardObject.safeParse(layer, { reportInput: true });
  if (!r.success) {
    for (const zi of r.error.issues) {
      const i = toIssue(zi, 'env');
      const field = i.path.split(/[.[]/)[0] ?? '';
      issues.push({ ...i, path: names[field] ?? `dashboard.${i.path}` });
    }
    return draft;
  }
  // Variables edit the section; they do not turn it on unless OTELKIT_DASHBOARD_ENABLED says so.
  const { enabled: _on, ...rest } = r.data!;
  return { ...draft, ...rest, ...(layer.enabled !== undefined ? { enabled: layer.enabled } : {}) };
}

/**
 * Cross-field checks and derived values on the merged slice: an address other than loopback
 * needs `auth`, and the Host allow-list gets the names this listener is reached by.
 */
export function finalizeDashboard(
  merged: Partial<Omit<DashboardConfig, 'buffer'>> & { buffer?: Partial<DashboardBufferConfig> | false },
  issues: ConfigIssue[],
  sdkEnabled = true,
): DashboardConfig {
  const d = { ...DEFAULT_DASHBOARD, ...merged } as DashboardConfig & {
    buffer: Partial<DashboardBufferConfig> | false;
  };
  const enabled = sdkEnabled && d.enabled;
  if (enabled && !isLoopbackHost(d.host) && d.auth === null) {
    issues.push({
      path: 'dashboard.auth',
      message: `the dashboard listens on ${d.host}, which is not a loopback address, and has no auth: set dashboard.auth ({ username, password } or 'custom' with an authorize function), or bind it to 127.0.0.1`,
      source: 'code',
    });
  }
  const hosts = new Set(['localhost', '127.0.0.1', '[::1]']);
  const own = d.host.toLowerCase();
  if (own !== '0.0.0.0' && own !== '::' && own !== '[::]') hosts.add(isIP(own) === 6 ? `[${own}]` : own);
  for (const h of d.allowedHosts) hosts.add(h.toLowerCase());
  return {
    ...d,
    enabled,
    auth: d.auth === null ? null : d.auth.type === 'custom' ? { type: 'custom' } : { ...d.auth },
    allowedHosts: [...hosts],
    buffer: d.buffer === false ? false : { ...DEFAULT_DASHBOARD_BUFFER, ...d.buffer },
  };
}

const DEFAULT_DASHBOARD_BUFFER = DEFAULT_DASHBOARD.buffer as DashboardBufferConfig;

/** The skip-list entries of the dashboard (its own requests are not application traffic). */
export function dashboardIgnorePaths(d: DashboardConfig): string[] {
  return d.enabled ? [d.path, `${d.path}/*`] : [];
}

const normalised = new WeakSet<object>();

/** Marks a slice made by `loadConfig` (already checked), so `normalizeDashboard` returns it as is. */
export function markDashboardNormalised(slice: DashboardConfig): DashboardConfig {
  normalised.add(slice);
  return slice;
}

/**
 * The `dashboard` slice from what a caller wrote (the config's input form, or an already
 * normalised slice, which is returned as it is): the same checks and error text as `loadConfig`,
 * as one {@link ConfigError} naming every problem under `dashboard.`. The result is deep-frozen.
 *
 * @example
 * normalizeDashboard({ port: 9465 }).host; // '127.0.0.1'
 * normalizeDashboard({ host: '0.0.0.0' }); // throws ConfigError: dashboard.auth …
 */
export function normalizeDashboard(
  input: DashboardInput | DashboardConfig | undefined = {},
): DashboardConfig {
  if (input !== null && typeof input === 'object' && normalised.has(input)) return input as DashboardConfig;
  const issues: ConfigIssue[] = [];
  const r = dashboardSchema.safeParse(input, { reportInput: true });
  if (!r.success) {
    for (const zi of r.error.issues) {
      const i = toIssue(zi, 'code');
      issues.push({ ...i, path: i.path ? `dashboard.${i.path}` : 'dashboard' });
    }
    throw new ConfigError(issues);
  }
  const slice = finalizeDashboard(r.data ?? {}, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return markDashboardNormalised(deepFreeze(slice));
}
