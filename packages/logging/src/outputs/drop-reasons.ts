import type { LogDropReason } from '../types';

/** Drops of one output by reason; `total` is their sum. */
export class DropCounts {
  total = 0;
  private readonly _by: Partial<Record<LogDropReason, number>> = {};

  add(reason: LogDropReason, n = 1): void {
    this.total += n;
    this._by[reason] = (this._by[reason] ?? 0) + n;
  }

  /** Only the reasons that happened. */
  byReason(): Readonly<Partial<Record<LogDropReason, number>>> {
    return { ...this._by };
  }
}
