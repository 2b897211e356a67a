import * as dc from 'node:diagnostics_channel';
import { context, type Span, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { InstrumentationBase, type InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Instrumentation scope version (kept in step with package.json). */
const VERSION = '0.1.0';

/** The tracing channel fastify ≥ 5 publishes around every route handler. */
const START = 'tracing:fastify.request.handler:start';
const ERROR = 'tracing:fastify.request.handler:error';

/** What fastify puts in the channel message (lib/handle-request.js). */
interface HandlerStore {
  readonly route?: { readonly url?: unknown; readonly method?: unknown };
  readonly error?: unknown;
}

/**
 * Fastify routes for the http instrumentation's SERVER span, without patching fastify: it reads
 * the `fastify.request.handler` tracing channel (fastify ≥ 5), sets the route template on the
 * request's RPC metadata — the http instrumentation then sets `http.route` and names the span
 * `GET /items/:id` — and records a handler's error on that span.
 *
 * It replaces `@fastify/otel`, which has no release on OpenTelemetry JS 3.x (its hook and handler
 * child spans are not reproduced: the SERVER span carries the route and the error). Loading order
 * does not matter: a channel works whenever fastify is loaded.
 */
/** SERVER span per handler invocation, for the error channel (which may run in another context). */
const spans = new WeakMap<object, Span>();

function onStart(message: unknown): void {
  const store = message as HandlerStore;
  const url = store.route?.url;
  if (typeof url !== 'string') return;
  const active = context.active();
  const rpc = getRPCMetadata(active);
  if (rpc?.type === RPCType.HTTP) rpc.route = url;
  const span = trace.getSpan(active);
  if (span !== undefined && span.isRecording()) spans.set(store as object, span);
}

function onError(message: unknown): void {
  const store = message as HandlerStore;
  const span = spans.get(store as object);
  if (span === undefined || !(store.error instanceof Error)) return;
  span.recordException(store.error);
}

export class FastifyRouteInstrumentation extends InstrumentationBase {
  // `declare`: InstrumentationBase's constructor calls enable() before field initialisers would
  // run, and an initialiser would then reset the flag.
  declare private subscribed: boolean | undefined;

  constructor(config: InstrumentationConfig = {}) {
    super('@otelkit/fastify-routes', VERSION, config);
  }

  protected init() {
    return [];
  }

  override enable(): void {
    if (this.subscribed === true) return;
    this.subscribed = true;
    dc.subscribe(START, onStart);
    dc.subscribe(ERROR, onError);
  }

  override disable(): void {
    if (this.subscribed !== true) return;
    this.subscribed = false;
    dc.unsubscribe(START, onStart);
    dc.unsubscribe(ERROR, onError);
  }
}
