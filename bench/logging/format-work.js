// One subject of format-callgrind.bench.js: log `lines` lines inside an active span, then exit.
//   node bench/logging/format-work.js <raw-pino|otelkit-json|otelkit-ecs> <lines>
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const pkg = path.join(__dirname, '../../packages/logging');
const req = (m) => require(require.resolve(m, { paths: [pkg] }));
const { createLogger } = require(path.join(pkg, 'dist'));
const pino = req('pino');
const SonicBoom = req('sonic-boom');
const { context, trace } = req('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = req('@opentelemetry/context-async-hooks');
const { TracerProvider } = req('@opentelemetry/sdk-trace');

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new TracerProvider());
const tracer = trace.getTracer('bench');

const [subject, linesArg] = process.argv.slice(2);
const LINES = Number(linesArg);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-log-cg-'));
const file = path.join(dir, 'out.log');
const payload = (i) => ({ reqId: i, route: '/users/:id', status: 200, user: { id: 42, name: 'alice' } });

async function main() {
  let log;
  let done;
  if (subject === 'raw-pino') {
    const dest = new SonicBoom({ dest: file, sync: true, minLength: 4096 });
    log = pino({}, dest);
    done = async () => dest.flushSync();
  } else {
    const format = subject === 'otelkit-ecs' ? 'ecs' : 'json';
    log = createLogger(
      {
        enabled: true,
        level: 'info',
        format,
        correlation: true,
        outputs: [{ type: 'file', path: file, mkdir: true, rotation: null }],
        redact: { enabled: true, paths: [], censor: '[REDACTED]' },
      },
      undefined,
      { handleSignals: false, logUncaught: false, fileBufferBytes: 4096 },
    );
    done = () => log.shutdown();
  }
  tracer.startActiveSpan('work', (span) => {
    for (let i = 0; i < LINES; i++) log.info(payload(i), 'request handled');
    span.end();
  });
  await done();
  if (process.env.SHOW_LINES) {
    const text = fs.readFileSync(file, 'utf8');
    process.stdout.write(`${text.split('\n').length - 1} lines; last: ${text.trimEnd().split('\n').pop()}\n`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
main();
