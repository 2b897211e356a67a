// Lines per second to a file: raw pino vs @otelkit/logging (JSON + correlation inside an
// active span, ECS) with winston for reference. Same run, alternating rounds, medians.
// Build first: npx tsc -b packages/logging/tsconfig.json
//   node bench/logging/throughput.bench.js [lines=100000] [rounds=7]
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
const { TracerProvider: SdkTracerProvider } = req('@opentelemetry/sdk-trace');

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new SdkTracerProvider());
const tracer = trace.getTracer('bench');

const LINES = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 11);
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

function rawPino(minLength) {
  return async () => {
    const dest = new SonicBoom({ dest: nextFile(), sync: true, minLength });
    const log = pino({}, dest);
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    tracer.startActiveSpan('work', (span) => {
      loop(log);
      span.end();
    });
    dest.flushSync();
    const ns = Number(process.hrtime.bigint() - t);
    const cpu = cpuNs(c);
    dest.end();
    return { ns, cpu };
  };
}

function otelkit(format, fileBufferBytes) {
  return async () => {
    const log = createLogger(config(format, nextFile()), undefined, {
      handleSignals: false,
      logUncaught: false,
      fileBufferBytes,
    });
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    tracer.startActiveSpan('work', (span) => {
      loop(log);
      span.end();
    });
    await log.flush();
    const ns = Number(process.hrtime.bigint() - t);
    const cpu = cpuNs(c);
    await log.shutdown();
    return { ns, cpu };
  };
}

// The first entry is the baseline. Both pino and otelkit write through sonic-boom 5 in sync mode;
// "buffered" = 4 KiB collected per write(2) (otelkit's default, pino.destination({ minLength: 4096 })),
// "unbuffered" = one write(2) per line (pino.destination() default, otelkit fileBufferBytes: 0).
const subjects = {
  'raw pino, buffered (baseline)': rawPino(4096),
  'otelkit json + correlation (in span), buffered': otelkit('json', 4096),
  'otelkit ecs + correlation (in span), buffered': otelkit('ecs', 4096),
  'raw pino, unbuffered': rawPino(0),
  'otelkit json + correlation (in span), unbuffered': otelkit('json', 0),
  'winston json (File transport)': async () => {
    const file = nextFile();
    const log = winston.createLogger({
      format: winston.format.json(),
      transports: [new winston.transports.File({ filename: file })],
    });
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    for (let i = 0; i < LINES; i++) log.info('request handled', payload(i));
    // winston's end()/finish is unreliable with a backed-up File transport ("write after end"):
    // wait until every line is in the file instead (polled every 5 ms).
    await waitForLines(file, LINES);
    const ns = Number(process.hrtime.bigint() - t);
    const cpu = cpuNs(c);
    log.close();
    return { ns, cpu };
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

/** CPU time (user + system) of this process since `start`, in ns. */
function cpuNs(start) {
  const d = process.cpuUsage(start);
  return (d.user + d.system) * 1000;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function main() {
  if (typeof global.gc !== 'function') {
    // Re-run with --expose-gc: a full collection before each run keeps one subject's garbage
    // from being paid by the next.
    const { execFileSync } = require('node:child_process');
    execFileSync(process.execPath, ['--expose-gc', __filename, ...process.argv.slice(2)], {
      stdio: 'inherit',
    });
    return;
  }
  const names = Object.keys(subjects);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) await subjects[n](); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    for (const n of order) {
      global.gc();
      times[n].push(await subjects[n]());
    }
  }
  const rate = (n, key) => LINES / (median(times[n].map((t) => t[key])) / 1e9);
  console.log(
    `${LINES} lines per run, ${ROUNDS} rounds, one process, a warm-up run each, full GC before every run, order reversed every other round; node ${process.version}, ${os.cpus().length} cpus, load average ${os.loadavg()[0].toFixed(2)}`,
  );
  console.log(
    '| subject | lines per CPU-second (median) | vs raw pino (CPU) | lines/s wall clock (median) | vs raw pino (wall) |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const n of names) {
    const cpu = rate(n, 'cpu');
    const wall = rate(n, 'ns');
    const fmt = (x) => Math.round(x).toLocaleString('en-US');
    console.log(
      `| ${n} | ${fmt(cpu)} | ${((cpu / rate(names[0], 'cpu')) * 100).toFixed(1)} % | ${fmt(wall)} | ${((wall / rate(names[0], 'ns')) * 100).toFixed(1)} % |`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
