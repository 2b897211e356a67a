import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import { SAMPLER_NAMES, type SamplerConfig } from '@otelkit/config';
import { TraceIdRatioSampler } from './trace-id-ratio-sampler';

/**
 * Builds the SDK sampler for a normalised sampler config (`OTEL_TRACES_SAMPLER` names). The ratio
 * samplers use {@link TraceIdRatioSampler}: the SDK's decisions, cheaper.
 * The `parentbased_*` samplers make children follow their parent's decision; only roots
 * are sampled by the inner sampler.
 *
 * @example
 * createSampler({ type: 'parentbased_traceidratio', ratio: 0.1 }); // ~10 % of root traces
 * @throws Error naming `tracing.sampler.type` / `tracing.sampler.ratio` when invalid.
 */
export function createSampler(config: SamplerConfig): Sampler {
  const { type, ratio } = config;
  if (!(SAMPLER_NAMES as readonly string[]).includes(type)) {
    throw new Error(
      `tracing.sampler.type must be one of ${SAMPLER_NAMES.join(', ')}; got ${JSON.stringify(type)}`,
    );
  }
  if (type.endsWith('traceidratio') && !(typeof ratio === 'number' && ratio >= 0 && ratio <= 1)) {
    throw new Error(`tracing.sampler.ratio must be a number between 0 and 1; got ${JSON.stringify(ratio)}`);
  }
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
