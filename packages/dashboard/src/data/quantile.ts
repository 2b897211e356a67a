/**
 * The `q` quantile (0..1) of an explicit-bucket histogram. Like Prometheus' `histogram_quantile`
 * it finds the bucket holding the rank and places the value inside it, with two refinements for
 * the coarse default buckets (a 100 ms route puts every request in (0.1, 0.25]):
 *
 * - the lowest and highest non-empty buckets are narrowed to the histogram's `min` / `max` when
 *   those fall inside them;
 * - with `sum` known, the holding bucket's mean is estimated (the sum minus the other buckets at
 *   their midpoints; exact when it is the only non-empty one). A mean in the lower half of the
 *   bucket means the values crowd its lower edge, as latencies do: they are read as an
 *   exponential from the lower edge with that mean, truncated at the upper edge, instead of
 *   uniformly spread. Otherwise the interpolation is linear.
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
  const edges = (i: number): [number, number] => {
    let lower = i === 0 ? 0 : (boundaries[i - 1] as number);
    let upper = i < boundaries.length ? (boundaries[i] as number) : Number.isFinite(max) ? max : lower;
    if (i === first && Number.isFinite(min) && min >= lower && min <= upper) lower = min;
    if (i === last && Number.isFinite(max) && max >= lower && max <= upper) upper = max;
    return [lower, upper];
  };
  const p = Math.min(Math.max(q, 0), 1);
  const rank = p * total;
  let before = 0;
  let i = first;
  for (; i <= last; i++) {
    const c = counts[i] as number;
    if (c > 0 && before + c >= rank) break;
    before += c;
  }
  if (i > last) i = last;
  const [lower, upper] = edges(i);
  const c = counts[i] as number;
  const within = c > 0 ? Math.min(Math.max((rank - before) / c, 0), 1) : 1;
  if (upper <= lower) return lower;
  if (Number.isFinite(sum)) {
    let others = 0;
    for (let j = first; j <= last; j++) {
      const cj = counts[j] as number;
      if (j === i || cj <= 0) continue;
      const [a, b] = edges(j);
      others += cj * ((a + b) / 2);
    }
    const mean = Math.min(Math.max((sum - others) / c, lower), upper);
    const scale = mean - lower;
    if (scale > 0 && mean < (lower + upper) / 2) {
      // Truncated exponential on [lower, upper] with (about) that mean.
      const tail = 1 - Math.exp(-(upper - lower) / scale);
      return Math.min(lower - scale * Math.log1p(-within * tail), upper);
    }
  }
  return lower + (upper - lower) * within;
}
