import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ConfigError,
  DEFAULT_MONITORING,
  formatSummary,
  loadConfig,
  normalizeMonitoring,
  parseCondition,
} from '@otelkit/config';

const SEED = path.join(__dirname, '..', 'fixtures', 'seed-004');
const CONFIGURATION = path.join(SEED, 'configuration.yaml');
const ALERTS = path.join(SEED, 'alert-configuration.yaml');

const load = (config: Record<string, unknown>) =>
  loadConfig({ config: config as never, env: {}, file: false });
const loadFile = (file: string) => loadConfig({ file, env: {} });

function issuesOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map(({ path, message }) => ({ path, message }));
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('seed 004 "Configuration" block, verbatim', () => {
  it('is the guide text unchanged (monitoring: with the three collectors, 2-space indent)', () => {
    const text = fs.readFileSync(CONFIGURATION, 'utf8');
    expect(
      text.startsWith('monitoring:\n  metrics:\n    enabled: true\n    collectors:\n      - type: request\n'),
    ).toBe(true);
    expect(text).toContain('        path: "/custom_metrics"\n  \n  storage:');
  });

  it('loads as a file and maps every field to the canonical config', () => {
    const c = loadFile(CONFIGURATION);
    const prom = c.metrics.exporters.find((e) => e.type === 'prometheus');
    expect(prom).toMatchObject({ type: 'prometheus', path: '/metrics', extraPaths: ['/custom_metrics'] });
    expect(c.metrics.enabled).toBe(true);
    expect(c.metrics.exportIntervalMillis).toBe(10_000);
    expect(c.resources).toMatchObject({ enabled: true, intervalMillis: 30_000 });
    expect(c.monitoring.storage).toEqual({
      type: 'prometheus',
      retentionMillis: 15 * 86_400_000,
      scrapeIntervalMillis: 10_000,
      evaluationIntervalMillis: 10_000,
      target: 'host.docker.internal:9464',
    });
    expect(c.monitoring.visualization.dashboards).toEqual([
      {
        name: 'Performance',
        uid: 'otelkit-performance',
        panels: [
          { title: 'Request Latency', type: 'timeseries', metric: 'request_duration_seconds' },
          { title: 'Throughput', type: 'gauge', metric: 'request_rate' },
        ],
      },
      {
        name: 'Resources',
        uid: 'otelkit-resources',
        panels: [
          { title: 'CPU Usage', type: 'timeseries', metric: 'cpu_usage' },
          { title: 'Memory Usage', type: 'timeseries', metric: 'memory_usage_bytes' },
        ],
      },
    ]);
    // the Prometheus path is still not application traffic
    expect(c.metrics.http.ignorePaths).toContain('/metrics');
  });

  it('the startup summary says what each seed field became', () => {
    const s = formatSummary(loadFile(CONFIGURATION));
    expect(s).toMatch(/prometheus http:\/\/127\.0\.0\.1:9464\/metrics \(also \/custom_metrics\)/);
    expect(s).toMatch(
      /seed metrics\.collectors\[0\] \(request\) path \/metrics -> the Prometheus endpoint path/,
    );
    expect(s).toMatch(
      /seed metrics\.collectors\[0\] \(request\) interval 10s -> metrics\.exportIntervalMillis 10000/,
    );
    expect(s).toMatch(
      /seed metrics\.collectors\[1\] \(system\) interval 30s -> resources\.intervalMillis 30000/,
    );
    expect(s).toMatch(
      /seed metrics\.collectors\[2\] \(custom\) path \/custom_metrics -> also served at \/custom_metrics/,
    );
    expect(s).toMatch(
      /seed storage prometheus retention 15d scrape_interval 10s -> generated prometheus\.yml/,
    );
    expect(s).toMatch(
      /Grafana otelkit-performance: Request Latency \(timeseries request_duration_seconds\), Throughput \(gauge request_rate\)/,
    );
    expect(s).toMatch(/backend {4}prometheus scrape 10s retention 15d/);
  });

  it('loads as an object in code, and as the monitoring key of a larger file', () => {
    const YAML = require('yaml') as { parse(t: string): Record<string, unknown> };
    const doc = YAML.parse(fs.readFileSync(CONFIGURATION, 'utf8'));
    const fromCode = load(doc);
    const fromFile = loadFile(CONFIGURATION);
    expect(fromCode.monitoring).toEqual(fromFile.monitoring);
    expect(fromCode.metrics.exporters).toEqual(fromFile.metrics.exporters);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-seed-'));
    try {
      const big = path.join(dir, 'otelkit.yaml');
      fs.writeFileSync(
        big,
        `service:\n  name: orders\nlogging:\n  level: INFO\n  format: structured\n${fs.readFileSync(CONFIGURATION, 'utf8')}${fs.readFileSync(ALERTS, 'utf8')}`,
      );
      const c = loadFile(big);
      expect(c.service.name).toBe('orders');
      expect(c.monitoring.storage.retentionMillis).toBe(15 * 86_400_000);
      expect(c.alerts.rules.map((r) => r.name)).toEqual(['high_latency', 'high_memory']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('defaults to the seed dashboards "Performance" and "Resources" when none is given', () => {
    const c = load({});
    expect(c.monitoring).toEqual(DEFAULT_MONITORING);
    expect(c.monitoring.visualization.dashboards.map((d) => d.name)).toEqual(['Performance', 'Resources']);
    expect(Object.isFrozen(c.monitoring.visualization.dashboards[0]!.panels)).toBe(true);
  });
});

describe('seed 004 "Alert Configuration" block, verbatim', () => {
  it('loads: threshold is the share of observations, duration is for, 1GB is bytes', () => {
    const rules = loadFile(ALERTS).alerts.rules;
    expect(rules).toEqual([
      {
        name: 'high_latency',
        condition: 'request_duration_seconds > 1',
        parsed: { metric: 'request_duration_seconds', aggregation: 'last', operator: '>', value: 1 },
        share: 0.1,
        forMillis: 300_000,
        windowMillis: 60_000,
        severity: 'warning',
        labels: {},
      },
      {
        name: 'high_memory',
        condition: 'memory_usage_bytes > 1GB',
        parsed: {
          metric: 'memory_usage_bytes',
          aggregation: 'last',
          operator: '>',
          value: 1e9,
          unit: 'bytes',
        },
        share: 0.9,
        forMillis: 600_000,
        windowMillis: 60_000,
        severity: 'critical',
        labels: {},
      },
    ]);
  });

  it('the summary spells out what each alert means', () => {
    const s = formatSummary(loadFile(ALERTS));
    expect(s).toMatch(
      /high_latency: fires when more than 10% of request_duration_seconds observations in 1m are > 1, for 5m, warning/,
    );
    expect(s).toMatch(
      /high_memory: fires when more than 90% of memory_usage_bytes observations in 1m are > 1000000000 bytes, for 10m, critical/,
    );
  });
});

describe('byte sizes with units wherever bytes are compared', () => {
  it.each([
    ['memory_usage_bytes > 1GB', 1e9],
    ['heap_used_bytes >= 512MiB', 512 * 1024 ** 2],
    ['avg(process_rss) > 1.5 GiB', 1.5 * 1024 ** 3],
    ['memory_usage_bytes > 100KB', 100_000],
  ])('%p compares with %p bytes', (condition, bytes) => {
    expect(parseCondition(condition)).toMatchObject({ value: bytes, unit: 'bytes' });
  });

  it('thresholds accept sizes too', () => {
    const c = load({ resources: { thresholds: { process_rss: { warning: '512MiB', critical: '1GB' } } } });
    expect(c.resources.thresholds.process_rss).toMatchObject({ warning: 512 * 1024 ** 2, critical: 1e9 });
    expect(
      load({ pools: { thresholds: [{ resourceId: 'db', metric: 'heap', warning: '1GiB' }] } }).pools
        .thresholds[0],
    ).toMatchObject({ warning: 1024 ** 3 });
  });

  it('a size on a metric that is not in bytes is an error naming the metric and the alternative', () => {
    const issues = issuesOf(() => load({ alerts: [{ name: 'x', condition: 'cpu_usage > 1GB' }] }));
    expect(issues).toEqual([
      {
        path: 'alerts[0].condition',
        message: expect.stringMatching(/cpu_usage is in percent, not bytes: .*memory_usage_bytes/),
      },
    ]);
    expect(
      issuesOf(() => load({ resources: { thresholds: { x: { warning: '1 parsec' } } } }))[0]!.message,
    ).toMatch(/expected a number or a byte size such as '1GB'/);
  });
});

describe('problems are errors naming the field and the alternative', () => {
  it('a misspelled field gets a did-you-mean, with its path', () => {
    const issues = issuesOf(() =>
      load({ monitoring: { storage: { type: 'prometheus', retension: '15d' } } }),
    );
    expect(issues).toEqual([
      { path: 'monitoring.storage.retension', message: expect.stringMatching(/did you mean "retention"/) },
    ]);
    const alertIssues = issuesOf(() =>
      load({ alerts: [{ name: 'a', condition: 'memory_usage_bytes > 1', treshold: 5 }] }),
    );
    expect(alertIssues[0]).toEqual({
      path: 'alerts[0].treshold',
      message: expect.stringMatching(/did you mean "threshold"/),
    });
    expect(
      issuesOf(() => load({ monitoring: { metrics: { collectors: [{ type: 'sytem', interval: 30 }] } } }))[0],
    ).toEqual({
      path: 'monitoring.metrics.collectors[0].type',
      message: expect.stringMatching(/did you mean "system"/),
    });
  });

  it('unsupported storage or visualization says what is supported', () => {
    expect(issuesOf(() => load({ monitoring: { storage: { type: 'influxdb' } } }))[0]).toEqual({
      path: 'monitoring.storage.type',
      message: expect.stringMatching(/only prometheus is supported as storage .*remote_write/),
    });
    expect(issuesOf(() => load({ monitoring: { visualization: { type: 'kibana' } } }))[0]!.message).toMatch(
      /only grafana is supported/,
    );
    expect(issuesOf(() => load({ monitoring: { alerts: [] } }))[0]).toEqual({
      path: 'monitoring.alerts',
      message: expect.stringMatching(/write alerts at the top level/),
    });
  });

  it('a panel whose title the catalog does not know asks for a metric, with a did-you-mean', () => {
    const issues = issuesOf(() =>
      load({
        monitoring: {
          visualization: {
            dashboards: [
              {
                name: 'X',
                panels: [
                  { title: 'CPU Usag', type: 'graph' },
                  { title: 'Q', type: 'pie' },
                ],
              },
            ],
          },
        },
      }),
    );
    expect(issues).toEqual([
      {
        path: 'monitoring.visualization.dashboards[0].panels[0].title',
        message: expect.stringMatching(
          /did you mean "cpu usage".*add metric: one of request_duration_seconds/,
        ),
      },
      {
        path: 'monitoring.visualization.dashboards[0].panels[1].type',
        message: expect.stringMatching(/timeseries\|gauge/),
      },
    ]);
    expect(
      load({
        monitoring: {
          visualization: { dashboards: [{ name: 'X', panels: [{ title: 'Q', metric: 'heap_used_bytes' }] }] },
        },
      }).monitoring.visualization.dashboards[0]!.panels,
    ).toEqual([{ title: 'Q', type: 'timeseries', metric: 'heap_used_bytes' }]);
  });

  it('a seed field and its canonical field in the same layer is an error naming both', () => {
    const issues = issuesOf(() =>
      load({
        metrics: { interval: 5 },
        monitoring: { metrics: { collectors: [{ type: 'request', interval: 10 }] } },
      }),
    );
    expect(issues).toEqual([
      {
        path: 'monitoring.metrics.collectors (request).interval',
        message: expect.stringMatching(
          /sets metrics.interval \/ exportIntervalMillis, which this layer also gives/,
        ),
      },
    ]);
    expect(
      issuesOf(() =>
        load({ alerts: [{ name: 'a', condition: 'p95(request_duration_seconds) > 1', threshold: 5 }] }),
      )[0]!.message,
    ).toMatch(/needs a bare metric/);
    expect(
      issuesOf(() =>
        load({ alerts: [{ name: 'a', condition: 'cpu_usage > 1', duration: '1m', for: '2m' }] }),
      )[0]!.message,
    ).toMatch(/either duration or for/);
  });
});

describe('share rules on latency', () => {
  it('need a bound that is a bucket boundary of the duration histogram', () => {
    expect(
      issuesOf(() =>
        load({ alerts: [{ name: 'a', condition: 'request_duration_seconds > 0.3', threshold: 10 }] }),
      ),
    ).toEqual([
      {
        path: 'alerts.rules[0].condition',
        message: expect.stringMatching(
          /0\.3 is not a bucket boundary of http\.server\.request\.duration \(0\.005, .*add it to metrics\.durationBuckets/,
        ),
      },
    ]);
    const ok = load({
      metrics: { durationBuckets: [0.1, 0.3, 1] },
      alerts: [{ name: 'a', condition: 'request_duration_seconds > 0.3', threshold: 10 }],
    });
    expect(ok.alerts.rules[0]!.share).toBe(0.1);
  });
});

describe('receivers and normalizeMonitoring', () => {
  it('masks webhook URLs in the summary', () => {
    const c = load({
      monitoring: {
        alertmanager: {
          receivers: [
            { name: 'pager', severity: 'critical', url: 'https://hooks.example.com/services/T00/B00/SECRET' },
            { name: 'channel', severity: 'warning', url: 'http://127.0.0.1:9099/' },
          ],
        },
      },
    });
    const s = formatSummary(c);
    expect(s).toMatch(
      /alertmanager pager\(critical\) https:\/\/hooks\.example\.com\/\*\*\*, channel\(warning\) http:\/\/127\.0\.0\.1:9099\//,
    );
    expect(s).not.toMatch(/SECRET/);
    expect(c.monitoring.alertmanager.receivers[0]).toEqual({
      name: 'pager',
      severities: ['critical'],
      url: 'https://hooks.example.com/services/T00/B00/SECRET',
      sendResolved: true,
    });
  });

  it('normalizeMonitoring gives the same slice and returns a loaded slice as it is', () => {
    const c = load({ monitoring: { storage: { retention: '30d', scrapeInterval: '5s' } } });
    expect(normalizeMonitoring({ storage: { retention: '30d', scrapeInterval: '5s' } })).toEqual(
      c.monitoring,
    );
    expect(normalizeMonitoring(c.monitoring)).toBe(c.monitoring);
    expect(() => normalizeMonitoring({ storage: { retention: 'forever' } } as never)).toThrow(
      /monitoring\.storage\.retention/,
    );
  });
});
