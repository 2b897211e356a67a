// A hanging Elasticsearch: the official client's bulk helper (@elastic/elasticsearch 9.5.1) against
// @otelkit/logging's Elasticsearch output, each fed the same 100 log lines per 10 ms for 5 s by an
// app while the fake Elasticsearch of @otelkit/testing (127.0.0.1, port 0) reads every request and
// never answers. Each side is given a 1 s request timeout. Reported: what is held in memory, what is
// counted as dropped, and whether the shipper's own close returns.
// The client brings @opentelemetry/core 2.x (a second core), so it is installed by npm outside the
// workspace, into bench/out/compare-libs (bench/compare/isolated/package.json), on first run.
// Build first: npx tsc -b packages/logging/tsconfig.json packages/testing/tsconfig.json
//   node --expose-gc bench/compare/elasticsearch-hang.bench.js
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const libs = path.join(__dirname, '../out/compare-libs');
if (!fs.existsSync(path.join(libs, 'node_modules/@elastic/elasticsearch'))) {
  fs.mkdirSync(libs, { recursive: true });
  fs.copyFileSync(path.join(__dirname, 'isolated/package.json'), path.join(libs, 'package.json'));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: libs,
    stdio: 'ignore',
  });
}
const { Client } = require(path.join(libs, 'node_modules/@elastic/elasticsearch'));
const { createLogger } = require('../../packages/logging/dist');
const { createFakeServer } = require('../../packages/testing/dist');

const SECONDS = 5;
const PER_TICK = 100;
const doc = (i) => ({
  '@timestamp': new Date().toISOString(),
  message: `request handled ${i}`,
  i,
  pad: 'x'.repeat(200),
});
const gc = () => globalThis.gc?.();
const heapMiB = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Feeds `write(doc)` PER_TICK documents every 10 ms for SECONDS; resolves with the count. */
async function feed(write) {
  let n = 0;
  const end = Date.now() + SECONDS * 1000;
  while (Date.now() < end) {
    for (let k = 0; k < PER_TICK; k++) write(doc(n++));
    await sleep(10);
  }
  return n;
}

/** The bulk helper as a log shipper: the app pushes into a queue that the helper's datasource drains. */
async function helperRun(es) {
  const client = new Client({ node: es.url, requestTimeout: 1000, maxRetries: 3 });
  const queue = [];
  let wake;
  let closed = false;
  let dropped = 0;
  async function* datasource() {
    while (!closed || queue.length) {
      if (queue.length === 0) await new Promise((r) => (wake = r));
      while (queue.length) yield queue.shift();
    }
  }
  const heap0 = heapMiB();
  const result = client.helpers.bulk({
    datasource: datasource(),
    onDocument: () => ({ create: { _index: 'logs-cmp-default' } }),
    onDrop: () => dropped++,
    flushBytes: 1_000_000,
    flushInterval: 100,
    concurrency: 5,
    retries: 3,
  });
  const t0 = Date.now();
  let settled = 'not settled';
  result.then(
    () => {
      settled = `resolved at ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    },
    (e) => {
      settled = `rejected (${e.name}) at ${((Date.now() - t0) / 1000).toFixed(1)} s, shipping stopped`;
    },
  );
  const produced = await feed((d) => {
    queue.push(d);
    wake?.();
  });
  const heldInQueue = queue.length;
  const heap = heapMiB() - heap0;
  const whileFeeding = settled;
  closed = true;
  wake?.();
  const outcome = await Promise.race([
    result.then(
      (s) => `resolved: total ${s.total}, successful ${s.successful}, failed ${s.failed}`,
      (e) => `rejected: ${e.name}`,
    ),
    sleep(10_000).then(() => 'still pending after 10 s'),
  ]);
  await client.close().catch(() => {});
  return { produced, heldInQueue, heap, dropped, outcome: `helper ${whileFeeding}; at close: ${outcome}` };
}

async function otelkitRun(es) {
  const heap0 = heapMiB();
  const logger = createLogger(
    {
      enabled: true,
      level: 'info',
      format: 'json',
      correlation: false,
      redact: { enabled: false, paths: [], censor: '[REDACTED]' },
      outputs: [
        {
          type: 'elasticsearch',
          node: es.url,
          index: 'logs-cmp-default',
          dataStream: true,
          headers: {},
          auth: null,
          flushIntervalMillis: 100,
          maxBatchSize: 500,
          maxBufferedLines: 10_000,
          maxRetries: 3,
          timeoutMillis: 1000,
        },
      ],
    },
    undefined,
    { handleSignals: false, logUncaught: false },
  );
  const produced = await feed((d) => logger.info(d, d.message));
  const s = logger.stats().outputs.find((o) => o.type === 'elasticsearch');
  const heap = heapMiB() - heap0;
  const started = Date.now();
  const outcome = await Promise.race([
    logger.shutdown().then(() => `resolved in ${((Date.now() - started) / 1000).toFixed(1)} s`),
    sleep(10_000).then(() => 'still pending after 10 s'),
  ]);
  const f = logger.stats().outputs.find((o) => o.type === 'elasticsearch');
  return {
    produced,
    heldInQueue: s.buffered,
    heap,
    dropped: s.dropped,
    outcome: `${outcome}; then delivered ${f.delivered ?? 0} + dropped ${f.dropped} + buffered ${f.buffered}`,
  };
}

async function main() {
  console.log(
    `Hanging Elasticsearch (reads requests, never answers), ${PER_TICK} lines / 10 ms for ${SECONDS} s, 1 s request timeout, Node ${process.version}:`,
  );
  console.log(
    '  shipper                               produced   waiting in memory   heap growth   counted dropped   close',
  );
  for (const [name, run] of [
    ['@elastic/elasticsearch bulk helper', helperRun],
    ['otelkit elasticsearch output', otelkitRun],
  ]) {
    const es = await createFakeServer({ behaviour: { kind: 'hang' } });
    const r = await run(es);
    console.log(
      `  ${name.padEnd(36)} ${String(r.produced).padStart(9)}   ${String(r.heldInQueue).padStart(17)}   ${`${r.heap.toFixed(1)} MiB`.padStart(11)}   ${String(r.dropped).padStart(15)}   ${r.outcome}`,
    );
    console.log(`    requests the fake Elasticsearch received: ${es.requests.length}`);
    await es.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
