import { BUILTIN_METRICS, flattenStats, unflattenStats } from '../collectors/builtin-metrics';
import type { SystemStats } from '../types';

const WIDTH = BUILTIN_METRICS.length;

/**
 * Sampled {@link SystemStats} kept column-wise in one Float64Array: `capacity × 34 × 8` bytes
 * plus 8 per timestamp (3 600 samples ≈ 1 MB), allocated in steps as the history fills.
 */
export class SampleHistory {
  private _ts: Float64Array;
  private _values: Float64Array;
  private _head = 0;
  private _size = 0;

  constructor(readonly capacity: number) {
    const initial = Math.min(capacity, 64);
    this._ts = new Float64Array(initial);
    this._values = new Float64Array(initial * WIDTH);
  }

  get size(): number {
    return this._size;
  }

  push(stats: SystemStats): void {
    if (this._size === this._ts.length && this._ts.length < this.capacity) this._grow();
    let slot: number;
    if (this._size < this._ts.length) {
      slot = (this._head + this._size) % this._ts.length;
      this._size++;
    } else {
      slot = this._head;
      this._head = (this._head + 1) % this._ts.length;
    }
    this._ts[slot] = stats.timestampMillis;
    flattenStats(stats, this._values, slot * WIDTH);
  }

  private _grow(): void {
    const len = Math.min(this.capacity, this._ts.length * 2);
    const ts = new Float64Array(len);
    const values = new Float64Array(len * WIDTH);
    for (let k = 0; k < this._size; k++) {
      const i = (this._head + k) % this._ts.length;
      ts[k] = this._ts[i]!;
      values.set(this._values.subarray(i * WIDTH, (i + 1) * WIDTH), k * WIDTH);
    }
    this._ts = ts;
    this._values = values;
    this._head = 0;
  }

  /** Whole samples at or after `since`, oldest first. */
  samplesSince(since: number): SystemStats[] {
    const out: SystemStats[] = [];
    const len = this._ts.length;
    for (let k = 0; k < this._size; k++) {
      const i = (this._head + k) % len;
      if (this._ts[i]! >= since) out.push(unflattenStats(this._ts[i]!, this._values, i * WIDTH));
    }
    return out;
  }

  /** One column, oldest first. */
  forEachSince(column: number, since: number, fn: (timestamp: number, value: number) => void): void {
    const len = this._ts.length;
    for (let k = 0; k < this._size; k++) {
      const i = (this._head + k) % len;
      const t = this._ts[i]!;
      if (t >= since) fn(t, this._values[i * WIDTH + column]!);
    }
  }

  get byteLength(): number {
    return this._ts.byteLength + this._values.byteLength;
  }
}
