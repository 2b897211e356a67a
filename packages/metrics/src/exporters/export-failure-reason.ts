import type { MetricExportFailureReason } from '../types';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'ERR_SOCKET_CLOSED',
]);

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_UNAVAILABLE = 14;

/**
 * Why a push export failed, from the error the OpenTelemetry exporter reports (its HTTP transport
 * reports a non-retryable status as `OTLPExporterError` with the status as `code`, a socket error as
 * the Node error with its errno `code`, a timeout as `Request timed out`, and a retryable status
 * whose retries ran out as `Export failed with retryable status`; the gRPC transport reports the
 * gRPC `ServiceError`).
 */
export function exportFailureReason(error: unknown): MetricExportFailureReason {
  if (!(error instanceof Error)) return 'error';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return 'timeout';
    if (NETWORK_CODES.has(code)) return 'network';
  }
  // a gRPC ServiceError: its status code and `details`
  if (typeof code === 'number' && code < 100 && 'details' in error) {
    if (code === GRPC_DEADLINE_EXCEEDED) return 'timeout';
    return code === GRPC_UNAVAILABLE || code === GRPC_RESOURCE_EXHAUSTED ? 'unavailable' : 'rejected';
  }
  if (typeof code === 'number' && code >= 400 && code < 600) {
    return code === 429 || code === 502 || code === 503 || code === 504 ? 'unavailable' : 'rejected';
  }
  if (error.name === 'TimeoutError' || /timed? ?out/i.test(error.message)) return 'timeout';
  if (/retryable status/i.test(error.message)) return 'unavailable';
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause !== error) return exportFailureReason(cause);
  return 'error';
}
