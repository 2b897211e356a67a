import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import { TraceIdRatioSampler } from '../../src';

describe('TraceIdRatioSampler', () => {
  const ids: string[] = [];
  for (let i = 0; i < 50_000; i++) {
    const hex = randomBytes(16).toString('hex');
    ids.push(
      i % 7 === 0 ? hex.toUpperCase() : i % 11 === 0 ? hex.slice(0, 5).toUpperCase() + hex.slice(5) : hex,
    );
  }
  // Ids the SDK does not sample whatever the ratio, and edge cases of the bound.
  const odd = [
    '0'.repeat(32),
    '0'.repeat(31) + '1',
    'f'.repeat(32),
    'F'.repeat(32),
    `${'a'.repeat(31)}g`,
    `${'a'.repeat(31)}-`,
    `${'a'.repeat(31)}ä`,
    'a'.repeat(31),
    'a'.repeat(33),
    '',
    `${'0'.repeat(24)}ffffffff`,
    123 as unknown as string,
    undefined as unknown as string,
  ];

  it.each([0, 1e-6, 0.001, 0.1, 0.25, 0.5, 0.999, 1, -1, 2, Number.NaN])(
    'decides exactly as the SDK TraceIdRatioBasedSampler at ratio %p',
    (ratio) => {
      const ours = new TraceIdRatioSampler(ratio);
      const sdk = new TraceIdRatioBasedSampler(ratio);
      let differ = 0;
      let sampled = 0;
      for (const id of [...ids, ...odd]) {
        const a = ours.shouldSample(ROOT_CONTEXT, id).decision;
        const b = sdk.shouldSample(ROOT_CONTEXT, id).decision;
        if (a !== b) differ++;
        if (a === SamplingDecision.RECORD_AND_SAMPLED) sampled++;
      }
      expect(differ).toBe(0);
      expect(ours.toString()).toBe(sdk.toString());
      if (ratio === 0.1) expect(Math.abs(sampled / ids.length - 0.1)).toBeLessThan(0.007); // ±5 σ
    },
  );

  it('never samples an invalid id, even at ratio 1', () => {
    const all = new TraceIdRatioSampler(1);
    for (const id of ['0'.repeat(32), `${'a'.repeat(31)}g`, 'a'.repeat(31), 42 as unknown as string]) {
      expect(all.shouldSample(ROOT_CONTEXT, id).decision).toBe(SamplingDecision.NOT_RECORD);
    }
    expect(all.shouldSample(ROOT_CONTEXT, 'a'.repeat(32)).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });
});
