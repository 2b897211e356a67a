/**
 * The whole input schema: what people write (shorthand welcome) → a *partial* canonical form,
 * composed of the slices' schemas (each in `slices/`, with its types and defaults).
 *
 * Each layer (file, code, overrides) is parsed on its own with it, so every problem is reported
 * with the path the user wrote. Fields whose default depends on other layers (OTLP endpoints depend
 * on the protocol, which the environment may change; file paths and index names depend on the
 * service name) are left unset here and filled in by `finalize()` in `load.ts`.
 */
import type { z } from 'zod';
import { bool, obj } from './fields/zod-fields';
import { dashboardSchema } from './slices/dashboard';
import { loggingSchema, logOutputSchema } from './slices/logging';
import { metricExporterSchema, metricsSchema } from './slices/metrics';
import { monitoringSchema } from './slices/monitoring';
import { poolsSchema } from './slices/pools';
import { diagnosticsSchema, instrumentationsSchema, shutdownSchema } from './slices/process';
import { alertsSchema, healthSchema, resourcesSchema } from './slices/resources';
import { serviceSchema } from './slices/service';
import { traceExporterSchema, tracingSchema } from './slices/tracing';

/**
 * The sections of the config, each its slice's schema. Named (not inferred) so the declaration
 * files refer to each slice's own schema, where its fields' documentation is, instead of copying it.
 */
export type ConfigShape = {
  /** `false` (or `OTEL_SDK_DISABLED=true`): every signal off, the handles still work. @default true */
  enabled: z.ZodOptional<z.ZodBoolean>;
  /** Who the telemetry is about: becomes the OpenTelemetry resource. */
  service: typeof serviceSchema;
  /** pino: level, format (json, ecs, pretty), outputs (console, file, Elasticsearch, OTLP), redaction. */
  logging: typeof loggingSchema;
  /** Exporters (Prometheus, OTLP), interval, cardinality, buckets, views, the HTTP middleware. */
  metrics: typeof metricsSchema;
  /** Sampler, exporters (OTLP, Jaeger, Zipkin), propagators, batch, limits. */
  tracing: typeof tracingSchema;
  /** What the resource monitor samples (CPU, memory, I/O, event loop), how often, and its thresholds. */
  resources: typeof resourcesSchema;
  /** Alert rules on the monitor's metrics, with webhooks. */
  alerts: typeof alertsSchema;
  /** The health endpoints (`/health`, `/health/live`, `/health/ready`). */
  health: typeof healthSchema;
  /** The one shutdown budget, and signal handling. */
  shutdown: typeof shutdownSchema;
  /** A list of libraries to instrument, `false` for none, or `{ pg: false, ... }` to turn some off. */
  instrumentations: typeof instrumentationsSchema;
  /** OpenTelemetry's own log level, the startup summary. */
  diagnostics: typeof diagnosticsSchema;
  /** The resource manager: `true`, or its options (writing the section turns it on). */
  pools: typeof poolsSchema;
  /** The Monitoring Setup Guide's document: collectors, storage, visualization, alertmanager. */
  monitoring: typeof monitoringSchema;
  /** The live monitoring page: `true`, or its options (writing the section turns it on). */
  dashboard: typeof dashboardSchema;
};

const configShape: ConfigShape = {
  enabled: bool.optional(),
  service: serviceSchema,
  logging: loggingSchema,
  metrics: metricsSchema,
  tracing: tracingSchema,
  resources: resourcesSchema,
  alerts: alertsSchema,
  health: healthSchema,
  shutdown: shutdownSchema,
  instrumentations: instrumentationsSchema,
  diagnostics: diagnosticsSchema,
  pools: poolsSchema,
  monitoring: monitoringSchema,
  dashboard: dashboardSchema,
};

/** The whole input → partial canonical form. */
export const configInputSchema = obj(configShape);

export type PartialConfig = NonNullable<z.output<typeof configInputSchema>>;

/** Exposed for the environment layer, which builds exporters from their names. */
export const schemas = {
  traceExporter: traceExporterSchema,
  metricExporterObject: metricExporterSchema,
  logOutput: logOutputSchema,
} as const;
