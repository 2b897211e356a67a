/** Shared helpers of the resource-manager benches: package-relative require, medians, alternation. */
const path = require('node:path');

const PKG = path.resolve(__dirname, '../../packages/resource-manager');
const req = (name) => require(require.resolve(name, { paths: [PKG] }));
const rm = () => require(path.join(PKG, 'dist'));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Runs baseline and subject alternately `rounds` times; returns the medians (ns per op). */
async function alternate(rounds, baseline, subject) {
  const b = [];
  const s = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      b.push(await baseline());
      s.push(await subject());
    } else {
      s.push(await subject());
      b.push(await baseline());
    }
  }
  return { baseline: median(b), subject: median(s) };
}

module.exports = { PKG, req, rm, median, alternate };
