/**
 * The `q` quantile (0..1) of an explicit-bucket histogram, interpolated linearly inside the bucket
 * that holds it (what Prometheus' `histogram_quantile` does), with two refinements for the coarse
 * default buckets:
 *
 * - the lowest and highest non-empty buckets are narrowed to the histogram's `min` / `max` when
 *   those fall inside them;
 * - when every value is in one bucket and `sum` is known, the bucket's mean is known too, and the
 *   values above the lower edge are read as exponentially distributed with that mean (latency
 *   tails are), instead of uniformly spread up to the one slowest value. A 100 ms route — every
 *   request in (0.1, 0.25] — then reads p95 ≈ 0.1 s + 3 × (mean − 0.1 s), not 0.24 s, and one
 *   outlier at 0.2 s does not drag the p95 with it.
 *
 * `null` when empty.
 *
 * @param counts per bucket, `boundaries.length + 1` of them (the last is `(last boundary, +Inf)`)
 */
export function histogramQuantile(
  q: number,
  boundaries: readonly number[],
  counts: ArrayLike<number>,
  min = Number.NaN,
  max = Number.NaN,
  sum = Number.NaN,
): number | null {
  let total = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number;
    if (c > 0) {
      total += c;
      if (first === -1) first = i;
      last = i;
    }
  }
  if (total <= 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let before = 0;
  let i = first;
  for (; i <= last; i++) {
    const c = counts[i] as number;
    if (c > 0 && before + c >= rank) break;
    before += c;
  }
  if (i > last) i = last;
  let lower = i === 0 ? 0 : (boundaries[i - 1] as number);
  let upper = i < boundaries.length ? (boundaries[i] as number) : Number.isFinite(max) ? max : lower;
  if (i === first && Number.isFinite(min) && min >= lower && min <= upper) lower = min;
  if (i === last && Number.isFinite(max) && max >= lower && max <= upper) upper = max;
  const c = counts[i] as number;
  if (first === last && Number.isFinite(sum)) {
    const mean = sum / total;
    if (mean > lower && mean <= upper) {
      const p = Math.min(Math.max(q, 0), 1);
      const v = p >= 1 ? upper : lower + (mean - lower) * -Math.log1p(-p);
      return Math.min(Math.max(v, lower), upper);
    }
  }
  const within = c > 0 ? (rank - before) / c : 1;
  return lower + (upper - lower) * Math.min(Math.max(within, 0), 1);
}
