import { context, diag } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import { boundedRequest } from '@otelkit/config';

/** Bytes of a Zipkin answer read (only its status is used). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * A strict replacement for the Zipkin exporter's sender. The stock one has no request timeout and
 * reports 3xx as success; this one succeeds on 2xx only, never follows a redirect (a 3xx is a
 * failure), gives the whole request (connect to last byte) `timeoutMillis`, and reads at most
 * 64 KiB of the answer — a collector that trickles or answers without end cannot hold it.
 */
export function createZipkinSend(
  url: string,
  headers: Readonly<Record<string, string>>,
  timeoutMillis: number,
): (zipkinSpans: unknown[], done: (result: ExportResult) => void) => void {
  const target = new URL(url);
  return (zipkinSpans, done) => {
    if (zipkinSpans.length === 0) {
      done({ code: ExportResultCode.SUCCESS });
      return;
    }
    const body = JSON.stringify(zipkinSpans);
    // Our own export traffic is never traced.
    const sent = context.with(suppressTracing(context.active()), () =>
      boundedRequest(target, {
        method: 'POST',
        headers: {
          ...headers,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
        body,
        timeoutMillis,
        maxResponseBytes: MAX_RESPONSE_BYTES,
      }),
    );
    sent.then(
      (res) => {
        if (res.status >= 200 && res.status < 300) done({ code: ExportResultCode.SUCCESS });
        else done({ code: ExportResultCode.FAILED, error: new Error(`zipkin answered HTTP ${res.status}`) });
      },
      (error: Error) => {
        diag.debug('@otelkit/tracing: zipkin request failed', error);
        done({ code: ExportResultCode.FAILED, error });
      },
    );
  };
}
