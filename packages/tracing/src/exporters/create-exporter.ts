import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import { hardenOtlpRetries, type OtlpEndpointConfig, type TraceExporterConfig } from '@otelkit/config';
import { MemorySpanExporter } from './memory-span-exporter';
import { createZipkinSend } from './zipkin-send';

const EXPORTER_TYPES = ['otlp', 'jaeger', 'zipkin', 'console', 'memory'];

/**
 * Builds the SDK exporter for one exporter config. Heavy exporters are `require`d only when
 * chosen: `grpc` pulls `@grpc/grpc-js`. `jaeger` is OTLP to Jaeger's own OTLP intake.
 *
 * None of them follows redirects: the OTLP HTTP exporters use `node:http` directly (a 3xx is a
 * non-retryable failure), and the Zipkin sender is replaced by a strict one (see zipkin-send.ts).
 *
 * @example
 * const exporter = createExporter({ type: 'zipkin', endpoint: 'http://127.0.0.1:9411/api/v2/spans', headers: {}, timeoutMillis: 5000 }, 0);
 * @throws Error naming `tracing.exporters[index]` when the config is invalid.
 */
export function createExporter(config: TraceExporterConfig, index: number): SpanExporter {
  const where = `tracing.exporters[${index}]`;
  switch (config.type) {
    case 'otlp':
    case 'jaeger':
      return createOtlpExporter(config, where);
    case 'zipkin': {
      requireUrl(config.endpoint, `${where}.endpoint`, ['http:', 'https:']);
      requirePositive(config.timeoutMillis, `${where}.timeoutMillis`);
      const { ZipkinExporter } =
        require('@opentelemetry/exporter-zipkin') as typeof import('@opentelemetry/exporter-zipkin');
      const exporter = new ZipkinExporter({ url: config.endpoint, headers: { ...config.headers } });
      // The stock sender has no timeout and treats 3xx as success; swap in a strict one.
      (exporter as unknown as { _send: unknown })._send = createZipkinSend(
        config.endpoint,
        config.headers,
        config.timeoutMillis,
      );
      return exporter;
    }
    case 'console':
      return new ConsoleSpanExporter();
    case 'memory':
      return new MemorySpanExporter(config.maxSpans);
    default:
      throw new Error(
        `${where}.type must be one of ${EXPORTER_TYPES.join(', ')}; got ${JSON.stringify((config as { type?: unknown }).type)}`,
      );
  }
}

function createOtlpExporter(config: OtlpEndpointConfig, where: string): SpanExporter {
  requirePositive(config.timeoutMillis, `${where}.timeoutMillis`);
  if (config.compression !== 'none' && config.compression !== 'gzip') {
    throw new Error(
      `${where}.compression must be one of none, gzip; got ${JSON.stringify(config.compression)}`,
    );
  }
  const base = {
    url: config.endpoint,
    timeoutMillis: config.timeoutMillis,
    compression: config.compression as never,
  };
  switch (config.protocol) {
    case 'http/protobuf': {
      requireUrl(config.endpoint, `${where}.endpoint`, ['http:', 'https:']);
      const { OTLPTraceExporter } =
        require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
      return hardened(new OTLPTraceExporter({ ...base, headers: { ...config.headers } }));
    }
    case 'http/json': {
      requireUrl(config.endpoint, `${where}.endpoint`, ['http:', 'https:']);
      const { OTLPTraceExporter } =
        require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
      return hardened(new OTLPTraceExporter({ ...base, headers: { ...config.headers } }));
    }
    case 'grpc': {
      requireUrl(config.endpoint, `${where}.endpoint`, ['http:', 'https:']);
      const { OTLPTraceExporter } =
        require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc');
      const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
      const metadata = new grpc.Metadata();
      for (const [key, value] of Object.entries(config.headers)) metadata.set(key, value);
      const credentials = config.endpoint.startsWith('https:')
        ? grpc.credentials.createSsl()
        : grpc.credentials.createInsecure();
      return new OTLPTraceExporter({ ...base, metadata, credentials });
    }
    default:
      throw new Error(
        `${where}.protocol must be one of http/protobuf, http/json, grpc; got ${JSON.stringify(config.protocol)}`,
      );
  }
}

/** Retry-After 0/-1/garbage clamped to ≥ 1 s with jitter, retry timers unref'd (see hardenOtlpRetries). */
function hardened<T extends SpanExporter>(exporter: T): T {
  hardenOtlpRetries(exporter);
  return exporter;
}

function requireUrl(value: unknown, field: string, protocols: string[]): void {
  let ok = false;
  if (typeof value === 'string') {
    try {
      ok = protocols.includes(new URL(value).protocol);
    } catch {
      ok = false;
    }
  }
  if (!ok) throw new Error(`${field} must be an ${protocols.join(' or ')} URL; got ${JSON.stringify(value)}`);
}

function requirePositive(value: unknown, field: string): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new Error(`${field} must be a positive number; got ${JSON.stringify(value)}`);
  }
}
