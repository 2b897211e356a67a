import { type Span, type SpanOptions, type Tracer, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { checkOptionKeys, loadConfig, toResourceAttributes } from '@otelkit/config';
import { createTracing, type TracingHandle } from '@otelkit/tracing';

/** Options of {@link JaegerTracer}. */
export interface JaegerTracerOptions {
  /** `service.name` of the spans (the seed's `service_name`). */
  readonly serviceName: string;
  /**
   * Host of the Jaeger that receives the spans (the seed's `agent_host`). Spans go over OTLP/HTTP
   * to `http://<agentHost>:<otlpPort>/v1/traces`, Jaeger's own OTLP intake (Jaeger ≥ 1.35 and v2),
   * not to the agent's thrift UDP port: the Jaeger thrift exporters are deprecated and leave
   * OpenTelemetry JS 3.x. @default 'localhost'
   */
  readonly agentHost?: string;
  /** Jaeger's OTLP/HTTP port. @default 4318 */
  readonly otlpPort?: number;
  /** Head sampling ratio or sampler name, as the config's `tracing.sampler`. @default 'parentbased_always_on' */
  readonly sampler?: number | string;
  /** Also make this the process's global tracer provider (`trace.getTracer()`). @default false */
  readonly register?: boolean;
}

const OPTION_KEYS = [
  'serviceName',
  'agentHost',
  'otlpPort',
  'sampler',
  'register',
] as const satisfies readonly (keyof JaegerTracerOptions)[];

/**
 * The seed's `JaegerTracer(service_name=…, agent_host=…)` (Monitoring Setup Guide, "Jaeger
 * Integration"): a thin facade over `createTracing` of `@otelkit/tracing` with one exporter,
 * `{ type: 'jaeger', endpoint: 'http://<agentHost>:4318/v1/traces' }` (OTLP/HTTP protobuf).
 *
 * @example
 * const tracer = new JaegerTracer({ serviceName: 'my-service', agentHost: 'jaeger-agent' });
 * await tracer.startActiveSpan('checkout', async (span) => { ...; span.end(); });
 * await tracer.shutdown();
 */
export class JaegerTracer {
  readonly serviceName: string;
  /** Where the spans go. */
  readonly endpoint: string;
  /** The tracing handle (`stats()`, `provider`). */
  readonly tracing: TracingHandle;
  /** The OpenTelemetry tracer. */
  readonly tracer: Tracer;

  constructor(options: JaegerTracerOptions) {
    if (!options || typeof options !== 'object')
      throw new Error('JaegerTracer: options must be an object with a serviceName');
    checkOptionKeys(options, OPTION_KEYS, 'JaegerTracer');
    if (typeof options.serviceName !== 'string' || options.serviceName.length === 0)
      throw new Error('JaegerTracer: serviceName must be a non-empty string');
    const host = options.agentHost ?? 'localhost';
    if (typeof host !== 'string' || host.length === 0 || /[/:\s]/.test(host.replace(/^\[.*\]$/, 'v6')))
      throw new Error(`JaegerTracer: agentHost must be a host name or address, got ${JSON.stringify(host)}`);
    const port = options.otlpPort ?? 4318;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`JaegerTracer: otlpPort must be a port number, got ${JSON.stringify(port)}`);
    this.serviceName = options.serviceName;
    this.endpoint = `http://${host}:${port}/v1/traces`;
    const config = loadConfig({
      config: {
        service: { name: options.serviceName },
        tracing: {
          ...(options.sampler !== undefined ? { sampler: options.sampler as never } : {}),
          exporters: [{ type: 'jaeger', endpoint: this.endpoint, protocol: 'http/protobuf' }],
        },
      },
    });
    this.tracing = createTracing(
      config.tracing,
      resourceFromAttributes(toResourceAttributes(config.service)),
    );
    if (options.register) this.tracing.register();
    this.tracer = this.tracing.provider.getTracer(options.serviceName);
  }

  startSpan(name: string, options?: SpanOptions): Span {
    return this.tracer.startSpan(name, options);
  }

  /** Runs `fn` with a new active span (children nest under it); end the span in `fn`. */
  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    optionsOrFn: SpanOptions | F,
    fn?: F,
  ): ReturnType<F> {
    if (typeof optionsOrFn === 'function') return this.tracer.startActiveSpan(name, optionsOrFn);
    return this.tracer.startActiveSpan(name, optionsOrFn, fn as F);
  }

  /** The span active in this context, if any. */
  activeSpan(): Span | undefined {
    return trace.getActiveSpan();
  }

  forceFlush(): Promise<void> {
    return this.tracing.forceFlush();
  }

  /** Flushes and stops the exporter. Idempotent, never rejects. */
  shutdown(): Promise<void> {
    return this.tracing.shutdown();
  }
}
