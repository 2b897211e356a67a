// One value, three ways in: each config field below is given in a config file, in code and (where
// OpenTelemetry defines one) as an OTEL_* variable, then read back from the running object that
// uses it — the SDK provider, the batch processor, the metric reader, the logger, the monitor, a
// span that reached a real OTLP receiver — never from the config slice. A value decided in two
// places drifts; this table is what notices.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { propagation } from '@opentelemetry/api';
import { createDashboard } from '@otelkit/dashboard';
import { type Monitoring, monitored, startMonitoring } from '@otelkit/service';
import { startOtlpReceiver } from './support/otlp-receiver';

jest.setTimeout(60_000);

type Config = Record<string, unknown>;

interface Row {
  /** The config field, as written. */
  readonly field: string;
  /** The field's value in the config object (file and code). */
  readonly config: Config;
  /** The same value as OpenTelemetry environment variables, when there are any. */
  readonly env?: Readonly<Record<string, string>>;
  readonly expected: unknown;
  /** Reads the value the running toolkit uses. */
  read(m: Monitoring, ctx: Context): unknown | Promise<unknown>;
}

interface Context {
  readonly dir: string;
  readonly otlp: string;
}

function merge(a: Config, b: Config): Config {
  const out: Config = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      prev &&
      typeof prev === 'object' &&
      !Array.isArray(prev)
        ? merge(prev as Config, v as Config)
        : v;
  }
  return out;
}

// Private fields of the running objects (SDK 2.x and our processor): the values actually in use.
const internals = (o: unknown): Record<string, any> => o as Record<string, any>;
const processorOf = (m: Monitoring) => internals(m.tracing.provider)._activeSpanProcessor._spanProcessors[0];
const samplerOf = (m: Monitoring) => String(internals(m.tracer)._sampler);
const readerOf = (m: Monitoring) =>
  internals(m.metrics.provider)._sharedState.metricCollectors[0]._metricReader;

async function finishedSpanResource(m: Monitoring): Promise<Record<string, unknown>> {
  m.tracer.startSpan('probe').end();
  await m.tracing.forceFlush();
  const spans = m.tracing.memoryExporter!.getFinishedSpans();
  return spans[spans.length - 1]!.resource.attributes as Record<string, unknown>;
}

async function get(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  path: string,
): Promise<number> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    await res.arrayBuffer();
    return res.status;
  } finally {
    server.close();
  }
}

const ROWS: Row[] = [
  {
    field: 'service.name',
    config: { service: { name: 'svc-from-config' } },
    env: { OTEL_SERVICE_NAME: 'svc-from-config' },
    expected: 'svc-from-config',
    read: async (m) => (await finishedSpanResource(m))['service.name'],
  },
  {
    field: 'service.environment',
    config: { service: { environment: 'staging' } },
    env: { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging' },
    expected: 'staging',
    read: async (m) => (await finishedSpanResource(m))['deployment.environment.name'],
  },
  {
    field: 'tracing.sampler',
    config: { tracing: { sampler: { type: 'traceidratio', ratio: 0.25 } } },
    env: { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' },
    expected: 'TraceIdRatioBased{0.25}',
    read: (m) => samplerOf(m),
  },
  {
    field: 'tracing.batch.maxQueueSize',
    config: { tracing: { batch: { maxQueueSize: 4000 } } },
    env: { OTEL_BSP_MAX_QUEUE_SIZE: '4000' },
    expected: 4000,
    read: (m) => processorOf(m)._maxQueueSize,
  },
  {
    field: 'tracing.batch.maxExportBatchSize',
    config: { tracing: { batch: { maxExportBatchSize: 33 } } },
    env: { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '33' },
    expected: 33,
    read: (m) => processorOf(m)._batchSize,
  },
  {
    field: 'tracing.batch.scheduledDelayMillis',
    config: { tracing: { batch: { scheduledDelayMillis: 1234 } } },
    env: { OTEL_BSP_SCHEDULE_DELAY: '1234' },
    expected: 1234,
    read: (m) => processorOf(m)._delay,
  },
  {
    field: 'tracing.batch.exportTimeoutMillis',
    config: { tracing: { batch: { exportTimeoutMillis: 4321 } } },
    env: { OTEL_BSP_EXPORT_TIMEOUT: '4321' },
    expected: 4321,
    read: (m) => processorOf(m)._exportTimeout,
  },
  {
    field: 'tracing.propagators',
    config: { tracing: { propagators: ['b3'] } },
    env: { OTEL_PROPAGATORS: 'b3' },
    expected: ['b3'],
    read: () => propagation.fields(),
  },
  {
    field: 'tracing.exporters[0].endpoint (OTLP)',
    config: { tracing: { exporter: { type: 'otlp', endpoint: 'OTLP_TRACES' } } },
    env: { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'OTLP_TRACES' },
    expected: 'arrived',
    read: async (m, ctx) => {
      const receiver = receivers.get(ctx.otlp)!;
      m.tracer.startSpan('to-the-receiver').end();
      await m.tracing.forceFlush();
      await receiver.waitFor((r) => r.spans().some((s) => s.name === 'to-the-receiver'));
      return 'arrived';
    },
  },
  {
    field: 'metrics.exportIntervalMillis',
    config: { metrics: { exporters: [{ type: 'otlp', endpoint: 'OTLP_METRICS' }], interval: 7 } },
    env: { OTEL_METRICS_EXPORTER: 'otlp', OTEL_METRIC_EXPORT_INTERVAL: '7000' },
    expected: 7000,
    read: (m) => readerOf(m)._exportInterval,
  },
  {
    field: 'metrics.cardinalityLimit',
    config: { metrics: { cardinalityLimit: 3 } },
    expected: 3, // at most 3 series, the overflow series included (OpenTelemetry's definition)
    read: async (m) => {
      const counter = m.meter.createCounter('propagation_probe');
      for (let i = 0; i < 10; i++) counter.add(1, { id: String(i) });
      const { resourceMetrics } = await m.metrics.collect();
      const metric = resourceMetrics!.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((x) => x.descriptor.name === 'propagation_probe');
      return metric?.dataPoints.length;
    },
  },
  {
    field: 'metrics.durationBuckets',
    config: { metrics: { durationBuckets: [0.5, 5] } },
    expected: [0.5, 5],
    read: async (m) => {
      @monitored()
      class PropagationProbe {
        call() {
          return 1;
        }
      }
      new PropagationProbe().call();
      const { resourceMetrics } = await m.metrics.collect();
      const metric = resourceMetrics!.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((x) => x.descriptor.name === 'otelkit.method.duration');
      return (metric?.dataPoints[0]?.value as { buckets?: { boundaries: number[] } } | undefined)?.buckets
        ?.boundaries;
    },
  },
  {
    field: 'logging.level',
    config: { logging: { level: 'WARNING' } },
    expected: 'warn',
    read: (m) => m.logger.level,
  },
  {
    field: 'logging.redact.censor',
    config: { logging: { redact: { censor: '#hidden#' } } },
    expected: '#hidden#',
    read: async (m, ctx) => {
      m.logger.warn({ password: 'p' }, 'probe line');
      await m.logger.forceFlush();
      const line = readFileSync(join(ctx.dir, 'app.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === 'probe line');
      return line?.password;
    },
  },
  {
    field: 'resources.intervalMillis',
    config: { resources: { interval: '1500ms' } },
    expected: 1500,
    read: (m) => m.monitor.intervalMillis,
  },
  {
    field: 'resources.historySize',
    config: { resources: { historySize: 99 } },
    expected: 99,
    read: (m) => m.monitor.historySize,
  },
  {
    field: 'resources.thresholds',
    config: { resources: { thresholds: { cpu_usage: 70 } } },
    expected: [{ metric: 'cpu_usage', warning: 70 }],
    read: (m) =>
      m.monitor
        .getThresholds()
        .filter((t) => t.metric === 'cpu_usage')
        .map((t) => ({ metric: t.metric, warning: t.warning })),
  },
  {
    field: 'alerts.rules',
    config: { alerts: [{ name: 'slow', condition: 'p95(response_time) > 1', for: '1m' }] },
    expected: [{ name: 'slow', forMillis: 60_000 }],
    read: (m) => m.monitor.getAlertRules().map((r) => ({ name: r.name, forMillis: r.forMillis })),
  },
  {
    field: 'health.readinessPath',
    config: { health: { readinessPath: '/probe/ready' } },
    expected: 200,
    read: (m) => get(m.health.handler(), '/probe/ready'),
  },
  {
    field: 'pools.intervalMillis',
    config: { pools: { interval: 3 } },
    expected: 3000,
    read: (m) => m.resources?.intervalMillis,
  },
  {
    field: 'dashboard.buffer.spans',
    config: { dashboard: { buffer: { spans: 77 } } },
    expected: 77,
    read: (m) => m.recent?.spans.capacity,
  },
  {
    field: 'dashboard.path',
    config: { dashboard: { path: '/ops/dash' } },
    env: { OTELKIT_DASHBOARD_ENABLED: 'true', OTELKIT_DASHBOARD_PATH: '/ops/dash' },
    expected: { path: '/ops/dash', unmeasured: true },
    read: (m) => {
      const handler = createDashboard(m);
      void handler.shutdown();
      return { path: handler.path, unmeasured: m.metrics.ignorePaths.includes('/ops/dash/*') };
    },
  },
  {
    field: 'shutdown.timeoutMillis',
    config: { shutdown: { timeout: '2500ms' } },
    expected: 2500,
    read: async (m) => (await m.shutdown()).budgetMillis,
  },
];

const receivers = new Map<string, Awaited<ReturnType<typeof startOtlpReceiver>>>();

function replaceUrls(value: unknown, urls: Record<string, string>): unknown {
  if (typeof value === 'string') return urls[value] ?? value;
  if (Array.isArray(value)) return value.map((v) => replaceUrls(v, urls));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceUrls(v, urls)]));
  return value;
}

const cases = ROWS.flatMap((row) => [
  ['file', row.field, row] as const,
  ['code', row.field, row] as const,
  ...(row.env ? [['env', row.field, row] as const] : []),
]);

describe('a config value reaches the running object that uses it, from a file, from code and from OTEL_*', () => {
  let dir: string;
  let otlp: string;
  beforeAll(async () => {
    const receiver = await startOtlpReceiver();
    otlp = receiver.url;
    receivers.set(otlp, receiver);
  });
  afterAll(async () => {
    for (const r of receivers.values()) await r.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'otelkit-propagation-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each(cases)('%s: %s', async (way, _field, row) => {
    const receiver = receivers.get(otlp)!;
    receiver.reset();
    const urls = { OTLP_TRACES: receiver.urls.traces, OTLP_METRICS: receiver.urls.metrics };
    const base: Config = {
      service: { name: 'propagation' },
      logging: { level: 'info', outputs: [{ type: 'file', path: join(dir, 'app.log') }] },
      metrics: { collectors: ['prometheus'], exporters: ['handler'] },
      tracing: { exporter: 'memory', sampler: 'always_on' },
      resources: { interval: 60 },
      shutdown: { handleSignals: false },
    };
    const value = replaceUrls(row.config, urls) as Config;
    const env = row.env ? (replaceUrls(row.env, urls) as Record<string, string>) : {};
    let m: Monitoring;
    if (way === 'file') {
      const file = join(dir, 'otelkit.yaml');
      writeFileSync(file, JSON.stringify(merge(base, value))); // JSON is YAML
      m = startMonitoring({}, { file, env: {} });
    } else if (way === 'code') {
      m = startMonitoring(merge(base, value) as never, { file: false, env: {} });
    } else {
      // The environment wins over code (OpenTelemetry's precedence), so the base stays as it is.
      m = startMonitoring(base as never, { file: false, env });
    }
    try {
      expect(await row.read(m, { dir, otlp })).toEqual(row.expected);
    } finally {
      await m.shutdown();
    }
  });
});
