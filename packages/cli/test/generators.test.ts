// The generators checked with the real tools: promtool (check rules, test rules), amtool
// (check-config, routing), and a real Prometheus scraping a real otelkit service (HTTP metrics,
// resource monitor, a pool) on both naming paths, querying every dashboard expression.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  findCatalogEntry,
  loadConfig,
  METRIC_CATALOG,
  normalizePools,
  type OtelkitConfig,
} from '@otelkit/config';
import { createMetrics, withHttpMetrics } from '@otelkit/metrics';
import { createResourceManager } from '@otelkit/resource-manager';
import { ResourceMonitor } from '@otelkit/resource-monitor';
import { eventually, startPrometheus, startVictoriaMetrics } from '../../../test/support/prometheus';
import {
  configAlert,
  GenerateError,
  generateAlertmanagerConfig,
  generateFiles,
  generateGrafanaDashboards,
  generatePrometheusConfig,
  generatePrometheusRules,
  maskAlertmanagerConfig,
} from '../src/index';

jest.setTimeout(120_000);

// biome-ignore lint/suspicious/noExplicitAny: generated JSON read back in assertions
type Any = any;

const SEED = path.join(__dirname, '..', '..', 'config', 'test', 'fixtures', 'seed-004');
const { createPool } = require(
  require.resolve('generic-pool', { paths: [path.join(__dirname, '..', '..', 'resource-manager')] }),
) as GenericPoolModule;

/** The part of generic-pool's API used here (its types are not visible from this package). */
interface GenericPoolModule {
  createPool(
    factory: { create(): Promise<object>; destroy(o: object): Promise<void> },
    options: { max: number },
  ): { drain(): Promise<void>; clear(): Promise<void> };
}

function run(bin: string, args: string[], cwd?: string): { code: number; output: string } {
  try {
    const output = execFileSync(bin, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    return { code: 0, output };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Every catalog metric, every operator family, labels and a runbook: the generators' hard cases. */
const WIDE: Record<string, unknown> = {
  service: { name: 'wide' },
  alerts: [
    { name: 'slow_p95', condition: 'request_duration_seconds > 0.5', for: '5m', severity: 'warning' },
    {
      name: 'errors',
      condition: 'error_rate > 0.05',
      for: '2m',
      severity: 'critical',
      labels: { team: 'orders' },
    },
    { name: 'idle', condition: 'request_rate < 1', for: '10m' },
    { name: 'busy', condition: 'active_requests > 100' },
    {
      name: 'cpu',
      condition: 'cpu_usage > 80',
      duration: '5m',
      severity: 'critical',
      runbook: 'https://runbooks.example.com/cpu',
    },
    { name: 'cpu_share', condition: 'cpu_usage > 90', threshold: 50, duration: '3m' },
    { name: 'proc_cpu', condition: 'process_cpu_usage >= 95', for: '1m' },
    { name: 'mem_pct', condition: 'avg(memory_usage) > 90', window: '5m', for: '5m' },
    { name: 'heap', condition: 'heap_used_bytes > 512MiB', for: '5m' },
    { name: 'loop', condition: 'event_loop_delay_seconds > 0.1', for: '2m', severity: 'critical' },
    { name: 'pools', condition: 'pool_utilisation >= 0.9', for: '1m' },
    { name: 'fast_share', condition: 'request_duration_seconds > 2.5', threshold: 1, duration: '1m' },
  ],
  monitoring: {
    alertmanager: {
      receivers: [
        { name: 'pager', severity: 'critical', url: 'https://events.example.com/v2/enqueue?token=SECRET1' },
        { name: 'slack', severity: ['warning'], url: 'https://hooks.slack.com/services/T00/B00/SECRET2' },
      ],
    },
  },
};

const configs: Array<[string, OtelkitConfig]> = [
  ['the seed alerts', loadConfig({ env: {}, file: path.join(SEED, 'alert-configuration.yaml') })],
  [
    'the repository deploy config',
    loadConfig({ env: {}, file: path.join(__dirname, '..', '..', '..', 'deploy', 'otelkit.yaml') }),
  ],
  ['every catalog metric', loadConfig({ env: {}, file: false, config: WIDE as never })],
];

describe.each(configs)('generated Prometheus rules for %s', (_name, config) => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-gen-'));
    for (const [f, content] of Object.entries(generateFiles(config))) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), content);
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pass `promtool check rules` and `promtool check config`', () => {
    const rules = run(
      'promtool',
      ['check', 'rules', 'prometheus/rules/otelkit.rules.yml', 'prometheus/rules/config-alerts.rules.yml'],
      dir,
    );
    expect(rules.output).toMatch(/SUCCESS: \d+ rules found[\s\S]*SUCCESS/);
    expect(rules.code).toBe(0);
    const cfg = run('promtool', ['check', 'config', '--syntax-only', 'prometheus/prometheus.yml'], dir);
    expect([cfg.code, cfg.output]).toEqual([0, expect.stringMatching(/SUCCESS/)]);
  });

  it('pass their generated `promtool test rules`: each alert fires (both paths) and stays quiet', () => {
    const file = generateFiles(config)['prometheus/tests/config-alerts.rules.test.yml']!;
    for (const r of config.alerts.rules) {
      expect(file).toContain(`name: "${r.name}: fires (direct)"`);
      expect(file).toContain(`name: "${r.name}: fires (otlp)"`);
      expect(file).toContain(`name: "${r.name}: stays quiet (direct)"`);
    }
    const t = run('promtool', ['test', 'rules', 'prometheus/tests/config-alerts.rules.test.yml'], dir);
    expect([t.code, t.output]).toEqual([0, expect.stringMatching(/SUCCESS/)]);
  });

  it('the tests can fail: with each alert comparison turned around, the firing cases fail', () => {
    const rulesFile = path.join(dir, 'prometheus', 'rules', 'config-alerts.rules.yml');
    const original = fs.readFileSync(rulesFile, 'utf8');
    const flip: Record<string, string> = { '>': '<=', '>=': '<', '<': '>=', '<=': '>' };
    try {
      fs.writeFileSync(
        rulesFile,
        original.replace(/ (>=|<=|>|<) (-?[0-9.e+]+)$/gm, (_m, op: string, v: string) => ` ${flip[op]} ${v}`),
      );
      expect(fs.readFileSync(rulesFile, 'utf8')).not.toBe(original);
      const t = run('promtool', ['test', 'rules', 'prometheus/tests/config-alerts.rules.test.yml'], dir);
      expect(t.code).not.toBe(0);
      expect(t.output).toMatch(/FAILED/);
    } finally {
      fs.writeFileSync(rulesFile, original);
    }
  });
});

describe('alerting rules', () => {
  it('carry for, severity, annotations and runbook_url; expr from the catalog on both paths', () => {
    const config = loadConfig({ env: {}, file: false, config: WIDE as never });
    const cpu = configAlert(config.alerts.rules.find((r) => r.name === 'cpu')!);
    expect(cpu).toEqual({
      alert: 'Cpu',
      expr: '(\n  100 * max by (job, instance) (otelkit_cpu_utilization) > 80\n)\nor\n(\n  100 * max by (job, instance) (otelkit_cpu_utilization_ratio) > 80\n)\n',
      for: '5m',
      labels: { severity: 'critical', otelkit_alert: 'cpu' },
      annotations: {
        summary: 'cpu: {{ $labels.job }} {{ $labels.instance }} cpu_usage > 80',
        description: 'cpu_usage > 80 for 5m (otelkit config: cpu_usage > 80).',
        runbook_url: 'https://runbooks.example.com/cpu',
      },
    });
    const errors = configAlert(config.alerts.rules.find((r) => r.name === 'errors')!);
    expect(errors.labels).toEqual({ team: 'orders', severity: 'critical', otelkit_alert: 'errors' });
  });

  it('record p95 per route, request rate and error ratio on each path, labelled by path', () => {
    const file = generatePrometheusRules(loadConfig({ env: {}, file: false }))['otelkit.rules.yml']!;
    const [direct, otlp] = file.groups;
    for (const [g, path] of [
      [direct!, 'direct'],
      [otlp!, 'otlp'],
    ] as const) {
      const records = g.rules.map((r) => ('record' in r ? r.record : ''));
      expect(records).toEqual(
        expect.arrayContaining([
          'job_route:http_server_request_duration_seconds:p95_5m',
          'job_route:http_server_requests:rate5m',
          'job:http_server_requests:rate5m',
          'job:http_server_request_error_ratio:rate5m',
        ]),
      );
      expect(records).toEqual(expect.arrayContaining(METRIC_CATALOG.map((e) => e.recorded)));
      for (const r of g.rules)
        expect((r as { labels: Record<string, string> }).labels).toEqual({ otelkit_path: path });
    }
  });

  it('an alert on a metric outside the catalog is a GenerateError naming it and the catalog', () => {
    const config = loadConfig({
      env: {},
      file: false,
      config: { alerts: [{ name: 'q', condition: 'queue_depth > 5' }] },
    });
    expect(() => generatePrometheusRules(config)).toThrow(GenerateError);
    expect(() => generatePrometheusRules(config)).toThrow(
      /"q": queue_depth is not in the metric catalog.*request_duration_seconds/,
    );
  });
});

describe('Prometheus scrape config', () => {
  it('takes scrape_interval and the target from storage, retention as the flag', () => {
    const config = loadConfig({ env: {}, file: path.join(SEED, 'configuration.yaml') });
    const p = generatePrometheusConfig(config);
    expect(p.global).toEqual({ scrape_interval: '10s', scrape_timeout: '10s', evaluation_interval: '10s' });
    expect(p.scrape_configs[0]).toEqual({
      job_name: 'otelkit-service',
      static_configs: [{ targets: ['host.docker.internal:9464'], labels: { source: 'direct' } }],
    });
    expect(generateFiles(config, ['prometheus'])['prometheus/prometheus.yml']).toContain(
      'Start Prometheus with: --storage.tsdb.retention.time=15d',
    );
  });
});

describe('Alertmanager routing', () => {
  const config = loadConfig({ env: {}, file: false, config: WIDE as never });
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-am-'));
    fs.writeFileSync(
      path.join(dir, 'alertmanager.yml'),
      generateFiles(config, ['alertmanager'])['alertmanager/alertmanager.yml']!,
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes `amtool check-config`', () => {
    const r = run('amtool', ['check-config', path.join(dir, 'alertmanager.yml')]);
    expect([r.code, r.output]).toEqual([0, expect.stringMatching(/SUCCESS/)]);
  });

  it.each([
    [['severity=critical', 'alertname=Cpu'], 'pager'],
    [['severity=warning', 'alertname=Idle'], 'slack'],
    [['alertname=Other'], 'default'],
  ])('routes %j to %s (amtool config routes test)', (labels, receiver) => {
    const r = run('amtool', [
      'config',
      'routes',
      'test',
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      ...labels,
    ]);
    expect(r.output.trim()).toBe(receiver);
  });

  it('inhibits a warning while the critical alert of the same name fires; URLs masked for printing', () => {
    const am = generateAlertmanagerConfig(config);
    expect(am.inhibit_rules[0]).toEqual({
      source_matchers: ['severity="critical"'],
      target_matchers: ['severity="warning"'],
      equal: ['alertname', 'job', 'instance'],
    });
    expect(am.inhibit_rules.map((r) => r.source_matchers[0])).toEqual([
      'severity="critical"',
      'alertname="OtelkitEventLoopBlocked"',
      'alertname="OtelkitTargetDown"',
    ]);
    const masked = JSON.stringify(maskAlertmanagerConfig(am));
    expect(masked).not.toMatch(/SECRET/);
    expect(masked).toContain('https://hooks.slack.com/***');
  });
});

describe('Grafana dashboards', () => {
  const config = loadConfig({ env: {}, file: false, config: WIDE as never });
  const dashboards = Object.values(generateGrafanaDashboards(config));

  it('default to the seed "Performance" and "Resources" and pass the schema checks Grafana needs to load them', () => {
    expect(dashboards.map((d) => d.title)).toEqual(['Performance', 'Resources']);
    for (const d of dashboards) {
      // the required fields of a provisioned dashboard (@grafana/schema's Dashboard type is also
      // applied to the generator's object at compile time)
      expect(d).toMatchObject({
        uid: expect.stringMatching(/^[a-z0-9-]{1,40}$/),
        title: expect.any(String),
        schemaVersion: 39,
      });
      const ids = new Set<number>();
      for (const p of d.panels as unknown as Array<Record<string, Any>>) {
        expect(['timeseries', 'gauge', 'stat', 'table', 'heatmap', 'logs']).toContain(p.type);
        expect(p.gridPos).toEqual({
          h: expect.any(Number),
          w: expect.any(Number),
          x: expect.any(Number),
          y: expect.any(Number),
        });
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
        expect(ids.has(p.id)).toBe(false);
        ids.add(p.id);
        expect(p.datasource).toEqual({
          type: expect.stringMatching(/^(prometheus|elasticsearch)$/),
          uid: expect.any(String),
        });
        expect(p.targets.length).toBeGreaterThan(0);
        for (const t of p.targets) expect(t.refId).toMatch(/^[A-Z]$/);
      }
      expect(d.templating.list.map((v) => v.name)).toEqual(['service', 'instance', 'route']);
    }
  });

  it('panels carry the catalog PromQL for both paths, units, thresholds from the alerts, exemplars', () => {
    const [perf, res] = dashboards as unknown as Array<{ panels: Array<Record<string, Any>> }>;
    const latency = perf!.panels.find((p) => p.title === 'Request Latency')!;
    expect(latency.targets.map((t: Any) => t.expr)).toEqual([
      'histogram_quantile(0.95, sum by (job, http_route, le) (rate(http_server_request_duration_bucket{job=~"$service",http_route=~"$route"}[5m])))',
      'histogram_quantile(0.95, sum by (job, http_route, le) (rate(http_server_request_duration_seconds_bucket{job=~"$service",http_route=~"$route"}[5m])))',
    ]);
    expect(latency.targets.every((t: Any) => t.exemplar === true)).toBe(true);
    expect(latency.fieldConfig.defaults.unit).toBe('s');
    // slow_p95 (warning, 0.5) and fast_share (warning, 2.5): the lower one
    expect(latency.fieldConfig.defaults.thresholds.steps).toEqual([
      { color: 'green', value: null },
      { color: 'orange', value: 0.5 },
    ]);
    const cpu = res!.panels.find((p) => p.title === 'CPU Usage')!;
    expect(cpu.fieldConfig.defaults.unit).toBe('percent');
    expect(cpu.fieldConfig.defaults.thresholds.steps).toEqual(
      [
        { color: 'green', value: null },
        { color: 'orange', value: 90 },
        { color: 'red', value: 80 },
      ].sort((a, b) => (a.value ?? -1) - (b.value ?? -1)),
    );
    const memory = res!.panels.find((p) => p.title === 'Memory Usage')!;
    expect(memory.fieldConfig.defaults.unit).toBe('bytes');
  });

  it('logs come from Elasticsearch, with links by trace.id to Jaeger and Kibana', () => {
    const logs = (dashboards[0]!.panels as unknown as Array<Record<string, Any>>).find(
      (p) => p.type === 'logs',
    )!;
    expect(logs.datasource).toEqual({ type: 'elasticsearch', uid: 'elasticsearch' });
    const links = logs.fieldConfig.defaults.links.map((l: Any) => l.url).join('\n');
    expect(links).toContain('trace.id');
    expect(links).toContain('http://localhost:5601/app/discover');
    expect(links).toContain('"datasource":"jaeger"');
  });
});

describe.each([
  ['Prometheus', startPrometheus],
  ['VictoriaMetrics', startVictoriaMetrics],
] as const)(
  'every dashboard expression returns data from a real %s, on both naming paths',
  (_backend, startBackend) => {
    it('direct scrape of a running service, and the same exposition renamed as the Collector names it', async () => {
      const config = loadConfig({
        env: {},
        file: false,
        config: { metrics: { exporters: [{ type: 'prometheus', mode: 'handler' }] } },
      });
      const metrics = createMetrics(config.metrics);
      const monitor = new ResourceMonitor({ intervalMillis: 250, meterProvider: metrics.provider });
      const manager = createResourceManager(normalizePools({ interval: 1, kinds: ['generic-pool'] }), {
        monitor,
        meter: metrics.meter,
      });
      const pool = createPool({ create: async () => ({}), destroy: async () => {} }, { max: 4 });
      manager.register({ id: 'db', type: 'generic-pool', resource: pool });
      const app = http.createServer(
        withHttpMetrics(metrics, (req, res) => {
          res.statusCode = req.url === '/fail' ? 500 : 200;
          res.end('ok');
        }),
      );
      const scrape = http.createServer(metrics.handler);
      // The OTLP path, simulated: the direct exposition with the catalog's OTLP names (unit suffixes).
      const renames = METRIC_CATALOG.filter((e) => e.series.direct !== e.series.otlp)
        .map((e) => [e.series.direct, e.series.otlp] as const)
        .sort((a, b) => b[0].length - a[0].length);
      const collector = http.createServer((_req, res) => {
        http.get(
          { host: '127.0.0.1', port: (scrape.address() as AddressInfo).port, path: '/metrics' },
          (r) => {
            let body = '';
            r.setEncoding('utf8');
            r.on('data', (d) => {
              body += d;
            });
            r.on('end', () => {
              const out = body
                .split('\n')
                .map((line) => {
                  const name = /^(# (?:HELP|TYPE) )?([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
                  if (!name) return line;
                  const hit = renames.find(
                    ([d]) =>
                      name[2] === d ||
                      (name[2]!.startsWith(d) && /^_(bucket|count|sum)$/.test(name[2]!.slice(d.length))),
                  );
                  return hit ? line.replace(hit[0], hit[1]) : line;
                })
                .join('\n');
              res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
              res.end(out);
            });
          },
        );
      });
      for (const s of [app, scrape, collector]) await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      const port = (s: http.Server) => (s.address() as AddressInfo).port;
      const traffic = setInterval(() => {
        for (const p of ['/ok', '/ok', '/fail'])
          http.get({ host: '127.0.0.1', port: port(app), path: p }, (r) => r.resume());
      }, 100);
      await monitor.start();
      await manager.start();
      const prom = await startBackend([`127.0.0.1:${port(scrape)}`], '/metrics', {
        jobs: [{ name: 'collector', targets: [`127.0.0.1:${port(collector)}`] }],
      });
      try {
        const dashboards = Object.values(generateGrafanaDashboards(config));
        const exprs = dashboards.flatMap((d) =>
          (d.panels as unknown as Array<Record<string, Any>>)
            .filter((p) => p.datasource.type === 'prometheus')
            .flatMap((p) =>
              p.targets.map((t: Any, i: number) => ({
                panel: p.title,
                path: i === 0 ? 'direct' : 'otlp',
                expr: t.expr as string,
              })),
            ),
        );
        expect(exprs.length).toBeGreaterThanOrEqual(16);
        const concrete = (e: string) =>
          e
            .replaceAll('$service', '.+')
            .replaceAll('$instance', '.+')
            .replaceAll('$route', '.*')
            .replaceAll('$__rate_interval', '1m');
        const results = await eventually(
          async () => {
            const got = await Promise.all(
              exprs.map(async (x) => ({ ...x, n: (await prom.query(concrete(x.expr))).length })),
            );
            const empty = got.filter((g) => g.n === 0);
            if (empty.length)
              throw new Error(`no data yet: ${empty.map((e) => `${e.panel} (${e.path})`).join(', ')}`);
            return got;
          },
          60_000,
          1000,
        );
        expect(results.every((r) => r.n > 0)).toBe(true);
        // both scrape jobs healthy: the exposition parses in this backend, no scrape errors
        expect((await prom.targets()).map((t) => [t.job, t.health, t.lastError]).sort()).toEqual([
          ['app', 'up', ''],
          ['collector', 'up', ''],
        ]);
        // and the catalog knows every metric a panel shows
        for (const d of dashboards)
          for (const p of d.panels as unknown as Array<Record<string, Any>>)
            if (p.type !== 'logs')
              expect(findCatalogEntry(String(p.description).split(' — ')[1]!.split(' ')[0]!)).toBeDefined();
      } finally {
        clearInterval(traffic);
        await prom.close();
        await manager.shutdown();
        await monitor.shutdown();
        await pool.drain();
        await pool.clear();
        for (const s of [app, scrape, collector]) {
          s.closeAllConnections();
          await new Promise((r) => s.close(r));
        }
        await metrics.shutdown();
      }
    });
  },
);
