/**
 * Tiny benchmark harness: runs each variant in alternating rounds (so machine noise hits all of
 * them alike), keeps the per-round time per call, and reports medians and ratios against a
 * baseline measured in the same run.
 */

const { performance } = require('node:perf_hooks');

/**
 * @param {Record<string, () => unknown | Promise<unknown>>} variants name → one call
 * @param {{ rounds?: number, iterations?: number, warmup?: number }} options
 * @returns {Promise<Record<string, number>>} median nanoseconds per call, by variant
 */
async function measure(variants, { rounds = 15, iterations = 20_000, warmup = 2 } = {}) {
  const names = Object.keys(variants);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds + warmup; round++) {
    // rotate the order every round so no variant always runs first
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const fn = variants[name];
      const start = performance.now();
      for (let i = 0; i < iterations; i++) {
        const r = fn();
        if (r !== undefined && typeof r.then === 'function') await r;
      }
      const ns = ((performance.now() - start) * 1e6) / iterations;
      if (round >= warmup) samples[name].push(ns);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])]));
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Prints `name  ratio` lines against `baseline` and returns the ratios. */
function report(title, results, baseline) {
  const base = results[baseline];
  const ratios = {};
  console.log(`\n${title}`);
  for (const [name, ns] of Object.entries(results)) {
    ratios[name] = ns / base;
    console.log(`  ${name.padEnd(48)} ratio ${(ns / base).toFixed(3)}  (${(ns / 1000).toFixed(2)} µs/call)`);
  }
  return ratios;
}

module.exports = { measure, report };
