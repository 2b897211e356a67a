import * as path from 'node:path';

/**
 * Decodes Jaeger agent UDP datagrams (`Agent.emitBatch`, thrift binary protocol) with the
 * official Jaeger IDL shipped in `jaeger-client` (jaeger-idl/thrift/agent.thrift + jaeger.thrift),
 * read by the `thriftrw` library jaeger-client depends on — independent of
 * @opentelemetry/exporter-jaeger's span conversion.
 */
export function createJaegerDecoder(): (datagram: Buffer) => JaegerBatch {
  const thrift = loadIdl('agent.thrift');
  return (datagram) => {
    const result = thrift.Agent.emitBatch.argumentsMessageRW.readFrom(datagram, 0);
    if (result.err) throw result.err;
    const message = result.value;
    if (message.name !== 'emitBatch') throw new Error(`unexpected thrift message ${message.name}`);
    return message.body.batch;
  };
}

/** Decodes the body a Jaeger collector receives on /api/traces (a binary-thrift `Batch`). */
export function createJaegerBatchDecoder(): (body: Buffer) => JaegerBatch {
  const thrift = loadIdl('jaeger.thrift');
  return (body) => {
    const result = thrift.Batch.rw.readFrom(body, 0);
    if (result.err) throw result.err;
    return result.value;
  };
}

function loadIdl(file: string): ThriftModule {
  const clientDir = path.dirname(require.resolve('jaeger-client/package.json'));
  const { Thrift } = require(require.resolve('thriftrw', { paths: [clientDir] })) as {
    Thrift: new (options: Record<string, unknown>) => ThriftModule;
  };
  const thrift = new Thrift({
    entryPoint: path.join(clientDir, 'dist', 'src', 'jaeger-idl', 'thrift', file),
    allowFilesystemAccess: true,
    allowOptionalArguments: true,
    // zipkincore.thrift (included by the official agent.thrift) predates thriftrw's strict mode.
    strict: false,
  });
  return thrift;
}

interface ThriftModule {
  Batch: { rw: { readFrom(buffer: Buffer, offset: number): { err: Error | null; value: JaegerBatch } } };
  Agent: {
    emitBatch: {
      argumentsMessageRW: {
        readFrom(
          buffer: Buffer,
          offset: number,
        ): { err: Error | null; value: { name: string; body: { batch: JaegerBatch } } };
      };
    };
  };
}

export interface JaegerTag {
  key: string;
  vType: number | string;
  vStr?: string | null;
  vDouble?: number | null;
  vBool?: boolean | null;
  vLong?: unknown;
  vBinary?: unknown;
}

export interface JaegerSpan {
  traceIdLow: unknown;
  traceIdHigh: unknown;
  spanId: unknown;
  parentSpanId: unknown;
  operationName: string;
  references?: unknown[] | null;
  flags: number;
  startTime: unknown;
  duration: unknown;
  tags?: JaegerTag[] | null;
  logs?: Array<{ timestamp: unknown; fields: JaegerTag[] }> | null;
}

export interface JaegerBatch {
  process: { serviceName: string; tags?: JaegerTag[] | null };
  spans: JaegerSpan[];
}

/** i64 as decoded by thriftrw (Buffer or Int64-like) → 16 lowercase hex digits. */
export function i64Hex(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (value && typeof (value as { toBuffer?: unknown }).toBuffer === 'function') {
    return (value as { toBuffer(): Buffer }).toBuffer().toString('hex');
  }
  if (Array.isArray(value)) return Buffer.from(value as number[]).toString('hex');
  throw new Error(`cannot read i64 ${JSON.stringify(value)}`);
}
