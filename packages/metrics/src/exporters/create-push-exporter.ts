import { OTLPMetricExporter as GrpcExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as HttpJsonExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as HttpProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { ConsoleMetricExporter, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import {
  abortableAgents,
  type ConsoleExporterConfig,
  hardenOtlpRetries,
  type OtlpMetricExporterConfig,
  withAbort,
} from '@otelkit/config';

const TEMPORALITY: Record<OtlpMetricExporterConfig['temporality'], AggregationTemporalityPreference> = {
  cumulative: AggregationTemporalityPreference.CUMULATIVE,
  delta: AggregationTemporalityPreference.DELTA,
  lowmemory: AggregationTemporalityPreference.LOWMEMORY,
};

/**
 * Builds the OpenTelemetry push exporter for one OTLP or console exporter config. Every option is
 * passed explicitly; the OTLP exporters only fall back to `OTEL_EXPORTER_OTLP_*` for options we do
 * not set (none that the config carries). The config is one exporter of a normalised slice
 * (`normalizeMetrics` checked protocol and temporality).
 */
export function createPushExporter(
  config: OtlpMetricExporterConfig | ConsoleExporterConfig,
): PushMetricExporter {
  if (config.type === 'console') return new ConsoleMetricExporter();
  const common = {
    url: config.endpoint,
    headers: { ...config.headers },
    timeoutMillis: config.timeoutMillis,
    temporalityPreference: TEMPORALITY[config.temporality],
    // The exporters' own CompressionAlgorithm enum has exactly these string values.
    compression: config.compression as never,
  };
  switch (config.protocol) {
    case 'grpc': {
      const { headers, ...rest } = common;
      // gRPC sends headers as call metadata.
      return new GrpcExporter(
        Object.keys(headers).length > 0 ? { ...rest, metadata: grpcMetadata(headers) } : rest,
      );
    }
    // Retry-After 0/-1/garbage clamped to ≥ 1 s with jitter, retry timers unref'd (hardenOtlpRetries).
    // The agents are ours, so that a shutdown that gave up on a request can cut it (abortExports).
    case 'http/json': {
      const agents = abortableAgents(config.timeoutMillis);
      return withAbort(
        hardened(new HttpJsonExporter({ ...common, httpAgentOptions: agents.factory as never })),
        agents.abort,
      );
    }
    default: {
      const agents = abortableAgents(config.timeoutMillis);
      return withAbort(
        hardened(new HttpProtoExporter({ ...common, httpAgentOptions: agents.factory as never })),
        agents.abort,
      );
    }
  }
}

function hardened<T extends PushMetricExporter>(exporter: T): T {
  hardenOtlpRetries(exporter);
  return exporter;
}

type GrpcMetadata = NonNullable<ConstructorParameters<typeof GrpcExporter>[0]>['metadata'];

function grpcMetadata(headers: Record<string, string>): GrpcMetadata {
  // @grpc/grpc-js is the gRPC exporter's own dependency: resolve it from there, and only when needed.
  const grpcPath = require.resolve('@grpc/grpc-js', {
    paths: [require.resolve('@opentelemetry/exporter-metrics-otlp-grpc')],
  });
  const { Metadata } = require(grpcPath) as { Metadata: new () => { set(k: string, v: string): void } };
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
  return metadata as unknown as GrpcMetadata;
}
