import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import type { PropagatorName } from '@otelkit/config';
import { JaegerPropagator } from './jaeger-propagator';

const PROPAGATOR_NAMES: readonly PropagatorName[] = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger'];

/**
 * Builds one composite propagator from names, in order: `tracecontext` (W3C `traceparent`),
 * `baggage` (W3C), `b3` (single `b3` header), `b3multi` (`X-B3-*` headers), `jaeger`
 * (`uber-trace-id`). Extraction tries each in order; injection writes all.
 *
 * @example
 * createPropagator(['tracecontext', 'baggage', 'b3']);
 * @throws Error naming `tracing.propagators[i]` for an unknown name.
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
      default:
        throw new Error(
          `tracing.propagators[${i}] must be one of ${PROPAGATOR_NAMES.join(', ')}; got ${JSON.stringify(name)}`,
        );
    }
  });
  return new CompositePropagator({ propagators });
}
