// Lines per second to a file: raw pino vs @otelkit/logging (JSON + correlation inside an
// active span, ECS) with winston for reference. Same run, alternating rounds, medians.
// Build first: npx tsc -b packages/logging/tsconfig.json
//   node bench/logging/bench.js [lines=100000] [rounds=7]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const pkg = path.join(__dirname, '../../packages/logging');
const req = (m) => require(require.resolve(m, { paths: [pkg] }));
const { createLogger } = require(path.join(pkg, 'dist'));
const pino = req('pino');
const SonicBoom = req('sonic-boom');
const winston = req('winston');
const { context, trace } = req('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = req('@opentelemetry/context-async-hooks');
const { BasicTracerProvider } = req('@opentelemetry/sdk-trace-base');

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new BasicTracerProvider());
const tracer = trace.getTracer('bench');

const LINES = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 7);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-log-bench-'));
let fileNo = 0;
const nextFile = () => path.join(dir, `f${fileNo++}.log`);

const payload = (i) => ({ reqId: i, route: '/users/:id', status: 200, user: { id: 42, name: 'alice' } });

function loop(log) {
  for (let i = 0; i < LINES; i++) log.info(payload(i), 'request handled');
}

function config(format, file) {
  return {
    enabled: true,
    level: 'info',
    format,
    correlation: true,
    outputs: [{ type: 'file', path: file, mkdir: true, rotation: null }],
    redact: { enabled: true, paths: [], censor: '[REDACTED]' },
  };
}

const subjects = {
  'raw pino (sonic-boom 5 sync)': async () => {
    const dest = new SonicBoom({ dest: nextFile(), sync: true });
    const log = pino({}, dest);
    const t = process.hrtime.bigint();
    tracer.startActiveSpan('work', (span) => {
      loop(log);
      span.end();
    });
    dest.flushSync();
    const ns = Number(process.hrtime.bigint() - t);
    dest.end();
    return ns;
  },
  'otelkit json + correlation (in span)': async () => {
    const log = createLogger(config('json', nextFile()), undefined, {
      handleSignals: false,
      logUncaught: false,
    });
    const t = process.hrtime.bigint();
    tracer.startActiveSpan('work', (span) => {
      loop(log);
      span.end();
    });
    await log.flush();
    const ns = Number(process.hrtime.bigint() - t);
    await log.shutdown();
    return ns;
  },
  'otelkit ecs + correlation (in span)': async () => {
    const log = createLogger(config('ecs', nextFile()), undefined, {
      handleSignals: false,
      logUncaught: false,
    });
    const t = process.hrtime.bigint();
    tracer.startActiveSpan('work', (span) => {
      loop(log);
      span.end();
    });
    await log.flush();
    const ns = Number(process.hrtime.bigint() - t);
    await log.shutdown();
    return ns;
  },
  'winston json (File transport)': async () => {
    const file = nextFile();
    const log = winston.createLogger({
      format: winston.format.json(),
      transports: [new winston.transports.File({ filename: file })],
    });
    const t = process.hrtime.bigint();
    for (let i = 0; i < LINES; i++) log.info('request handled', payload(i));
    // winston's end()/finish is unreliable with a backed-up File transport ("write after end"):
    // wait until every line is in the file instead (polled every 5 ms).
    await waitForLines(file, LINES);
    const ns = Number(process.hrtime.bigint() - t);
    log.close();
    return ns;
  },
};

async function waitForLines(file, n) {
  let lastSize = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 5));
    let size = 0;
    try {
      size = fs.statSync(file).size;
    } catch {}
    if (size > 0 && size === lastSize) {
      const text = fs.readFileSync(file, 'utf8');
      let count = 0;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
      if (count >= n) return;
    }
    lastSize = size;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function main() {
  const names = Object.keys(subjects);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) await subjects[n](); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    for (const n of order) times[n].push(await subjects[n]());
  }
  const base = LINES / (median(times[names[0]]) / 1e9);
  console.log(
    `${LINES} lines x ${ROUNDS} rounds (alternating order), node ${process.version}, ${os.cpus().length} cpus, load ${os.loadavg()[0].toFixed(2)}`,
  );
  console.log('| subject | lines/s (median) | vs raw pino |');
  console.log('|---|---:|---:|');
  for (const n of names) {
    const lps = LINES / (median(times[n]) / 1e9);
    console.log(
      `| ${n} | ${Math.round(lps).toLocaleString('en-US')} | ${((lps / base) * 100).toFixed(1)} % |`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
