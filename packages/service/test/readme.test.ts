import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getMonitoring, monitored, service, startMonitoring } from '@otelkit/service';

// The README's examples, as written there (the log file lands in a temp cwd).
const cwd = process.cwd();
const dir = mkdtempSync(join(tmpdir(), 'otelkit-readme-'));
beforeAll(() => process.chdir(dir));
afterAll(async () => {
  await getMonitoring()?.shutdown();
  process.chdir(cwd);
});

const MONITORING_CONFIG = {
  logging: { level: 'INFO', format: 'structured', outputs: ['console', 'file'], correlation: true },
  metrics: { collectors: ['prometheus'], interval: 10, exporters: ['http'] },
  tracing: { enabled: true, sampler: 0.1, exporter: 'jaeger' },
};

@service({ monitoring: MONITORING_CONFIG })
class MonitoredService {
  async operation() {
    /* automatically gets logging, metrics and tracing */
    return 'ok';
  }
}

describe('the README examples', () => {
  it('@service({ monitoring: MONITORING_CONFIG }) starts monitoring on the first call and instruments it', async () => {
    expect(getMonitoring()).toBeUndefined();
    await expect(new MonitoredService().operation()).resolves.toBe('ok');
    const m = getMonitoring()!;
    expect(m.config.tracing.sampler).toEqual({ type: 'parentbased_traceidratio', ratio: 0.1 });
    expect(m.config.tracing.exporters[0]).toMatchObject({
      type: 'jaeger',
      endpoint: 'http://localhost:4318/v1/traces',
    });
    expect(m.summary()).toContain('prometheus http://127.0.0.1:9464/metrics');
    // served on 127.0.0.1:9464 unless something else holds the port (then the listener is null, logged)
    const address = await m.metrics.listening;
    if (address) {
      const text = await (await fetch(`http://127.0.0.1:${address.port}/metrics`)).text();
      expect(text).toMatch(
        /otelkit_method_calls_total\{[^}]*class="MonitoredService"[^}]*method="operation"[^}]*\} 1/,
      );
    }
    // startMonitoring with the same config returns the running monitoring
    expect(startMonitoring(MONITORING_CONFIG)).toBe(m);
    @monitored()
    class OrderService {
      place() {
        return 1;
      }
    }
    expect(new OrderService().place()).toBe(1);
    m.logger.info({ step: 'readme' }, 'hello from the README test');
    m.logger.debug('not written: the level is info');
    await m.shutdown();
    // JSON logs at info to ./logs/<service>.log
    const lines = readFileSync(join(dir, 'logs', 'unknown_service_node.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(lines.map((l) => l.msg)).toContain('hello from the README test');
    for (const line of lines) expect(line.level).toBeGreaterThanOrEqual(30);
  });
});
