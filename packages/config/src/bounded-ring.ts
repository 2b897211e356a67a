/**
 * A fixed-size ring of the most recent items: storing is one array write (the item itself is
 * kept, nothing is copied), the oldest is dropped when full, and readers ask for what came after
 * the `total` they last saw. Behind the logging package's `LineRing` (what the live dashboard
 * reads); the tracing package's `SpanRing` copies spans into slots of its own instead, since a
 * kept span object keeps its whole graph alive.
 *
 * @example
 * const ring = new BoundedRing<string>(3, 'LineRing');
 * ring.push('a'); ring.push('b');
 * ring.toArray(); // ['a', 'b']
 */
export class BoundedRing<T> {
  /** Items kept at most. */
  readonly capacity: number;
  private readonly _items: Array<T | undefined>;
  private _next = 0;
  private _total = 0;

  /** @throws Error naming `name` when `capacity` is not a whole number in 1..1 000 000. */
  constructor(capacity = 2000, name = 'BoundedRing') {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1_000_000)
      throw new Error(`${name} capacity must be a whole number in 1..1000000, got ${String(capacity)}`);
    this.capacity = capacity;
    this._items = new Array(capacity);
  }

  /** Keeps `item`, dropping the oldest when full. Never throws. */
  push(item: T): void {
    this._items[this._next] = item;
    this._next = this._next + 1 === this.capacity ? 0 : this._next + 1;
    this._total++;
  }

  /** Items stored since creation (kept or since overwritten); a reader remembers it to fetch only newer ones. */
  get total(): number {
    return this._total;
  }

  /** Items currently kept. */
  get size(): number {
    return Math.min(this._total, this.capacity);
  }

  /** The kept items, oldest first; with `since` (a former `total`), only those stored after it. */
  toArray(since = 0): T[] {
    const n = Math.min(this.size, Math.max(0, this._total - since));
    const out: T[] = new Array(n);
    const first = this._total - n;
    for (let i = 0; i < n; i++) out[i] = this._items[(first + i) % this.capacity] as T;
    return out;
  }

  /** Forgets every item. */
  clear(): void {
    this._items.fill(undefined);
    this._next = 0;
    this._total = 0;
  }
}
