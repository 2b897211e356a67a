// Names from the OpenTelemetry code semantic conventions (stable), kept local as in @otelkit/metrics;
// the tests compare them with @opentelemetry/semantic-conventions' constants.
// https://opentelemetry.io/docs/specs/semconv/registry/attributes/code/

export const ATTR_CODE_FUNCTION_NAME = 'code.function.name';
