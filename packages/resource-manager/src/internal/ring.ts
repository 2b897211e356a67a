/** A fixed-size ring of (timestamp, value) points, oldest overwritten first. */
export class Ring {
  private readonly _t: Float64Array;
  private readonly _v: Float64Array;
  private _start = 0;
  private _size = 0;

  constructor(readonly capacity: number) {
    this._t = new Float64Array(capacity);
    this._v = new Float64Array(capacity);
  }

  get size(): number {
    return this._size;
  }

  push(timestamp: number, value: number): void {
    const i = (this._start + this._size) % this.capacity;
    this._t[i] = timestamp;
    this._v[i] = value;
    if (this._size < this.capacity) this._size++;
    else this._start = (this._start + 1) % this.capacity;
  }

  /** Points with `from <= timestamp <= to`, oldest first. */
  between(from: number, to: number): Array<{ timestamp: number; value: number }> {
    const out: Array<{ timestamp: number; value: number }> = [];
    for (let k = 0; k < this._size; k++) {
      const i = (this._start + k) % this.capacity;
      const t = this._t[i]!;
      if (t >= from && t <= to) out.push({ timestamp: t, value: this._v[i]! });
    }
    return out;
  }

  last(): number | undefined {
    if (this._size === 0) return undefined;
    return this._v[(this._start + this._size - 1) % this.capacity];
  }
}
