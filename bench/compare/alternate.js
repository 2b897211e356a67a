/**
 * Alternating rounds for bench/compare: each round runs every variant once (order rotated round by
 * round), after `warmup` discarded rounds. Reports per variant the median ns per op and the median
 * of the per-round ratios against the first variant (ratio = baseline time / variant time, so
 * > 1 means faster than the baseline). On a shared machine only the ratios mean something.
 */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `variants`: [{ name, run(n) }] where run does n ops (sync or async) and returns nothing. */
async function alternate(variants, { ops, rounds = 15, warmup = 2 }) {
  const times = variants.map(() => []);
  for (let r = 0; r < warmup + rounds; r++) {
    const order = variants.map((_, i) => (i + r) % variants.length);
    const round = [];
    for (const i of order) {
      const t = process.hrtime.bigint();
      await variants[i].run(ops);
      round[i] = Number(process.hrtime.bigint() - t);
    }
    if (r >= warmup) {
      for (let i = 0; i < round.length; i++) times[i].push(round[i]);
    }
  }
  return variants.map((v, i) => ({
    name: v.name,
    nsPerOp: median(times[i]) / ops,
    ratio: median(times[i].map((ns, k) => times[0][k] / ns)),
  }));
}

function print(title, results) {
  console.log(title);
  console.log('  variant                                        ns/op   ratio vs first');
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(44)} ${r.nsPerOp.toFixed(1).padStart(8)}   ${r.ratio.toFixed(3).padStart(8)}`,
    );
  }
}

module.exports = { alternate, median, print };
