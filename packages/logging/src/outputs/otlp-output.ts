import type * as http from 'node:http';
import { type AnyValue, context, diag, type Logger as OtelLogger } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  abortableAgents,
  hardenOtlpRetries,
  type OtlpLogOutputConfig,
  type SettledWithin,
  settleWithin,
} from '@otelkit/config';
import { severityOf } from '../levels';
import type { LogOutputStats } from '../types';
import { DropCounts } from './drop-reasons';
import type { LogOutput } from './log-output';

/** Records waiting for export at most; past it new ones are dropped and counted. */
const MAX_QUEUE = 2048;

/** Fields of the line that become OTLP record fields (or the resource) rather than attributes. */
const NOT_ATTRIBUTES = new Set([
  'level',
  'time',
  'msg',
  'trace_id',
  'span_id',
  'trace_flags',
  '@timestamp',
  'log.level',
  'message',
  'ecs.version',
  'trace.id',
  'span.id',
  'service.name',
  'service.version',
  'service.environment',
  'service.node.name',
  'event.dataset',
]);

/**
 * OTLP logs through the OpenTelemetry SDK (`sdk-logs` batch processor + the OTLP exporter of the
 * configured protocol). Each line (already redacted) is parsed back into a record: body = the
 * message, severity from the pino level, timestamp from the line, other fields as attributes, and
 * the trace context of the log call (pino writes synchronously inside the call, so the active
 * context here is the caller's).
 */
export function createOtlpOutput(
  config: OtlpLogOutputConfig,
  field: string,
  resource: Resource | undefined,
  scopeName: string,
): LogOutput {
  const agents = abortableAgents(config.timeoutMillis);
  // `failing` is set from the transport's outcome, before the exporter logs the failure
  let counting: CountingExporter | undefined;
  const onAttempt = (status: string): void => {
    if (counting !== undefined && status !== 'success') counting.failing = true;
  };
  const exporter = new CountingExporter(createExporter(config, field, agents.factory, onAttempt));
  counting = exporter;
  const processor = new BatchLogRecordProcessor({
    exporter,
    maxQueueSize: MAX_QUEUE,
    maxExportBatchSize: 512,
    scheduledDelayMillis: 1000,
    exportTimeoutMillis: config.timeoutMillis,
  });
  const provider = new LoggerProvider({ ...(resource ? { resource } : {}), processors: [processor] });
  const logger: OtelLogger = provider.getLogger(scopeName);
  let lines = 0;
  const dropped = new DropCounts();
  let closed = false;
  let withheld = 0;
  // pino's pid / hostname belong to the resource (process.pid, host.name): left out of the
  // record's attributes when the resource carries them.
  const raw = new Map(resource?.getRawAttributes() ?? []);
  const onResource = { pid: raw.has('process.pid'), hostname: raw.has('host.name') };

  return {
    type: 'otlp',
    write(line: string, level: number): void {
      if (closed || exporter.pending(lines) >= MAX_QUEUE) {
        dropped.add(closed ? 'shutdown' : 'buffer_full');
        return;
      }
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line);
      } catch (err) {
        dropped.add('invalid');
        diag.error('@otelkit/logging: unparseable log line not sent to OTLP', err);
        return;
      }
      const severity = severityOf(level);
      const body = parsed.msg ?? parsed.message;
      const time =
        typeof parsed.time === 'number'
          ? parsed.time
          : typeof parsed['@timestamp'] === 'string'
            ? Date.parse(parsed['@timestamp'])
            : Date.now();
      const attributes: Record<string, AnyValue> = {};
      for (const key in parsed) {
        if (NOT_ATTRIBUTES.has(key)) continue;
        if ((key === 'pid' && onResource.pid) || (key === 'hostname' && onResource.hostname)) continue;
        const v = parsed[key];
        if (v === null || v === undefined) continue;
        if ((key === 'err' || key === 'error') && exceptionAttributes(v, attributes)) continue;
        attributes[key] = v as AnyValue;
      }
      lines++;
      logger.emit({
        timestamp: Number.isFinite(time) ? time : Date.now(),
        severityNumber: severity.number,
        severityText: severity.text,
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
        attributes,
        context: context.active(),
      });
    },
    flushSync(): void {},
    async flush(deadline: number): Promise<void> {
      warnIfRejected(
        await settleWithin(
          provider.forceFlush({ timeoutMillis: Math.max(1, deadline - Date.now()) }),
          deadline - Date.now(),
        ),
      );
    },
    async shutdown(deadline: number): Promise<void> {
      if (closed) return;
      closed = true;
      warnIfRejected(await settleWithin(provider.shutdown(), deadline - Date.now()));
      // From here the counts are final: an export answered later is ignored (its records are
      // counted as dropped below), so delivered + dropped never exceeds the lines taken.
      exporter.freeze();
      const left = lines - exporter.delivered - exporter.failed;
      if (left > 0) {
        dropped.add('shutdown', left);
        // a collector that never answered: cut its requests (their sockets would hold the process)
        agents.abort();
      }
    },
    stats(): LogOutputStats {
      return {
        type: 'otlp',
        target: config.endpoint,
        lines,
        dropped: dropped.total + exporter.failed,
        droppedByReason: {
          ...dropped.byReason(),
          ...(exporter.failed > 0 ? { export_failed: exporter.failed } : {}),
        },
        errors: exporter.errors,
        delivered: exporter.delivered,
        buffered: closed ? 0 : Math.max(0, lines - exporter.delivered - exporter.failed),
        withheld,
      };
    },
    failing: () => exporter.failing,
    withhold(): void {
      withheld++;
    },
  };
}

/**
 * A logged error (pino's `err`, ECS's `error`) as the semantic-convention exception attributes:
 * `exception.type`, `exception.message`, `exception.stacktrace`; its other fields (a `code`…) stay
 * under the original key. False when the value is not an error object (then it is kept as is).
 */
function exceptionAttributes(value: unknown, out: Record<string, AnyValue>): boolean {
  if (typeof value !== 'object' || Array.isArray(value)) return false;
  const e = value as Record<string, unknown>;
  const type = e.type;
  const message = e.message;
  const stack = e.stack ?? e.stack_trace;
  if (typeof message !== 'string' && typeof stack !== 'string') return false;
  if (typeof type === 'string') out['exception.type'] = type;
  if (typeof message === 'string') out['exception.message'] = message;
  if (typeof stack === 'string') out['exception.stacktrace'] = stack;
  const rest: Record<string, AnyValue> = {};
  let any = false;
  for (const k in e) {
    if (k === 'type' || k === 'message' || k === 'stack' || k === 'stack_trace') continue;
    if (e[k] === undefined || e[k] === null) continue;
    rest[k] = e[k] as AnyValue;
    any = true;
  }
  if (any) out.err = rest;
  return true;
}

function warnIfRejected(r: SettledWithin<unknown>): void {
  if (r.status === 'rejected') diag.warn('@otelkit/logging: OTLP log flush failed', r.reason);
}

/** Retry-After 0/-1/garbage clamped to ≥ 1 s with jitter, retry timers unref'd (hardenOtlpRetries). */
function hardened<T extends LogRecordExporter>(exporter: T, onAttempt: (status: string) => void): T {
  hardenOtlpRetries(exporter, undefined, onAttempt);
  return exporter;
}

function createExporter(
  config: OtlpLogOutputConfig,
  field: string,
  agentFactory: (protocol: string) => http.Agent,
  onAttempt: (status: string) => void,
): LogRecordExporter {
  const options = {
    url: config.endpoint,
    headers: { ...config.headers },
    timeoutMillis: config.timeoutMillis,
    compression: config.compression,
    // A factory instead of agent options: the exporter's default factory loads node:http with a
    // dynamic import(), which fails under module loaders without ESM support (jest, some bundlers).
    httpAgentOptions: agentFactory,
  };
  switch (config.protocol) {
    case 'http/protobuf': {
      const { OTLPLogExporter } =
        require('@opentelemetry/exporter-logs-otlp-proto') as typeof import('@opentelemetry/exporter-logs-otlp-proto');
      return hardened(
        new OTLPLogExporter(options as ConstructorParameters<typeof OTLPLogExporter>[0]),
        onAttempt,
      );
    }
    case 'http/json': {
      const { OTLPLogExporter } =
        require('@opentelemetry/exporter-logs-otlp-http') as typeof import('@opentelemetry/exporter-logs-otlp-http');
      return hardened(
        new OTLPLogExporter(options as ConstructorParameters<typeof OTLPLogExporter>[0]),
        onAttempt,
      );
    }
    case 'grpc': {
      const { OTLPLogExporter } =
        require('@opentelemetry/exporter-logs-otlp-grpc') as typeof import('@opentelemetry/exporter-logs-otlp-grpc');
      return new OTLPLogExporter({
        url: config.endpoint,
        timeoutMillis: config.timeoutMillis,
        compression: config.compression,
      } as ConstructorParameters<typeof OTLPLogExporter>[0]);
    }
    default:
      throw new Error(
        `@otelkit/logging: ${field}.protocol is ${JSON.stringify((config as { protocol: unknown }).protocol)}; allowed: http/protobuf, http/json, grpc`,
      );
  }
}

/** Wraps the exporter to count what was delivered and what failed (each record once). */
class CountingExporter implements LogRecordExporter {
  delivered = 0;
  failed = 0;
  errors = 0;
  /** The last export failed (cleared by the next one that succeeds). */
  failing = false;
  constructor(private readonly _inner: LogRecordExporter) {}
  pending(emitted: number): number {
    return emitted - this.delivered - this.failed;
  }
  private _frozen = false;
  freeze(): void {
    this._frozen = true;
  }
  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    try {
      this._inner.export(records, (result) => {
        if (this._frozen) {
          done(result);
          return;
        }
        if (result.code === ExportResultCode.SUCCESS) {
          this.delivered += records.length;
          this.failing = false;
        } else {
          // before the warning below: it is our own diagnostic, and must not go out this way
          this.failing = true;
          this.failed += records.length;
          this.errors++;
          diag.warn(`@otelkit/logging: OTLP export of ${records.length} log record(s) failed`, result.error);
        }
        done(result);
      });
    } catch (err) {
      this.failing = true;
      this.failed += records.length;
      this.errors++;
      done({ code: ExportResultCode.FAILED, error: err as Error });
    }
  }
  forceFlush(): Promise<void> {
    return this._inner.forceFlush?.() ?? Promise.resolve();
  }
  shutdown(): Promise<void> {
    return this._inner.shutdown();
  }
}
