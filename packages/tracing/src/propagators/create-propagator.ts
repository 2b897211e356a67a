import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import type { PropagatorName } from '@otelkit/config';
import { JaegerPropagator } from './jaeger-propagator';

/**
 * Builds one composite propagator from names, in order: `tracecontext` (W3C `traceparent`),
 * `baggage` (W3C), `b3` (single `b3` header), `b3multi` (`X-B3-*` headers), `jaeger`
 * (`uber-trace-id`). Extraction tries each in order; injection writes all.
 *
 * @example
 * createPropagator(['tracecontext', 'baggage', 'b3']);
 * The names are a normalised slice's (`normalizeTracing` checked them).
 */
export function createPropagator(names: readonly PropagatorName[]): TextMapPropagator {
  const propagators: TextMapPropagator[] = [];
  names.forEach((name, i) => {
    switch (name) {
      case 'tracecontext':
        propagators.push(new W3CTraceContextPropagator());
        break;
      case 'baggage':
        propagators.push(new W3CBaggagePropagator());
        break;
      case 'b3':
        propagators.push(new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }));
        break;
      case 'b3multi':
        propagators.push(new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }));
        break;
      case 'jaeger':
        propagators.push(new JaegerPropagator());
        break;
      default: {
        const unknown: never = name;
        throw new Error(
          `tracing.propagators[${i}]: ${JSON.stringify(unknown)} is not a value of a normalised tracing slice`,
        );
      }
    }
  });
  return new CompositePropagator({ propagators });
}
