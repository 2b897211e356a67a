// Names from the OpenTelemetry semantic conventions, taken from @opentelemetry/semantic-conventions
// itself (the stable entry point), so a name can never drift from the spec by a hand copy.
// https://opentelemetry.io/docs/specs/semconv/http/http-metrics/

export {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
  ERROR_TYPE_VALUE_OTHER as ERROR_TYPE_OTHER,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';

// Development-status names (in semconv's `incubating` entry point, which the OpenTelemetry
// authors ask libraries not to import at run time: copied, and checked against it in tests).
export const METRIC_HTTP_SERVER_ACTIVE_REQUESTS = 'http.server.active_requests';
export const METRIC_HTTP_SERVER_REQUEST_BODY_SIZE = 'http.server.request.body.size';
export const METRIC_HTTP_SERVER_RESPONSE_BODY_SIZE = 'http.server.response.body.size';

/** Set by sdk-metrics on the one series that collects attribute sets past the cardinality limit. */
export const ATTR_OTEL_METRIC_OVERFLOW = 'otel.metric.overflow';
