import { resourceFromAttributes } from '@opentelemetry/resources';
import type { TraceExporterConfig, TracingConfig } from '@otelkit/config';

/** A normalised tracing slice with the documented defaults, overridable per test. */
export function tracingConfig(overrides: Partial<TracingConfig> = {}): TracingConfig {
  return {
    enabled: true,
    sampler: { type: 'parentbased_always_on', ratio: 1 },
    exporters: [],
    propagators: ['tracecontext', 'baggage'],
    batch: {
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduledDelayMillis: 50,
      exportTimeoutMillis: 30_000,
    },
    shutdownTimeoutMillis: 5000,
    attributeValueLengthLimit: 4096,
    ...overrides,
  };
}

export function otlpExporter(
  endpoint: string,
  protocol: 'http/protobuf' | 'http/json' | 'grpc' = 'http/protobuf',
  extra: { timeoutMillis?: number; headers?: Record<string, string>; type?: 'otlp' | 'jaeger' } = {},
): TraceExporterConfig {
  return {
    type: extra.type ?? 'otlp',
    endpoint,
    protocol,
    headers: extra.headers ?? {},
    compression: 'none',
    timeoutMillis: extra.timeoutMillis ?? 10_000,
  };
}

export const memoryExporter = (maxSpans = 1000): TraceExporterConfig => ({ type: 'memory', maxSpans });

export const testResource = (name = 'tracing-test') => resourceFromAttributes({ 'service.name': name });
