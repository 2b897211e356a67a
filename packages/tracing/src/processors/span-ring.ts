import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { BoundedRing } from '@otelkit/config';

/**
 * A fixed-size ring of the most recently ended (sampled) spans, filled by the tracing handle's
 * processor when each span ends, outside the export queue. Storing is one array write (the span
 * object itself is kept, nothing is copied), so it costs the same whether anybody reads it or
 * not; the live dashboard reads it on demand. The SDK's providers take their processors only at
 * construction, which is why the ring is given to `createTracing`.
 *
 * @example
 * const spans = new SpanRing(2000);
 * const tracing = createTracing(config.tracing, resource, { recentSpans: spans });
 * spans.toArray(); // oldest first
 */
export class SpanRing extends BoundedRing<ReadableSpan> {
  constructor(capacity = 2000) {
    super(capacity, 'SpanRing');
  }
}
