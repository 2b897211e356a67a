import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import type { SamplerConfig } from '@otelkit/config';
import { TraceIdRatioSampler } from './trace-id-ratio-sampler';

/**
 * Builds the SDK sampler for a normalised sampler config (`OTEL_TRACES_SAMPLER` names). The ratio
 * samplers use {@link TraceIdRatioSampler}: the SDK's decisions, cheaper.
 * The `parentbased_*` samplers make children follow their parent's decision; only roots
 * are sampled by the inner sampler.
 *
 * @example
 * createSampler({ type: 'parentbased_traceidratio', ratio: 0.1 }); // ~10 % of root traces
 * The config is the normalised slice's (`normalizeTracing` checked the name and the ratio).
 */
export function createSampler(config: SamplerConfig): Sampler {
  const { type, ratio } = config;
  switch (type) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    default:
      return new ParentBasedSampler({ root: new TraceIdRatioSampler(ratio) });
  }
}
