import { DEFAULT_RESOURCE_DETECTORS } from './slices/resource-detectors';
import type {
  AlertsConfig,
  BatchConfig,
  DiagnosticsConfig,
  HealthConfig,
  ResourcesConfig,
  ServiceConfig,
  ShutdownConfig,
} from './types';

/**
 * Keys whose values are secrets wherever they appear (log lines, captured arguments): the one
 * list every package redacts by. Matching ignores case, `-` and `_`.
 */
export const SECRET_KEYS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'password',
  'passwd',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'apiKey',
  'api_key',
  'apikey',
  'x-api-key',
  'clientSecret',
  'client_secret',
  'privateKey',
  'private_key',
  'pwd',
  'client-secret',
  'auth-token',
  'session-token',
  'x-auth-token',
  'x-amz-security-token',
  'private-key',
  'bearer',
  'credentials',
];

function key(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? `.${k}` : `["${k}"]`;
}

/**
 * Default redaction paths (pino syntax): each secret key at the top level, one level down
 * (`*.password`), and in any `headers` object one level down (`req.headers.authorization`).
 * Deeper wildcards are left out on purpose: intermediate wildcards make every log call slower.
 */
export const DEFAULT_REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((k) => {
  const k1 = key(k);
  return [k1.startsWith('.') ? k1.slice(1) : k1, `*${k1}`, `headers${k1}`, `*.headers${k1}`];
});

/**
 * Bucket boundaries in seconds for duration histograms (OpenTelemetry HTTP semconv advice): the
 * default of `metrics.durationBuckets`, and what `@otelkit/metrics` uses when a slice leaves it empty.
 */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

export const DEFAULT_SERVICE: ServiceConfig = {
  name: 'unknown_service:node',
  attributes: {},
  detectors: DEFAULT_RESOURCE_DETECTORS,
};

/** The Prometheus endpoint otelkit serves when nothing else is said (OpenTelemetry's port 9464, loopback only). */
export const DEFAULT_PROMETHEUS = Object.freeze({
  type: 'prometheus' as const,
  mode: 'server' as const,
  host: '127.0.0.1',
  port: 9464,
  path: '/metrics',
});

/** Metrics defaults: export interval and timeout (OTEL_METRIC_EXPORT_*), series per instrument. */
export const DEFAULT_METRICS = Object.freeze({
  exportIntervalMillis: 60_000,
  exportTimeoutMillis: 30_000,
  cardinalityLimit: 2000,
});

/**
 * Longest string attribute value of a span: OpenTelemetry sets no limit, so one 10 MB attribute
 * made a 20 MB export request. 4096 characters keep SQL statements and stack frames readable.
 */
export const DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT = 4096;

export const DEFAULT_BATCH: BatchConfig = {
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 5000,
  exportTimeoutMillis: 30_000,
};

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

export const DEFAULT_SHUTDOWN: ShutdownConfig = { timeoutMillis: 5000, handleSignals: true };

export const DEFAULT_DIAGNOSTICS: DiagnosticsConfig = { logLevel: 'warn', printSummary: false };

export const DEFAULT_OTLP = {
  protocol: 'http/protobuf',
  headers: {},
  compression: 'none',
  timeoutMillis: 10_000,
} as const;

/** Base URLs per protocol, as in the OpenTelemetry spec (`localhost`, not a routable address). */
export const DEFAULT_OTLP_HTTP_BASE = 'http://localhost:4318';
export const DEFAULT_OTLP_GRPC_BASE = 'http://localhost:4317';
