import { MIN_RETRY_AFTER_MILLIS } from './bounded-request';

interface ExportResponse {
  status: string;
  retryInMillis?: number;
}
interface Transport {
  send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse>;
}
interface RetryingTransportShape extends Transport {
  _transport: Transport;
  retry(data: Uint8Array, timeoutMillis: number, inMillis: number): Promise<ExportResponse>;
}

const HARDENED = Symbol.for('otelkit.otlp-retry-hardened');

/**
 * Makes the retries of an OpenTelemetry JS OTLP exporter (HTTP or gRPC, 0.2xx) safe:
 *
 * - a `Retry-After` the upstream transport read as `0` or less (`0`, `-1`, `abc`, a past date:
 *   it retries at once, 6 requests in ~30 ms) becomes `minMillis` plus up to 20 % jitter;
 * - the retry timer is `unref()`ed, so a dead collector never keeps a finished process alive
 *   (upstream's is ref'ed: a script with traces exited 9.5 s late, with OTLP metrics never).
 *
 * It reaches the exporter's private `_delegate._transport` (the upstream `RetryingTransport`)
 * and replaces two functions on that one object; when the shape is not found (another
 * OpenTelemetry version) nothing changes and it returns `false` — tests pin that it is found.
 */
export function hardenOtlpRetries(
  exporter: unknown,
  minMillis = MIN_RETRY_AFTER_MILLIS,
  /**
   * Told each attempt's outcome (`success`, `retryable`, `failure`) before the upstream transport
   * logs anything about it: the OTLP log output marks its pipe failing first, so that the
   * transport's own "Export failed…" diagnostic is not sent through the pipe that failed.
   */
  onAttempt?: (status: string) => void,
): boolean {
  const retrying = (exporter as { _delegate?: { _transport?: RetryingTransportShape } } | undefined)
    ?._delegate?._transport;
  if (!retrying || typeof retrying.retry !== 'function' || typeof retrying._transport?.send !== 'function')
    return false;
  if ((retrying as unknown as Record<symbol, boolean>)[HARDENED]) return true;
  (retrying as unknown as Record<symbol, boolean>)[HARDENED] = true;
  const inner = retrying._transport;
  const send = inner.send.bind(inner);
  inner.send = async (data, timeoutMillis) => {
    let result: ExportResponse;
    try {
      result = await send(data, timeoutMillis);
    } catch (err) {
      onAttempt?.('failure');
      throw err;
    }
    onAttempt?.(result.status);
    if (
      result.status === 'retryable' &&
      result.retryInMillis !== undefined &&
      !(result.retryInMillis >= minMillis)
    ) {
      return { ...result, retryInMillis: minMillis * (1 + Math.random() * 0.2) };
    }
    return result;
  };
  retrying.retry = (data, timeoutMillis, inMillis) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          inner.send(data, timeoutMillis).then(resolve, reject);
        },
        Math.max(0, inMillis),
      );
      timer.unref();
    });
  return true;
}
