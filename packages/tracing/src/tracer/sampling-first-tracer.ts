import {
  type Context,
  context,
  type Span,
  SpanKind,
  type SpanOptions,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import {
  type IdGenerator,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  TracerProvider as SdkTracerProvider,
  type TracerProviderOptions,
} from '@opentelemetry/sdk-trace';

const NO_LINKS: never[] = [];

/**
 * The provider's sampler and id generator, shared with {@link SamplingFirstTracer}: the tracer
 * decides first, then hands the trace id and the decision it already made to the SDK, which would
 * otherwise draw a new trace id and ask the sampler again.
 */
export class SamplingHandoff implements Sampler, IdGenerator {
  private _traceId: string | undefined;
  private _result: SamplingResult | undefined;

  constructor(
    readonly sampler: Sampler,
    readonly ids: IdGenerator,
  ) {}

  /** The next `generateTraceId()` / `shouldSample()` of the SDK return these (one span). */
  preset(traceId: string | undefined, result: SamplingResult): void {
    this._traceId = traceId;
    this._result = result;
  }

  clear(): void {
    this._traceId = undefined;
    this._result = undefined;
  }

  shouldSample(
    ctx: Context,
    traceId: string,
    name: string,
    kind: SpanKind,
    attributes: Parameters<Sampler['shouldSample']>[4],
    links: Parameters<Sampler['shouldSample']>[5],
  ): SamplingResult {
    const result = this._result;
    if (result !== undefined) {
      this._result = undefined;
      return result;
    }
    return this.sampler.shouldSample(ctx, traceId, name, kind, attributes, links);
  }

  generateTraceId(): string {
    const id = this._traceId;
    if (id !== undefined) {
      this._traceId = undefined;
      return id;
    }
    return this.ids.generateTraceId();
  }

  generateSpanId(): string {
    return this.ids.generateSpanId();
  }

  toString(): string {
    return this.sampler.toString();
  }
}

/**
 * A tracer that asks the sampler before the SDK sees the span. A span the sampler drops (90 % of
 * roots at a 0.1 ratio, and every child of an unsampled parent) is a non-recording span made here
 * from its ids — what the SDK's `startSpan` returns for it too, minus the SDK's work before the
 * decision (attribute cleaning of the start attributes, span-metrics bookkeeping, ~19k instructions
 * per span in the HTTP bench). A sampled span is built by the SDK itself, with the same trace id and
 * the decision already made (the sampler runs once per span either way).
 */
export class SamplingFirstTracer implements Tracer {
  constructor(
    private readonly _sdk: Tracer,
    private readonly _handoff: SamplingHandoff,
  ) {}

  /** The configured sampler, where the SDK's Tracer keeps it (diagnostics and tests read it). */
  get _sampler(): Sampler {
    return this._handoff.sampler;
  }

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = context.active()): Span {
    if (options.root) ctx = trace.deleteSpan(ctx);
    // The SDK's own answer for a suppressed context (an invalid non-recording span).
    if (isTracingSuppressed(ctx)) return this._sdk.startSpan(name, options, ctx);
    const handoff = this._handoff;
    const parent = trace.getSpanContext(ctx);
    const root = parent === undefined || !trace.isSpanContextValid(parent);
    const traceId = root ? handoff.ids.generateTraceId() : parent.traceId;
    const result = handoff.sampler.shouldSample(
      ctx,
      traceId,
      name,
      options.kind ?? SpanKind.INTERNAL,
      options.attributes ?? {},
      options.links ?? NO_LINKS,
    );
    if (result.decision === SamplingDecision.NOT_RECORD) {
      return trace.wrapSpanContext({
        traceId,
        spanId: handoff.ids.generateSpanId(),
        traceFlags: TraceFlags.NONE,
        traceState: result.traceState ?? (root ? undefined : parent.traceState),
      });
    }
    handoff.preset(root ? traceId : undefined, result);
    try {
      return this._sdk.startSpan(name, options, ctx);
    } finally {
      handoff.clear();
    }
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...args: unknown[]
  ): ReturnType<F> | undefined {
    // (fn) | (options, fn) | (options, context, fn), as the SDK's
    const fn = args[args.length - 1] as ((s: Span) => ReturnType<F>) | undefined;
    if (typeof fn !== 'function') return undefined;
    const options = args.length >= 2 ? (args[0] as SpanOptions | undefined) : undefined;
    const parent = (args.length >= 3 ? (args[1] as Context | undefined) : undefined) ?? context.active();
    const span = this.startSpan(name, options, parent);
    return context.with(trace.setSpan(parent, span), fn, undefined, span);
  }
}

/**
 * The SDK's TracerProvider whose tracers are {@link SamplingFirstTracer}s over the SDK's own
 * (one per name, version and schema URL, as the SDK caches them).
 */
export class SamplingFirstTracerProvider extends SdkTracerProvider {
  private readonly _handoff: SamplingHandoff;
  private readonly _fastTracers = new Map<string, Tracer>();

  constructor(config: TracerProviderOptions & { sampler: Sampler; idGenerator: IdGenerator }) {
    const handoff = new SamplingHandoff(config.sampler, config.idGenerator);
    super({ ...config, sampler: handoff, idGenerator: handoff });
    this._handoff = handoff;
  }

  override getTracer(name: string, version?: string, options?: { schemaUrl?: string }): Tracer {
    const key = `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`;
    let tracer = this._fastTracers.get(key);
    if (tracer === undefined) {
      tracer = new SamplingFirstTracer(super.getTracer(name, version, options), this._handoff);
      this._fastTracers.set(key, tracer);
    }
    return tracer;
  }
}
