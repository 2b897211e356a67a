import { context, diag, propagation, type TextMapPropagator, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { Resource } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  TracerProvider as SdkTracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import {
  checkOptionKeys,
  normalizeTracing,
  settleWithin,
  type TracingConfig,
  type TracingInput,
} from '@otelkit/config';
import { defineShutdownShare } from '@otelkit/config/internal';
import { createExporter } from './exporters/create-exporter';
import { MemorySpanExporter } from './exporters/memory-span-exporter';
import { PooledIdGenerator } from './ids/pooled-id-generator';
import { publishStats } from './internal/publish-stats';
import { BoundedBatchSpanProcessor, type NamedExporter } from './processors/bounded-batch-span-processor';
import { createPropagator } from './propagators/create-propagator';
import { createSampler } from './samplers/create-sampler';
import { SamplingFirstTracerProvider } from './tracer/sampling-first-tracer';
import type { CreateTracingOptions, TracingHandle, TracingStats } from './types';
import { TRACER_NAME, VERSION } from './version';

/** Set once per process, whichever handle registered first (the OTel globals are process-wide). */
let registeredBy: object | undefined;

const TRACING_OPTION_KEYS = [
  'meter',
  'recentSpans',
] as const satisfies readonly (keyof CreateTracingOptions)[];
// Compile-time: the list names every option (a new one that is not listed fails the build).
const _tracing_keys_complete: [
  Exclude<keyof CreateTracingOptions, (typeof TRACING_OPTION_KEYS)[number]>,
] extends [never]
  ? true
  : never = true;
void _tracing_keys_complete;

/**
 * Builds a tracer provider from the normalised `tracing` config slice: sampler, exporters behind
 * one bounded, fully-accounted batch processor, propagators. It does NOT touch the OpenTelemetry
 * globals; call `handle.register()` for that (the service package does).
 *
 * @example
 * const tracing = createTracing(config.tracing, resourceFromAttributes({ 'service.name': 'api' }));
 * tracing.register();
 * await withSpan('work', async () => { ... });
 * await tracing.shutdown();
 *
 * @throws ConfigError naming every offending `tracing.*` field (the text `loadConfig` gives).
 */
export function createTracing(
  slice: TracingConfig | TracingInput,
  resource?: Resource,
  options: CreateTracingOptions = {},
): TracingHandle {
  // The slice's own normaliser: a loadConfig slice as it is, anything else checked exactly as
  // loadConfig checks it (same ConfigError text); this package holds no defaults or checks of its own.
  const config = normalizeTracing(slice);
  if (options === null || typeof options !== 'object')
    throw new Error('createTracing: options must be an object');
  checkOptionKeys(options, TRACING_OPTION_KEYS, 'createTracing: options');
  if (!config.enabled) return createDisabledHandle(resource);

  const sampler = createSampler(config.sampler);
  const propagator = createPropagator(config.propagators);

  let memory: MemorySpanExporter | undefined;
  const exporters: NamedExporter[] = [];
  config.exporters.forEach((exporterConfig, i) => {
    const exporter = createExporter(exporterConfig, i);
    if (exporter instanceof MemorySpanExporter) {
      memory = exporter;
    } else {
      exporters.push({ type: `${i}:${exporterConfig.type}`, exporter });
    }
  });

  const processor = new BoundedBatchSpanProcessor({
    exporters,
    memory,
    ...(options.recentSpans !== undefined ? { ring: options.recentSpans } : {}),
    maxQueueSize: config.batch.maxQueueSize,
    maxExportBatchSize: config.batch.maxExportBatchSize,
    scheduledDelayMillis: config.batch.scheduledDelayMillis,
    exportTimeoutMillis: config.batch.exportTimeoutMillis,
    shutdownTimeoutMillis: config.shutdownTimeoutMillis,
  });
  const attributeValueLengthLimit = config.attributeValueLengthLimit;
  // Sampling first: a dropped span never enters the SDK (see SamplingFirstTracer).
  const provider = new SamplingFirstTracerProvider({
    sampler,
    // a 10 MB attribute and a 5 MB exception message were exported whole (one 20 MB request)
    spanLimits: { attributeValueLengthLimit },
    idGenerator: new PooledIdGenerator(),
    spanProcessors: [processor],
    ...(resource !== undefined ? { resource } : {}),
  });
  const unpublish =
    options.meter !== undefined ? publishStats(options.meter, () => processor.stats()) : undefined;

  return buildHandle({
    enabled: true,
    provider,
    processor,
    propagator,
    memory,
    budget: config.shutdownTimeoutMillis,
    onShutdown: unpublish,
  });
}

interface HandleParts {
  enabled: boolean;
  provider: SdkTracerProvider;
  processor: SpanProcessor & { stats(): TracingStats; shutdown(timeoutMillis?: number): Promise<void> };
  propagator: TextMapPropagator;
  memory: MemorySpanExporter | undefined;
  budget: number;
  onShutdown: (() => void) | undefined;
}

function buildHandle(parts: HandleParts): TracingHandle {
  const { provider, processor, propagator, memory, budget } = parts;
  const tracer = provider.getTracer(TRACER_NAME, VERSION);
  let shutdownPromise: Promise<void> | undefined;
  let registered = false;

  // One memoised shutdown: `shutdown()` runs it with the slice's budget; `startMonitoring` runs it
  // with its share of `shutdown.timeout` (through `shutdownWithin`, on no public type). Whichever
  // comes first decides; a later call returns the same promise.
  const shutdownWithin = (share: number): Promise<void> => {
    shutdownPromise ??= (async () => {
      try {
        parts.onShutdown?.();
        // The processor bounds itself by the budget (and counts what it could not deliver);
        // the provider's own shutdown (which calls it again: the same promise) is raced
        // against the same budget as a second line of defence.
        const processorDone = processor.shutdown(share);
        await settleWithin(Promise.all([processorDone, provider.shutdown()]), share);
      } catch (err) {
        diag.error('@otelkit/tracing: shutdown failed', err);
      }
      if (registered && registeredBy === handle) {
        trace.disable();
        propagation.disable();
        context.disable();
        registeredBy = undefined;
      }
    })();
    return shutdownPromise;
  };

  const handle: TracingHandle = {
    provider,
    tracer,
    enabled: parts.enabled,
    ...(memory !== undefined ? { memoryExporter: memory } : {}),
    forceFlush: async () => {
      try {
        await processor.forceFlush();
      } catch (err) {
        diag.error('@otelkit/tracing: forceFlush failed', err);
      }
    },
    shutdown: () => shutdownWithin(budget),
    stats: () => processor.stats(),
    register: () => {
      if (shutdownPromise !== undefined) {
        diag.warn('@otelkit/tracing: register() after shutdown() ignored');
        return false;
      }
      if (registeredBy !== undefined) {
        diag.warn('@otelkit/tracing: tracing globals are already registered; register() ignored');
        return false;
      }
      const contextManager = new AsyncLocalStorageContextManager().enable();
      const ok =
        context.setGlobalContextManager(contextManager) &&
        propagation.setGlobalPropagator(propagator) &&
        trace.setGlobalTracerProvider(provider);
      if (!ok) {
        diag.warn(
          '@otelkit/tracing: another OpenTelemetry SDK already registered globals; register() incomplete',
        );
        return false;
      }
      registered = true;
      registeredBy = handle;
      return true;
    },
  };
  return defineShutdownShare(handle, budget, shutdownWithin);
}

function createDisabledHandle(resource: Resource | undefined): TracingHandle {
  const processor = new BoundedBatchSpanProcessor({ exporters: [] });
  // A provider that never samples: spans are non-recording, nothing is kept or sent.
  const provider = new SdkTracerProvider({
    sampler: new AlwaysOffSampler(),
    ...(resource !== undefined ? { resource } : {}),
  });
  return buildHandle({
    enabled: false,
    provider,
    processor,
    propagator: createPropagator(['tracecontext', 'baggage']),
    memory: undefined,
    budget: 1000,
    onShutdown: undefined,
  });
}
