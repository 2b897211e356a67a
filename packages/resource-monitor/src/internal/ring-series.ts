/**
 * A bounded (timestamp, value) ring for one metric. Storage starts small and doubles until it
 * reaches `capacity`, then the oldest point is overwritten: 16 bytes per point at most.
 */
export class RingSeries {
  private _ts: Float64Array;
  private _vs: Float64Array;
  private _head = 0; // index of the oldest point
  private _size = 0;

  constructor(readonly capacity: number) {
    const initial = Math.min(capacity, 64);
    this._ts = new Float64Array(initial);
    this._vs = new Float64Array(initial);
  }

  get size(): number {
    return this._size;
  }

  push(timestamp: number, value: number): void {
    if (this._size < this._ts.length) {
      const i = (this._head + this._size) % this._ts.length;
      this._ts[i] = timestamp;
      this._vs[i] = value;
      this._size++;
      return;
    }
    if (this._ts.length < this.capacity) {
      this._grow();
      this.push(timestamp, value);
      return;
    }
    this._ts[this._head] = timestamp;
    this._vs[this._head] = value;
    this._head = (this._head + 1) % this._ts.length;
  }

  private _grow(): void {
    const len = Math.min(this.capacity, this._ts.length * 2);
    const ts = new Float64Array(len);
    const vs = new Float64Array(len);
    for (let k = 0; k < this._size; k++) {
      const i = (this._head + k) % this._ts.length;
      ts[k] = this._ts[i]!;
      vs[k] = this._vs[i]!;
    }
    this._ts = ts;
    this._vs = vs;
    this._head = 0;
  }

  /** Calls `fn` for every point at or after `since`, oldest first. */
  forEachSince(since: number, fn: (timestamp: number, value: number) => void): void {
    const len = this._ts.length;
    for (let k = 0; k < this._size; k++) {
      const i = (this._head + k) % len;
      const t = this._ts[i]!;
      if (t >= since) fn(t, this._vs[i]!);
    }
  }

  last(): { timestamp: number; value: number } | undefined {
    if (this._size === 0) return undefined;
    const i = (this._head + this._size - 1) % this._ts.length;
    return { timestamp: this._ts[i]!, value: this._vs[i]! };
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    return this._ts.byteLength + this._vs.byteLength;
  }
}
