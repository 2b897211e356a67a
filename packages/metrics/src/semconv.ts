// Names from the OpenTelemetry HTTP semantic conventions (stable), kept local so the hot path does
// not depend on the shape of @opentelemetry/semantic-conventions' exports.
// https://opentelemetry.io/docs/specs/semconv/http/http-metrics/

export const METRIC_HTTP_SERVER_REQUEST_DURATION = 'http.server.request.duration';
export const METRIC_HTTP_SERVER_ACTIVE_REQUESTS = 'http.server.active_requests';
export const METRIC_HTTP_SERVER_REQUEST_BODY_SIZE = 'http.server.request.body.size';
export const METRIC_HTTP_SERVER_RESPONSE_BODY_SIZE = 'http.server.response.body.size';

export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_HTTP_REQUEST_METHOD_ORIGINAL = 'http.request.method_original';
export const ATTR_HTTP_ROUTE = 'http.route';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_URL_SCHEME = 'url.scheme';
export const ATTR_URL_PATH = 'url.path';
export const ATTR_URL_QUERY = 'url.query';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_USER_AGENT_ORIGINAL = 'user_agent.original';
export const ATTR_CLIENT_ADDRESS = 'network.peer.address';

/** Set by sdk-metrics on the one series that collects attribute sets past the cardinality limit. */
export const ATTR_OTEL_METRIC_OVERFLOW = 'otel.metric.overflow';

/** Fallback `error.type` when nothing better is known (semconv). */
export const ERROR_TYPE_OTHER = '_OTHER';
