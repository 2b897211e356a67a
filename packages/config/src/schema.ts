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

/** The whole input → partial canonical form. */
export const configInputSchema = obj({
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
});

export type PartialConfig = NonNullable<z.output<typeof configInputSchema>>;

/** Exposed for the environment layer, which builds exporters from their names. */
export const schemas = {
  traceExporter: traceExporterSchema,
  metricExporterObject: metricExporterSchema,
  logOutput: logOutputSchema,
} as const;
