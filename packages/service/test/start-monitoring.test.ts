import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import {
  getMonitoring,
  getMonitoringRuntime,
  METHOD_CALLS,
  MonitoringConflictError,
  monitored,
  startMonitoring,
} from '@otelkit/service';
import { closedPort, startOtlpReceiver } from '../../../test/support/otlp-receiver';

const MONITORING_CONFIG = {
  logging: { level: 'INFO', format: 'structured', outputs: ['console', 'file'], correlation: true },
  metrics: { collectors: ['prometheus'], interval: 10, exporters: ['http'] },
  tracing: { enabled: true, sampler: 0.1, exporter: 'jaeger' },
} as const;

function configFor(dir: string, extra: Record<string, unknown> = {}) {
  return {
    ...MONITORING_CONFIG,
    service: { name: 'orders', version: '1.0.0' },
    logging: {
      ...MONITORING_CONFIG.logging,
      level: 'debug',
      outputs: [{ type: 'file', path: join(dir, 'app.log') }],
    },
    // the handler, not a listener: tests must not fight over port 9464
    metrics: { collectors: ['prometheus'], interval: 10, exporters: ['handler'] },
    tracing: { sampler: 'always_on', exporter: 'memory' },
    resources: { interval: '200ms' },
    shutdown: { timeout: '3s', handleSignals: false },
    ...extra,
  } as never;
}

async function scrape(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    return await res.text();
  } finally {
    server.close();
  }
}

@monitored()
class OrderService {
  async place(id: string) {
    if (id === 'bad') throw new RangeError('bad order');
    return { id, status: 'placed' };
  }
}

describe('startMonitoring', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelkit-start-'));

  it('wires every signal from one config object, and the decorator reports to it', async () => {
    const m = startMonitoring(configFor(dir), { env: {}, file: false });
    try {
      expect(getMonitoring()).toBe(m);
      expect(getMonitoringRuntime()?.tracer).toBe(m.tracer);
      expect(m.summary()).toContain('otelkit service=orders version=1.0.0');

      const svc = new OrderService();
      await svc.place('o-1');
      await expect(svc.place('bad')).rejects.toThrow(RangeError);

      // spans in the memory exporter
      const spans = m.tracing.memoryExporter!.getFinishedSpans();
      expect(spans.map((s) => s.name)).toEqual(['OrderService.place', 'OrderService.place']);
      expect(spans[0]!.resource.attributes['service.name']).toBe('orders');
      // metrics through the Prometheus handler
      const text = await scrape(m.metrics.handler);
      expect(text).toMatch(/otelkit_method_calls_total\{[^}]*outcome="success"[^}]*\} 1/);
      expect(text).toMatch(/otelkit_method_calls_total\{[^}]*error_type="RangeError"[^}]*\} 1/);
      // the global tracer is ours too
      expect(trace.getTracerProvider()).toBeDefined();
      // the resource monitor samples
      await new Promise((r) => setTimeout(r, 500));
      expect((await m.monitor.getCurrentStats()).memory.total).toBeGreaterThan(0);
      expect((await m.health.check('readiness')).status).toBe('pass');
    } finally {
      const report = await m.shutdown();
      expect(report.ok).toBe(true);
    }
    // logs flushed to the file, correlated with the spans
    const lines = readFileSync(join(dir, 'app.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const failed = lines.find((l) => l.msg === 'OrderService.place failed');
    expect(failed).toMatchObject({ level: 50, class: 'OrderService', method: 'place' });
    expect(failed.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(
      lines.some((l) => l.msg === 'otelkit monitoring started' && /service=orders/.test(l.summary)),
    ).toBe(true);
    expect(getMonitoring()).toBeUndefined();
    expect(getMonitoringRuntime()).toBeUndefined();
  });

  it('returns the same handle for the same config, and refuses a different one', async () => {
    const m = startMonitoring(configFor(dir), { env: {}, file: false });
    try {
      expect(startMonitoring(configFor(dir), { env: {}, file: false })).toBe(m);
      let err: unknown;
      try {
        startMonitoring(configFor(dir, { service: { name: 'other' } }), { env: {}, file: false });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MonitoringConflictError);
      expect((err as MonitoringConflictError).differences).toEqual(['service.name', 'service.version']);
      expect((err as Error).message).toMatch(
        /already running with a different config \(service\.name, service\.version\)/,
      );
    } finally {
      await m.shutdown();
    }
  });

  it('shuts down in order and reports every step; a second call returns the same report', async () => {
    const m = startMonitoring(configFor(dir), { env: {}, file: false });
    const first = await m.shutdown();
    expect(first.steps.map((s) => s.name)).toEqual([
      'readiness',
      'resource monitor',
      'traces',
      'metrics',
      'tracer provider',
      'meter provider',
      'logs',
    ]);
    expect(first.steps.every((s) => s.ok)).toBe(true);
    expect(await m.shutdown()).toBe(first);
  });

  it('shuts down within its budget when the collector is down or hangs, and says what it could not flush', async () => {
    const hanging = await startOtlpReceiver();
    hanging.setBehaviour({ mode: 'hang' });
    const dead = await closedPort();
    try {
      const m = startMonitoring(
        configFor(dir, {
          tracing: {
            sampler: 'always_on',
            exporters: [
              { type: 'otlp', endpoint: hanging.urls.traces, timeout: '30s' },
              { type: 'otlp', endpoint: `${dead}/v1/traces` },
            ],
          },
          metrics: { exporters: [{ type: 'otlp', endpoint: hanging.urls.metrics, timeout: '30s' }] },
          shutdown: { timeout: '1500ms', handleSignals: false },
        }),
        { env: {}, file: false },
      );
      const svc = new OrderService();
      for (let i = 0; i < 20; i++) await svc.place(`o-${i}`);
      const started = Date.now();
      const report = await m.shutdown();
      const took = Date.now() - started;
      expect(took).toBeLessThan(1500 + 1000);
      expect(report.ok).toBe(false);
      expect(report.steps.filter((s) => !s.ok).map((s) => s.error)).toEqual(
        expect.arrayContaining(['timed out']),
      );
    } finally {
      await hanging.close();
    }
  });

  it('is a no-op for the decorator when OTEL_SDK_DISABLED=true', async () => {
    const m = startMonitoring(configFor(dir), { env: { OTEL_SDK_DISABLED: 'true' }, file: false });
    try {
      expect(getMonitoringRuntime()).toBeUndefined();
      await new OrderService().place('x');
      expect(m.tracing.memoryExporter?.getFinishedSpans() ?? []).toHaveLength(0);
      expect(await scrape(m.metrics.handler)).not.toContain(METHOD_CALLS.replaceAll('.', '_'));
    } finally {
      await m.shutdown();
    }
  });

  it('fails at startup with every config problem', () => {
    expect(() => startMonitoring({ tracing: { sampler: 2 } } as never, { env: {}, file: false })).toThrow(
      /tracing\.sampler: expected a ratio between 0 and 1/,
    );
  });
});
