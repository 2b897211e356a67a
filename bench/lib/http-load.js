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
 * Starts `node <nodeArgs> <args>` under callgrind, waits for the port it prints (a line of digits
 * on stdout), drives `n` requests, runs `after(port)` (if given) before stopping it, and resolves
 * with { total, failed, extra, gc }. `gc` counts the `--trace-gc` lines the process printed on
 * stdout (pass `--trace-gc` in `nodeArgs`): { scavenges, marks } (marks = Mark-Compact /
 * Mark-Sweep, the major collections).
 */
async function serverInstructions(args, n, { env, node, connections, path, after, nodeArgs = [] } = {}) {
  const run = startUnderCallgrind([...nodeArgs, ...args], {
    ...(env ? { env } : {}),
    ...(node ? { node } : {}),
  });
  const gc = { scavenges: 0, marks: 0 };
  let buffered = '';
  let onPort;
  const port = new Promise((resolve, reject) => {
    onPort = resolve;
    run.exited.then(() => reject(new Error(`${args.join(' ')} exited before listening`)), reject);
  });
  const line = (l) => {
    if (/^\d+$/.test(l.trim())) onPort?.(Number(l.trim()));
    else if (/Scavenge/.test(l)) gc.scavenges++;
    else if (/Mark-Compact|Mark-Sweep|Mark-sweep/.test(l)) gc.marks++;
  };
  const stdoutDone = new Promise((resolve) => run.child.stdout.once('close', resolve));
  run.child.stdout.setEncoding('utf8');
  run.child.stdout.on('data', (d) => {
    buffered += d;
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const l of lines) line(l);
  });
  const failed = await drive(await port, n, { connections, path });
  const extra = after ? await after(await port) : undefined;
  run.child.kill('SIGTERM');
  const total = await run.exited;
  await stdoutDone;
  if (buffered) line(buffered);
  return { total, failed, extra, gc };
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
