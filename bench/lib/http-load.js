/**
 * The HTTP side of the callgrind benches (bench/metrics/http-callgrind.bench.js,
 * bench/dashboard/http-callgrind.bench.js): a server script started under callgrind, printing its
 * port on stdout, driven with `n` keep-alive GETs, then stopped with SIGTERM; its instruction
 * total is what the bench differences between two `n`.
 */
const http = require('node:http');
const { startUnderCallgrind } = require('./callgrind');

/** `n` GET `path` over `connections` keep-alive connections, each one request at a time; resolves with the failures. */
async function drive(port, n, { connections = 10, path = '/users/42' } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let left = n;
  let failed = 0;
  const one = () =>
    new Promise((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path, agent }, (res) => {
          if (res.statusCode !== 200) failed++;
          res.resume();
          res.on('end', resolve);
        })
        .on('error', () => {
          failed++;
          resolve();
        });
    });
  const loop = async () => {
    while (left > 0) {
      left--;
      await one();
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  agent.destroy();
  return failed;
}

/**
 * Starts `node <args>` under callgrind, waits for the port it prints, drives `n` requests, runs
 * `after(port)` (if given) before stopping it, and resolves with { total, failed, extra }.
 */
async function serverInstructions(args, n, { env, node, connections, path, after } = {}) {
  const run = startUnderCallgrind(args, { ...(env ? { env } : {}), ...(node ? { node } : {}) });
  const port = await new Promise((resolve, reject) => {
    run.child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    run.exited.then(() => reject(new Error(`${args.join(' ')} exited before listening`)), reject);
  });
  const failed = await drive(port, n, { connections, path });
  const extra = after ? await after(port) : undefined;
  run.child.kill('SIGTERM');
  const total = await run.exited;
  return { total, failed, extra };
}

/** GET `path` on 127.0.0.1:`port` and parse the body as JSON. */
const getJson = (port, path) =>
  new Promise((resolve, reject) =>
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(JSON.parse(body)));
      })
      .on('error', reject),
  );

module.exports = { drive, serverInstructions, getJson };
