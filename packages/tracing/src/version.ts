/** Instrumentation scope name of the spans this package creates. */
export const TRACER_NAME = '@otelkit/tracing';
/** Package version (kept in step with package.json). */
export const VERSION = '0.1.0';
