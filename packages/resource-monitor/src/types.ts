import type { Meter, MeterProvider } from '@opentelemetry/api';
import type { ComparisonOperator, ConditionAggregation, ThresholdDirection } from '@otelkit/config';
import type { HealthRegistryOptions } from './health/health-registry';

/** Event-loop delay over the last sampling interval, in milliseconds. */
export interface EventLoopDelayStats {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * One sample of the machine and the process.
 *
 * Sources on Linux: system CPU from `/proc/stat` (delta of the aggregate `cpu` line), load from
 * `os.loadavg()`, memory from `/proc/meminfo` (`MemTotal`, `MemAvailable`), thread count from
 * `/proc/self/status` (`Threads:`), I/O from `/proc/self/io` (`read_bytes`, `write_bytes`: what
 * reached the storage layer; `syscr`, `syscw`: read/write system calls), open descriptors from
 * `/proc/self/fd`. Container limits from cgroup v2 (`cpu.max`, `cpu.stat`, `memory.max`,
 * `memory.current`, `memory.stat`) or v1 (`cpu.cfs_quota_us`, `cpuacct.usage`,
 * `memory.limit_in_bytes`, `memory.usage_in_bytes`, `memory.stat`).
 * Elsewhere (macOS, Windows) the `os` module is used and values with no source are 0.
 */
export interface SystemStats {
  /** When the sample was taken, milliseconds since the epoch. mtaio's `timestamp` is seconds: `timestampMillis / 1000`. */
  readonly timestampMillis: number;
  readonly cpu: {
    /** Percent busy since the previous sample: of the container CPU quota when one is set, else of the host. */
    readonly usagePercent: number;
    /** Percent of all host CPUs busy since the previous sample (`/proc/stat`). */
    readonly hostUsagePercent: number;
    /** `[1m, 5m, 15m]` from `os.loadavg()`. */
    readonly loadAverage: readonly [number, number, number];
    /** Threads of this process. */
    readonly threadCount: number;
    /** CPU quota in cores (`cpu.max` / `cpu.cfs_quota_us`), `null` when unlimited or unknown. */
    readonly limitCores: number | null;
  };
  readonly memory: {
    /** Bytes: the container limit when one is set, else host `MemTotal`. */
    readonly total: number;
    readonly available: number;
    readonly used: number;
    /** `used / total * 100`. */
    readonly percent: number;
    /** The host view (`/proc/meminfo`), always reported. */
    readonly host: {
      readonly total: number;
      readonly available: number;
      readonly used: number;
      readonly percent: number;
    };
    /** Container memory limit in bytes, `null` when unlimited or unknown. */
    readonly limit: number | null;
  };
  /** Cumulative for this process, from `/proc/self/io`. */
  readonly io: {
    readonly readBytes: number;
    readonly writeBytes: number;
    readonly readCount: number;
    readonly writeCount: number;
  };
  readonly process: {
    /** Percent of ONE core used by this process (all threads) since the previous sample; can exceed 100. */
    readonly cpuPercent: number;
    readonly rss: number;
    readonly heapUsed: number;
    readonly heapTotal: number;
    readonly external: number;
    /** Milliseconds, over the last interval (`perf_hooks.monitorEventLoopDelay`). 0 until started. */
    readonly eventLoopDelay: EventLoopDelayStats;
    /** 0..1 over the last interval (`performance.eventLoopUtilization`). */
    readonly eventLoopUtilization: number;
    /** Cumulative since `start()` (`PerformanceObserver` on `gc` entries). */
    readonly gc: { readonly count: number; readonly pauseSeconds: number };
    readonly openFds: number;
    /** `process.getActiveResourcesInfo().length`. */
    readonly activeHandles: number;
  };
  /** Which cgroup version the container view came from, `null` when none was found or `containerAware` is off. */
  readonly container: { readonly cgroup: 'v1' | 'v2' | null };
}

/** A point of one metric's history. */
export interface HistoryPoint {
  readonly timestamp: number;
  readonly value: number;
}

export interface HistoryQuery {
  /** Only points at or after this time (epoch ms or a Date). */
  readonly since?: number | Date;
  /** One metric (e.g. `cpu_usage`, `error_rate`): returns `HistoryPoint[]` instead of `SystemStats[]`. */
  readonly metric?: string;
  /** The resource a metric belongs to (see {@link RecordOptions.resourceId}). */
  readonly resourceId?: string;
}

/** `stats(metric, window)` result; all `NaN` and `count: 0` when the window holds no points. */
export interface MetricWindowStats {
  readonly count: number;
  readonly min: number;
  readonly avg: number;
  readonly max: number;
  readonly p95: number;
  readonly last: number;
}

export type AlertLevel = 'info' | 'warning' | 'critical';
export type AlertState = 'firing' | 'resolved';
/** Built-in sources; other producers (anomaly detectors, resource monitors) use their own name. */
export type AlertSource = 'threshold' | 'rule' | 'manual' | (string & {});

/** Everything known about one alert transition. Sent to `onAlert` handlers, the logger and webhooks. */
export interface AlertEvent {
  /** Stable identity: the metric key for thresholds (`resourceId/metric` when per resource), the rule name, or `manual`. */
  readonly alert: string;
  readonly source: AlertSource;
  readonly state: AlertState;
  /** The level entered (`firing`) or left (`resolved`). */
  readonly level: AlertLevel;
  /** Set when a firing alert moved from another level (e.g. warning → critical). */
  readonly previousLevel?: AlertLevel;
  readonly metric?: string;
  readonly resourceId?: string;
  readonly value: number;
  readonly threshold: number;
  /** When the condition began to hold (epoch ms); for `resolved`, when the alert fired. */
  readonly since: number;
  /** When this event was produced (epoch ms). */
  readonly timestamp: number;
  readonly message: string;
  readonly runbook?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Producer-specific numbers or strings (e.g. an anomaly score). */
  readonly details?: Readonly<Record<string, number | string>>;
}

/** Fourth argument of a threshold handler. */
export interface ThresholdHandlerInfo {
  readonly level: AlertLevel;
  readonly state: AlertState;
  readonly since: number;
  readonly message: string;
  readonly event: AlertEvent;
}

/** `onThresholdExceeded` handler: called when an alert fires and when it resolves (not for manual `alert()`s). */
export type ThresholdHandler = (
  metric: string,
  value: number,
  threshold: number,
  info: ThresholdHandlerInfo,
) => void | Promise<void>;

/**
 * A method `@monitor.onThresholdExceeded` decorates: called like a {@link ThresholdHandler}, with
 * `this` = the instance (or the class, for a static method). It may return anything (it is still
 * an ordinary method); a returned promise is awaited like a handler's, within `handlerTimeoutMillis`.
 */
export type ThresholdHandlerMethod<This = unknown> = (
  this: This,
  metric: string,
  value: number,
  threshold: number,
  info: ThresholdHandlerInfo,
) => unknown;

/** `addMetricListener` callback: every value the monitor takes in. Must be cheap and synchronous. */
export type MetricListener = (
  metric: string,
  value: number,
  info: { readonly resourceId?: string; readonly timestamp: number },
) => void;

/** `onAlert` handler: the full event. */
export type AlertHandler = (event: AlertEvent) => void | Promise<void>;

/** Rich threshold as written in code; `for` accepts `'30s'` or milliseconds. */
export interface ThresholdSpec {
  readonly warning?: number;
  readonly critical?: number;
  /** @default 'above' */
  readonly direction?: ThresholdDirection;
  /** How long the value must stay past a level before the alert fires: `'30s'`, `'5m'` or milliseconds. @default 0 */
  readonly for?: string | number;
  readonly forMillis?: number;
  /** Resolve (or step down) only once the value is back past the level by this much. @default 0 */
  readonly hysteresis?: number;
  readonly message?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A per-resource threshold (pools, caches, queues): `setThreshold({ resourceId, metric, warning, critical })`. */
export interface KeyedThresholdSpec extends ThresholdSpec {
  readonly metric: string;
  readonly resourceId?: string;
}

/** An alert rule written in code; `condition` is parsed once (`p95(response_time) > 0.5`). */
export interface AlertRuleSpec {
  readonly name: string;
  readonly condition: string;
  /** `'5m'` or milliseconds. @default 0 */
  readonly for?: string | number;
  readonly forMillis?: number;
  /** Window the aggregation looks back over: `'1m'` or milliseconds. @default 60000 */
  readonly window?: string | number;
  /**
   * Fire when more than this share (0..1] of the points in the window meet the condition (the
   * seed's `threshold: 10` is 0.1), instead of comparing one aggregate.
   */
  readonly share?: number;
  /** @default 'warning' */
  readonly severity?: 'warning' | 'critical';
  readonly message?: string;
  readonly runbook?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export type { ComparisonOperator, ConditionAggregation, ThresholdDirection };

export interface RecordOptions {
  /** The resource this value belongs to (a pool, a queue); thresholds and history are kept per resource. */
  readonly resourceId?: string;
  /** Timestamp (epoch ms). @default Date.now() */
  readonly timestamp?: number;
}

/** Where alert events also go. Called pino-style: `logger.warn({ alert }, message)`. */
export interface MonitorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Webhook target: one JSON POST per alert event. */
export interface WebhookOptions {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Per attempt. @default 5000 */
  readonly timeoutMillis?: number;
  /** Attempts after the first, on network errors, 429 and 5xx, with exponential backoff. @default 3 */
  readonly maxRetries?: number;
  /** First backoff; doubles per retry, capped at 10 s. @default 250 */
  readonly backoffMillis?: number;
  /** Events waiting to be sent; past it new events are dropped and counted. @default 100 */
  readonly maxQueueSize?: number;
}

/** Options of {@link ResourceMonitor}. */
export interface ResourceMonitorOptions {
  /** Sampling interval in seconds (the mtaio/uno unit). @default 5 */
  readonly interval?: number;
  /** Sampling interval in milliseconds; wins over `interval`. */
  readonly intervalMillis?: number;
  /** Samples kept per metric (ring buffer). @default 720 */
  readonly historySize?: number;
  /** Measure CPU and memory against cgroup limits when present. @default true */
  readonly containerAware?: boolean;
  /** Distinct metric series (application + per resource) kept; past it new ones are dropped and counted. @default 500 */
  readonly maxMetrics?: number;
  /** Alert handlers running at once; others wait in a bounded queue. @default 8 */
  readonly maxConcurrentHandlers?: number;
  /** Alert deliveries waiting for a handler slot; past it they are dropped and counted. @default 1000 */
  readonly maxPendingHandlerCalls?: number;
  /** A handler still running after this frees its slot (and counts as a timeout). @default 10000 */
  readonly handlerTimeoutMillis?: number;
  /** Budget for the subclass `collect()` hook per sample. @default 5000 */
  readonly collectTimeoutMillis?: number;
  /** Publish host, runtime and alert-state metrics here (`HostMetrics` needs a provider). */
  readonly meterProvider?: MeterProvider;
  /** Or a meter (host metrics then use a provider that returns this meter). */
  readonly meter?: Meter;
  /**
   * `@opentelemetry/host-metrics` groups to publish. `false` publishes none.
   * @default ['system.cpu', 'system.memory', 'process.cpu', 'process.memory']
   */
  readonly hostMetricGroups?: readonly string[] | false;
  readonly logger?: MonitorLogger;
  readonly webhooks?: readonly WebhookOptions[];
  /**
   * Timer period of the event-loop delay sampler (an unref'ed JS timer whose lateness is recorded;
   * not `monitorEventLoopDelay`, see `collectors/runtime-collector.ts`): the monitor's main idle
   * cost (100 ms ≈ 0.2 % of a core, 10 ms ≈ 1.5 % in bench/compare/runtime-cost.bench.js; 20 ms ≈
   * 0.3-0.5 %, 50 ms ≈ 0.14 % in an earlier measurement on a busy 2-core machine). A block shorter than this can be under-measured (it only shows
   * when it overlaps a tick); longer blocks are always seen. @default 100
   */
  readonly eventLoopResolutionMillis?: number;
  /**
   * The exported `nodejs.eventloop.delay.max` is the worst sample taken in this trailing window
   * (at least the latest sample), so a reader that collects at least this often sees every stall,
   * however many samples fall between its collections and whichever other readers collect in
   * between (no collection consumes a sample). Set it to the longest collection interval:
   * `startMonitoring` passes `metrics.exportIntervalMillis`. The other runtime gauges (p50, p99,
   * utilization) are the latest sample's. @default the sampling interval (the latest sample only)
   */
  readonly exportWindowMillis?: number;
  /** Where cgroup file systems are mounted. @default '/sys/fs/cgroup' */
  readonly cgroupRoot?: string;
  /** Options of `monitor.health` and its built-in checks. */
  readonly health?: HealthRegistryOptions & {
    /** Built-in liveness check `event_loop`: p99 delay above this fails. @default 1000 */
    readonly maxEventLoopDelayMillis?: number;
    /** Built-in readiness check `memory`: `memory.percent` (of the container limit when known) above this fails. @default 95 */
    readonly maxMemoryPercent?: number;
    /** Built-in readiness check `alerts`: host-wide critical alerts fail readiness too. @default false */
    readonly hostAlertsAffectReadiness?: boolean;
  };
  /** Alert events kept for `getAlertHistory()` (ring buffer). @default 500 */
  readonly alertHistorySize?: number;
  /** `false` makes `start()` a no-op (config `resources.enabled`). @default true */
  readonly enabled?: boolean;
  /** Budget of `shutdown()` and `forceFlush()` called without one (config `shutdown.timeout`). @default 5000 */
  readonly shutdownTimeoutMillis?: number;
}

/** Counters of everything the monitor dropped or failed at; all also published as metrics. */
export interface MonitorCounters {
  readonly samples: number;
  readonly sampleErrors: number;
  readonly collectErrors: number;
  readonly handlerErrors: number;
  readonly handlerTimeouts: number;
  readonly handlerCallsDropped: number;
  /** `@onThresholdExceeded` instances not subscribed because `MAX_THRESHOLD_BINDINGS` were live. */
  readonly handlerBindingsDropped: number;
  readonly metricsDropped: number;
  readonly webhookSent: number;
  readonly webhookFailed: number;
  readonly webhookRetries: number;
  readonly webhookDropped: number;
}
