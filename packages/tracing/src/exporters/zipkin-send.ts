import * as http from 'node:http';
import * as https from 'node:https';
import { diag } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';

/**
 * A strict replacement for the Zipkin exporter's sender. The stock one has no request timeout and
 * reports 3xx as success; this one succeeds on 2xx only, never follows a redirect (a 3xx is a
 * failure), and aborts after `timeoutMillis`.
 */
export function createZipkinSend(
  url: string,
  headers: Readonly<Record<string, string>>,
  timeoutMillis: number,
): (zipkinSpans: unknown[], done: (result: ExportResult) => void) => void {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? https.request : http.request;
  return (zipkinSpans, done) => {
    let finished = false;
    const finish = (result: ExportResult): void => {
      if (finished) return;
      finished = true;
      done(result);
    };
    if (zipkinSpans.length === 0) {
      finish({ code: ExportResultCode.SUCCESS });
      return;
    }
    const body = JSON.stringify(zipkinSpans);
    const req = request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) finish({ code: ExportResultCode.SUCCESS });
          else finish({ code: ExportResultCode.FAILED, error: new Error(`zipkin answered HTTP ${status}`) });
        });
        res.on('error', (error) => finish({ code: ExportResultCode.FAILED, error }));
      },
    );
    req.setTimeout(timeoutMillis, () => {
      req.destroy(new Error(`zipkin request timed out after ${timeoutMillis} ms`));
    });
    req.on('error', (error) => {
      diag.debug('@otelkit/tracing: zipkin request failed', error);
      finish({ code: ExportResultCode.FAILED, error });
    });
    req.end(body);
  };
}
