import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@otelkit/config';
import { getMonitoring, service } from '@otelkit/service';

const dir = mkdtempSync(join(tmpdir(), 'otelkit-service-'));
const MONITORING_CONFIG = {
  service: { name: 'lazy' },
  logging: {
    level: 'DEBUG',
    format: 'structured',
    outputs: [{ type: 'file', path: join(dir, 'app.log') }],
    correlation: true,
  },
  metrics: { collectors: ['prometheus'], interval: 10, exporters: ['handler'] },
  tracing: { enabled: true, sampler: 1, exporter: 'memory' },
  resources: { enabled: false },
  shutdown: { handleSignals: false },
} as const;

describe('@service({ monitoring })', () => {
  afterEach(async () => {
    await getMonitoring()?.shutdown();
  });

  it('starts monitoring on the first call, not when the class is defined', async () => {
    @service({ monitoring: MONITORING_CONFIG as never })
    class MonitoredService {
      async operation() {
        return 'done';
      }
    }
    expect(getMonitoring()).toBeUndefined();
    const svc = new MonitoredService();
    expect(getMonitoring()).toBeUndefined();
    await expect(svc.operation()).resolves.toBe('done');
    const m = getMonitoring();
    expect(m?.config.service.name).toBe('lazy');
    // the very first call is already traced, metered and logged
    expect(m!.tracing.memoryExporter!.getFinishedSpans().map((s) => s.name)).toEqual([
      'MonitoredService.operation',
    ]);
    await m!.shutdown();
    const lines = readFileSync(join(dir, 'app.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg === 'MonitoredService.operation succeeded' && l.trace_id)).toBe(true);
  });

  it('fails at class definition on a bad config, listing every problem', () => {
    expect(() => {
      @service({ monitoring: { tracing: { sampler: 5 }, logging: { level: 'loud' } } as never })
      class Bad {}
      return Bad;
    }).toThrow(ConfigError);
  });

  it('keeps the running monitoring when a second class brings another config, and still instruments', async () => {
    @service({ monitoring: MONITORING_CONFIG as never })
    class A {
      a() {
        return 1;
      }
    }
    @service({ monitoring: { ...MONITORING_CONFIG, service: { name: 'other' } } as never })
    class B {
      b() {
        return 2;
      }
    }
    expect(new A().a()).toBe(1);
    expect(new B().b()).toBe(2);
    const m = getMonitoring()!;
    expect(m.config.service.name).toBe('lazy');
    expect(m.tracing.memoryExporter!.getFinishedSpans().map((s) => s.name)).toEqual(['A.a', 'B.b']);
  });

  it('refuses methods', () => {
    expect(() => {
      class C {
        @(service() as unknown as (value: Function, context: ClassMethodDecoratorContext) => void)
        m() {}
      }
      return C;
    }).toThrow('@service applies to classes, not to the method m');
  });
});
