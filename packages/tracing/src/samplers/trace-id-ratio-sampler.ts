import type { Context } from '@opentelemetry/api';
import { type Sampler, SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace';

const SAMPLED: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED });
const DROPPED: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });

/** Hex digit value by char code (`0-9`, `a-f`, `A-F`), -1 for anything else. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let c = 48; c <= 57; c++) NIBBLE[c] = c - 48;
for (let c = 97; c <= 102; c++) NIBBLE[c] = c - 87;
for (let c = 65; c <= 70; c++) NIBBLE[c] = c - 55;

/**
 * The SDK's `TraceIdRatioBasedSampler`, decision for decision (same XOR of the four 32-bit words of
 * the trace id against the same bound; invalid or all-zero ids are not sampled), in one pass over
 * the id and without allocating a result per call. The SDK version walks the id twice (validation,
 * then accumulation) and returns a new object each time: ~0.38 µs of every root span in the HTTP
 * bench's profile.
 */
export class TraceIdRatioSampler implements Sampler {
  private readonly _ratio: number;
  private readonly _upperBound: number;

  constructor(ratio: number) {
    this._ratio = typeof ratio !== 'number' || Number.isNaN(ratio) ? 0 : Math.min(1, Math.max(0, ratio));
    this._upperBound = this._ratio === 1 ? 0x100000000 : Math.floor(this._ratio * 0xffffffff);
  }

  shouldSample(_context: Context, traceId: string): SamplingResult {
    if (typeof traceId !== 'string' || traceId.length !== 32) return DROPPED;
    let accumulation = 0;
    let any = 0;
    for (let word = 0; word < 32; word += 8) {
      let part = 0;
      for (let i = word; i < word + 8; i++) {
        const c = traceId.charCodeAt(i);
        const v = c < 128 ? (NIBBLE[c] as number) : -1;
        if (v < 0) return DROPPED;
        part = (part << 4) | v;
        any |= v;
      }
      accumulation = (accumulation ^ part) >>> 0;
    }
    if (any === 0) return DROPPED; // the invalid all-zero id
    return accumulation < this._upperBound ? SAMPLED : DROPPED;
  }

  toString(): string {
    return `TraceIdRatioBased{${this._ratio}}`;
  }
}
