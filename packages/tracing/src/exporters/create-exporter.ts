import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import {
  abortableAgents,
  hardenOtlpRetries,
  type OtlpEndpointConfig,
  type TraceExporterConfig,
  withAbort,
} from '@otelkit/config';
import { MemorySpanExporter } from './memory-span-exporter';
import { acceptEncodedSpans } from './otlp-encoded';
import { createZipkinSend } from './zipkin-send';

/**
 * Builds the SDK exporter for one exporter config. Heavy exporters are `require`d only when
 * chosen: `grpc` pulls `@grpc/grpc-js`. `jaeger` is OTLP to Jaeger's own OTLP intake.
 *
 * None of them follows redirects: the OTLP HTTP exporters use `node:http` directly (a 3xx is a
 * non-retryable failure), and the Zipkin sender is replaced by a strict one (see zipkin-send.ts).
 *
 * @example
 * const exporter = createExporter({ type: 'zipkin', endpoint: 'http://127.0.0.1:9411/api/v2/spans', headers: {}, timeoutMillis: 5000 }, 0);
 * The config is one exporter of a normalised slice (`normalizeTracing` checked it).
 */
export function createExporter(config: TraceExporterConfig, index: number): SpanExporter {
  const where = `tracing.exporters[${index}]`;
  switch (config.type) {
    case 'otlp':
    case 'jaeger':
      return createOtlpExporter(config, where);
    case 'zipkin': {
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
      return unreachable(config, `${where}.type`);
  }
}

function createOtlpExporter(config: OtlpEndpointConfig, where: string): SpanExporter {
  const base = {
    url: config.endpoint,
    timeoutMillis: config.timeoutMillis,
    compression: config.compression as never,
  };
  switch (config.protocol) {
    case 'http/protobuf': {
      const { OTLPTraceExporter } =
        require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
      const agents = abortableAgents(config.timeoutMillis);
      const exporter = new OTLPTraceExporter({
        ...base,
        headers: { ...config.headers },
        httpAgentOptions: agents.factory as never,
      });
      // Spans wait for their batch encoded, not as span objects (see otlp-encoded.ts).
      acceptEncodedSpans(exporter);
      return withAbort(hardened(exporter), agents.abort);
    }
    case 'http/json': {
      const { OTLPTraceExporter } =
        require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
      const agents = abortableAgents(config.timeoutMillis);
      return withAbort(
        hardened(
          new OTLPTraceExporter({
            ...base,
            headers: { ...config.headers },
            httpAgentOptions: agents.factory as never,
          }),
        ),
        agents.abort,
      );
    }
    case 'grpc': {
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
      return unreachable(config.protocol, `${where}.protocol`);
  }
}

/** Retry-After 0/-1/garbage clamped to ≥ 1 s with jitter, retry timers unref'd (see hardenOtlpRetries). */
function hardened<T extends SpanExporter>(exporter: T): T {
  hardenOtlpRetries(exporter);
  return exporter;
}

/** A value the normalised slice cannot hold (`normalizeTracing` checked it). */
function unreachable(value: never, field: string): never {
  throw new Error(`${field}: ${JSON.stringify(value)} is not a value of a normalised tracing slice`);
}
