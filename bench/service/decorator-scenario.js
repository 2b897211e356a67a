// The scenario shared by decorator.bench.js (wall clock) and decorator-callgrind.bench.js
// (instructions): a bare async method, the same method under @monitored, and the same signals
// hand-written with the raw OpenTelemetry API (span + histogram + counter + a debug line that is
// not written), on one MeterProvider and a TracerProvider with the given sampler. Run `pnpm build` first.
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');

const serviceDir = join(__dirname, '..', '..', 'packages', 'service');
const need = (id) => require(require.resolve(id, { paths: [serviceDir] }));
const api = need('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = need('@opentelemetry/context-async-hooks');
const {
  TracerProvider: SdkTracerProvider,
  SimpleSpanProcessor,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} = need('@opentelemetry/sdk-trace');
const { MeterProvider, MetricReader } = need('@opentelemetry/sdk-metrics');
const pino = need('pino');
const { monitored, setMonitoringRuntime } = require(serviceDir);

class IdleReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}
const discard = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => {},
  forceFlush: async () => {},
};

api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
const meter = meterProvider.getMeter('bench');
const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true }));

function providerWith(sampler) {
  return new SdkTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor({ exporter: discard })] });
}

const boom = new Error('boom');
const work = async () => 1;
const fail = async () => {
  throw boom;
};

function scenario(tracer) {
  setMonitoringRuntime({ tracer, meter, logger });

  class Bare {
    async op() {
      return work();
    }
    async bad() {
      return fail();
    }
  }
  class Decorated extends Bare {}
  // the same methods, decorated (legacy decorator call form, as plain JS allows)
  Object.defineProperty(Decorated.prototype, 'op', {
    value: async function op() {
      return work();
    },
    writable: true,
    configurable: true,
  });
  Object.defineProperty(Decorated.prototype, 'bad', {
    value: async function bad() {
      return fail();
    },
    writable: true,
    configurable: true,
  });
  monitored()(Decorated);

  // the hand-written equivalent with the raw API
  const hist = meter.createHistogram('raw.method.duration', { unit: 's' });
  const calls = meter.createCounter('raw.method.calls');
  const ok = { class: 'Raw', method: 'op', outcome: 'success' };
  const child = logger.child({ class: 'Raw', method: 'op' });
  const raw = (fn) => () => {
    const start = performance.now();
    return tracer.startActiveSpan(
      'Raw.op',
      { kind: api.SpanKind.INTERNAL, attributes: { 'code.function.name': 'Raw.op' } },
      async (span) => {
        try {
          const r = await fn();
          span.end();
          const s = (performance.now() - start) / 1000;
          hist.record(s, ok);
          calls.add(1, ok);
          if (child.isLevelEnabled('debug')) child.debug({ durationMs: s * 1000 }, 'Raw.op succeeded');
          return r;
        } catch (err) {
          span.setStatus({ code: api.SpanStatusCode.ERROR, message: err.message });
          span.recordException(err);
          span.end();
          const attrs = { class: 'Raw', method: 'op', outcome: 'error', 'error.type': err.constructor.name };
          const s = (performance.now() - start) / 1000;
          hist.record(s, attrs);
          calls.add(1, attrs);
          child.error({ durationMs: s * 1000, err }, 'Raw.op failed');
          throw err;
        }
      },
    );
  };
  const bare = new Bare();
  const dec = new Decorated();
  const swallow = (p) => p.catch(() => {});
  // the raw variant calls the same bare method inside its span, as the decorator does
  const rawOk = raw(() => bare.op());
  const rawBad = raw(() => bare.bad());
  return {
    ok: { 'bare method': () => bare.op(), 'raw OpenTelemetry API': rawOk, '@monitored': () => dec.op() },
    error: {
      'bare method (throws)': () => swallow(bare.bad()),
      'raw OpenTelemetry API (throws)': () => swallow(rawBad()),
      '@monitored (throws)': () => swallow(dec.bad()),
    },
  };
}

const samplers = {
  sampled: () => new AlwaysOnSampler(),
  unsampled: () => new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.1) }),
};

module.exports = { scenario, providerWith, samplers };
