/**
 * A fixed-size ring of the most recent log lines, exactly as written to the outputs (the JSON or
 * ECS line, before any pretty-printing), filled by the logger's destination. Storing is one array
 * write of the string pino already built; lines are parsed only when somebody reads them (the
 * live dashboard). Give it to `createLogger` (`options.recentLines`).
 *
 * @example
 * const lines = new LineRing(2000);
 * const logger = createLogger(config.logging, resource, { recentLines: lines });
 * lines.toArray(); // oldest first, each ending in "\n"
 */
export class LineRing {
  /** Lines kept at most. */
  readonly capacity: number;
  private readonly _items: Array<string | undefined>;
  private _next = 0;
  private _total = 0;

  constructor(capacity = 2000) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1_000_000)
      throw new Error(`LineRing capacity must be a whole number in 1..1000000, got ${String(capacity)}`);
    this.capacity = capacity;
    this._items = new Array(capacity);
  }

  /** Keeps `line`, dropping the oldest when full. Never throws. */
  push(line: string): void {
    this._items[this._next] = line;
    this._next = this._next + 1 === this.capacity ? 0 : this._next + 1;
    this._total++;
  }

  /** Lines stored since creation; a reader remembers it to fetch only newer ones. */
  get total(): number {
    return this._total;
  }

  /** Lines currently kept. */
  get size(): number {
    return Math.min(this._total, this.capacity);
  }

  /** The kept lines, oldest first; with `since` (a former `total`), only the lines stored after it. */
  toArray(since = 0): string[] {
    const n = Math.min(this.size, Math.max(0, this._total - since));
    const out: string[] = new Array(n);
    const first = this._total - n;
    for (let i = 0; i < n; i++) out[i] = this._items[(first + i) % this.capacity] as string;
    return out;
  }

  /** Forgets every line. */
  clear(): void {
    this._items.fill(undefined);
    this._next = 0;
    this._total = 0;
  }
}
