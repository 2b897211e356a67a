/**
 * Validates the deploy stack (docker-compose.yml + deploy/) with what runs on this machine:
 * promtool (config, rules, rule unit tests), the real `prometheus` server evaluating our rules
 * against the real OpenTelemetry Node Prometheus exporter, and structural checks tying the
 * compose file, the Collector, Prometheus, Alertmanager and Grafana configs together.
 * No Docker engine here, so images are not started; the Collector config is checked for
 * consistency, not run.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..');
const DEPLOY = path.join(REPO, 'deploy');
const PROMETHEUS_YML = path.join(DEPLOY, 'prometheus', 'prometheus.yml');
const RULES_DIR = path.join(DEPLOY, 'prometheus', 'rules');
const RULE_TESTS_DIR = path.join(DEPLOY, 'prometheus', 'tests');

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML documents and modules from other packages
type Any = any;
const YAML: { parse(text: string): Any } = require(
  require.resolve('yaml', { paths: [path.join(REPO, 'packages', 'config')] }),
);
function fromMetrics(name: string): Any {
  return require(require.resolve(name, { paths: [path.join(REPO, 'packages', 'metrics')] }));
}
function readYaml(file: string): Any {
  return YAML.parse(fs.readFileSync(file, 'utf8'));
}
function listFiles(dir: string, suffix: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => path.join(dir, f));
}

/** Finds a binary on PATH; the tests FAIL (not skip) when promtool is missing: CI installs it. */
function which(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, bin);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function run(bin: string, args: string[]): { code: number; output: string } {
  try {
    const output = execFileSync(bin, args, {
      cwd: REPO,
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

const compose = readYaml(path.join(REPO, 'docker-compose.yml'));
const services: Record<string, Any> = compose.services;
const rules = listFiles(RULES_DIR, '.rules.yml').map((f) => ({ file: f, doc: readYaml(f) }));
const allRules: Array<{ group: string; record?: string; alert?: string; expr: string }> = rules.flatMap(
  ({ doc }) => doc.groups.flatMap((g: Any) => g.rules.map((r: Any) => ({ group: g.name, ...r }))),
);

describe('Prometheus config and rules (promtool)', () => {
  const promtool = which('promtool');

  it('has promtool installed (CI installs it; nothing is skipped without it)', () => {
    expect(promtool).toBeDefined();
  });

  it('passes `promtool check config` and finds the rule files', () => {
    const { code, output } = run(promtool!, ['check', 'config', PROMETHEUS_YML]);
    expect(output).toMatch(/SUCCESS/);
    expect(code).toBe(0);
    expect(output).toMatch(/SUCCESS: [1-9]\d* rule files? found/);
  });

  it('passes `promtool check rules` for every rule file', () => {
    expect(rules.length).toBeGreaterThan(0);
    const { code, output } = run(promtool!, ['check', 'rules', ...rules.map((r) => r.file)]);
    expect(output).not.toMatch(/FAILED/);
    expect(code).toBe(0);
  });

  it('passes the rule unit tests (`promtool test rules`): alerts fire and stay quiet as intended', () => {
    const tests = listFiles(RULE_TESTS_DIR, '.test.yml');
    expect(tests.length).toBeGreaterThan(0);
    const { code, output } = run(promtool!, ['test', 'rules', ...tests]);
    expect(output).not.toMatch(/FAILED/);
    expect(code).toBe(0);
  });

  it('alerts on every recorded logical series: latency, error ratio, event loop', () => {
    const alertExprs = allRules
      .filter((r) => r.alert)
      .map((r) => r.expr)
      .join('\n');
    for (const record of [
      'job_route:http_server_request_duration_seconds:p95_5m',
      'job:http_server_request_error_ratio:rate5m',
      'job_instance:nodejs_eventloop_delay_p99_seconds:avg5m',
    ]) {
      expect(allRules.filter((r) => r.record === record).length).toBe(2); // direct + otlp
      expect(alertExprs).toContain(record);
    }
    for (const r of allRules.filter((x) => x.alert)) {
      expect([r.alert, (r as Any).labels?.severity]).toEqual([
        r.alert,
        expect.stringMatching(/^(warning|critical)$/),
      ]);
    }
  });
});

describe('rules against the real Node Prometheus exporter', () => {
  const { PrometheusExporter } = fromMetrics('@opentelemetry/exporter-prometheus');
  const { MeterProvider } = fromMetrics('@opentelemetry/sdk-metrics');
  const { resourceFromAttributes } = fromMetrics('@opentelemetry/resources');
  let exporter: Any;
  let provider: Any;
  let metricsUrl: string;
  let server: http.Server;
  const eventLoopP99 = 0.25;
  // Seconds buckets, as @otelkit/metrics configures for durations.
  const durations = () =>
    provider.getMeter('test').createHistogram('http.server.request.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: [0.05, 0.1, 0.5, 1, 2.5, 5] },
    });

  beforeAll(async () => {
    exporter = new PrometheusExporter({ host: '127.0.0.1', port: 0, preventServerStart: true });
    provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'deploy-test' }),
      readers: [exporter],
    });
    const meter = provider.getMeter('test');
    meter
      .createObservableGauge('nodejs.eventloop.delay.p99', { unit: 's' })
      .addCallback((o: Any) => o.observe(eventLoopP99));
    // The in-flight gauge @otelkit/metrics exports next to the duration (test/metric-catalog.test.ts).
    meter
      .createUpDownCounter('http.server.active_requests', { unit: '{request}' })
      .add(0, { 'http.route': '/ok' });
    // Serve the exporter's own handler on port 0 (its built-in server wants a fixed port).
    server = http.createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    metricsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    if (server) await new Promise((resolve) => server.close(resolve));
    await provider?.shutdown();
  });

  function record(route: string, status: number, seconds: number, times: number): void {
    const h = durations();
    for (let i = 0; i < times; i++) {
      h.record(seconds, {
        'http.route': route,
        'http.response.status_code': status,
        'http.request.method': 'GET',
      });
    }
  }

  function get(url: string): Promise<string> {
    return new Promise((resolve, reject) => {
      http
        .get(url, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
  }

  it('uses only metric and label names the direct-scrape exposition really has', async () => {
    record('/users/:id', 200, 0.02, 1);
    const text = await get(metricsUrl);
    const exposed = new Set([...text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{|\s)/gm)].map((m) => m[1]));
    const directExprs = allRules.filter((r) => r.group === 'otelkit-recording-direct').map((r) => r.expr);
    const used = new Set(
      directExprs.flatMap((e) => [...e.matchAll(/\b(http_server_\w+|nodejs_\w+)\b/g)].map((m) => m[1])),
    );
    expect(used.size).toBeGreaterThanOrEqual(3);
    for (const name of used) expect([name, exposed.has(name)]).toEqual([name, true]);
    // Label names the rules group and filter by.
    expect(text).toMatch(/http_server_request_duration_count\{[^}]*http_route="\/users\/:id"/);
    expect(text).toMatch(/http_response_status_code="200"/);
    // And no unit suffix on this path.
    expect(text).not.toMatch(/http_server_request_duration_seconds/);
  });

  it('a real Prometheus server scraping the exporter evaluates the recording rules and fires alerts', async () => {
    const prometheus = which('prometheus');
    expect(prometheus).toBeDefined();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-prom-'));
    const port = await freePort();
    // The deploy config, with the service target pointed at the local exporter and fast intervals.
    const config = readYaml(PROMETHEUS_YML);
    const job = config.scrape_configs.find((s: Any) => s.job_name === 'otelkit-service');
    expect(job).toBeDefined();
    const target = new URL(metricsUrl).host;
    const testConfig = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [path.join(RULES_DIR, '*.rules.yml')],
      scrape_configs: [{ ...job, scrape_interval: '1s', static_configs: [{ targets: [target] }] }],
    };
    fs.writeFileSync(path.join(work, 'prometheus.yml'), JSON.stringify(testConfig));
    const child = spawn(
      prometheus!,
      [
        `--config.file=${path.join(work, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(work, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (c) => {
      stderr += c;
    });
    // Traffic while Prometheus scrapes: /slow answers in ~2 s, /fail answers 500.
    const traffic = setInterval(() => {
      record('/slow', 200, 2, 5);
      record('/fail', 500, 0.01, 5);
      record('/ok', 200, 0.01, 5);
    }, 200);
    try {
      const query = async (q: string): Promise<Any[]> => {
        const body = await get(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
        const parsed = JSON.parse(body);
        return parsed.status === 'success' ? parsed.data.result : [];
      };
      const waitFor = async (q: string, ok: (r: Any[]) => boolean, ms = 60_000): Promise<Any[]> => {
        const until = Date.now() + ms;
        let last: Any[] = [];
        while (Date.now() < until) {
          try {
            last = await query(q);
            if (ok(last)) return last;
          } catch {
            // not up yet
          }
          await new Promise((r) => setTimeout(r, 500));
        }
        throw new Error(`timed out waiting for ${q}; last=${JSON.stringify(last)}; prometheus: ${stderr}`);
      };

      const p95 = await waitFor('job_route:http_server_request_duration_seconds:p95_5m', (r) =>
        r.some((s: Any) => s.metric.http_route === '/slow' && Number(s.value[1]) > 1),
      );
      const slow = p95.find((s: Any) => s.metric.http_route === '/slow');
      expect(slow.metric).toMatchObject({ job: 'otelkit-service', otelkit_path: 'direct' });
      expect(Number(slow.value[1])).toBeGreaterThan(1);
      expect(Number(slow.value[1])).toBeLessThanOrEqual(2.5);
      const ok = p95.find((s: Any) => s.metric.http_route === '/ok');
      expect(Number(ok.value[1])).toBeLessThanOrEqual(0.05);

      const ratio = await waitFor('job:http_server_request_error_ratio:rate5m', (r) => r.length > 0);
      expect(Number(ratio[0].value[1])).toBeGreaterThan(0.2);
      expect(Number(ratio[0].value[1])).toBeLessThan(0.5);

      const loop = await waitFor(
        'job_instance:nodejs_eventloop_delay_p99_seconds:avg5m',
        (r) => r.length > 0,
      );
      expect(Number(loop[0].value[1])).toBeCloseTo(0.25);

      // Alerts become pending (their `for:` is minutes) on exactly these conditions.
      const alerts = await waitFor('ALERTS{alertstate="pending"}', (r) => {
        const names = new Set(r.map((s: Any) => s.metric.alertname));
        return ['OtelkitHttpLatencyP95High', 'OtelkitHttpErrorRatioHigh', 'OtelkitEventLoopDelayHigh'].every(
          (n) => names.has(n),
        );
      });
      const latency = alerts.filter((s: Any) => s.metric.alertname === 'OtelkitHttpLatencyP95High');
      expect(latency.map((s: Any) => s.metric.http_route)).toEqual(['/slow']);
      expect(alerts.some((s: Any) => s.metric.alertname === 'OtelkitEventLoopBlocked')).toBe(false);
    } finally {
      clearInterval(traffic);
      child.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

describe('docker-compose.yml', () => {
  const expected = [
    'otel-collector',
    'jaeger',
    'prometheus',
    'alertmanager',
    'grafana',
    'elasticsearch',
    'kibana',
  ];

  it('parses as YAML and has the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual([...expected].sort());
  });

  // No compose CLI here (the docker CLI has no compose plugin): the compose-spec JSON schema as
  // dclint ships it, checked with ajv — what `docker compose config -q` checks first.
  it('is valid against the compose-spec JSON schema (and the check catches a misspelt key)', () => {
    const Ajv = require('ajv') as typeof import('ajv').default;
    const schema = JSON.parse(
      fs.readFileSync(path.join(REPO, 'node_modules', 'dclint', 'schemas', 'compose.schema.json'), 'utf8'),
    );
    // draft-07, named by an https URL ajv does not register: ajv's default dialect is draft-07
    expect(schema.$schema).toMatch(/draft-07/);
    delete schema.$schema;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const doc = readYaml(path.join(REPO, 'docker-compose.yml'));
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    const broken = structuredClone(doc) as { services: Record<string, Record<string, unknown>> };
    broken.services.prometheus!.portz = ['127.0.0.1:9090:9090'];
    expect(validate(broken)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('portz');
  });

  it.each(expected)('%s: image pinned to an exact version tag', (name) => {
    const image: string = services[name].image;
    const match = /^(?<repo>[^@]+?)(?::(?<tag>[^:/@]+))?(?:@sha256:[0-9a-f]{64})?$/.exec(image);
    expect(match?.groups?.tag).toBeDefined();
    expect(match!.groups!.tag).not.toMatch(/^(latest|stable|main|master|nightly|edge)$/);
    expect(match!.groups!.tag).toMatch(/\d+\.\d+\.\d+/);
  });

  it.each(expected)('%s: every bind-mounted config exists in the repo', (name) => {
    const mounts: string[] = (services[name].volumes ?? []).filter((v: string) => v.startsWith('./'));
    for (const mount of mounts) {
      const source = path.join(REPO, mount.split(':')[0]);
      expect([mount, fs.existsSync(source)]).toEqual([mount, true]);
    }
  });

  it('publishes ports on 127.0.0.1 only', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const p of (svc.ports ?? []) as string[])
        expect([name, p]).toEqual([name, expect.stringMatching(/^127\.0\.0\.1:/)]);
    }
  });

  it('every repo config under deploy/ is mounted by some service (nothing stale)', () => {
    const mounted = Object.values(services).flatMap((s: Any) =>
      ((s.volumes ?? []) as string[])
        .filter((v) => v.startsWith('./'))
        .map((v) => path.join(REPO, v.split(':')[0])),
    );
    const configs = [
      'deploy/otel-collector/config.yaml',
      'deploy/prometheus/prometheus.yml',
      'deploy/prometheus/rules/otelkit.rules.yml',
      'deploy/alertmanager/alertmanager.yml',
      'deploy/grafana/provisioning/datasources/datasources.yml',
      'deploy/grafana/provisioning/dashboards/dashboards.yml',
      'deploy/grafana/dashboards/otelkit-service.json',
      'deploy/elasticsearch/elasticsearch.yml',
      'deploy/kibana/kibana.yml',
    ];
    for (const c of configs) {
      const abs = path.join(REPO, c);
      expect([c, fs.existsSync(abs)]).toEqual([c, true]);
      expect([c, mounted.some((m) => abs === m || abs.startsWith(m + path.sep))]).toEqual([c, true]);
    }
  });
});

describe('OpenTelemetry Collector config', () => {
  const config = readYaml(path.join(DEPLOY, 'otel-collector', 'config.yaml'));
  const collector = services['otel-collector'];

  it('receives OTLP on 4317 (gRPC) and 4318 (HTTP), published by compose', () => {
    expect(config.receivers.otlp.protocols.grpc.endpoint).toBe('0.0.0.0:4317');
    expect(config.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(collector.ports).toEqual(expect.arrayContaining(['127.0.0.1:4317:4317', '127.0.0.1:4318:4318']));
  });

  it('wires every pipeline to defined components, memory_limiter first', () => {
    for (const [name, pipeline] of Object.entries<Any>(config.service.pipelines)) {
      for (const kind of ['receivers', 'processors', 'exporters'] as const) {
        for (const id of pipeline[kind] ?? [])
          expect([name, kind, id, id in config[kind]]).toEqual([name, kind, id, true]);
      }
      expect([name, pipeline.processors[0]]).toEqual([name, 'memory_limiter']);
    }
    for (const id of config.service.extensions) expect(config.extensions).toHaveProperty([id]);
  });

  it('sends traces to Jaeger, metrics to the Prometheus exporter, logs to Elasticsearch', () => {
    const { traces, metrics, logs } = config.service.pipelines;
    expect(traces.exporters).toEqual(['otlp/jaeger']);
    expect(metrics.exporters).toEqual(['prometheus']);
    expect(logs.exporters).toEqual(['elasticsearch']);
    const [jaegerHost, jaegerPort] = config.exporters['otlp/jaeger'].endpoint.split(':');
    expect(services).toHaveProperty([jaegerHost]);
    expect(jaegerPort).toBe('4317');
    expect(services.jaeger.environment.COLLECTOR_OTLP_ENABLED).toBe('true');
    const es = new URL(config.exporters.elasticsearch.endpoints[0]);
    expect(services).toHaveProperty([es.hostname]);
    expect(config.exporters.elasticsearch.logs_index).toMatch(/^logs-[^-]+-[^-]+$/); // logs-*-* data stream
  });

  it('is scraped by Prometheus on the ports it exposes (exporter and own telemetry)', () => {
    const prom = readYaml(PROMETHEUS_YML);
    const targets = (jobName: string): string[] =>
      prom.scrape_configs
        .find((s: Any) => s.job_name === jobName)
        .static_configs.flatMap((c: Any) => c.targets);
    const exporterPort = config.exporters.prometheus.endpoint.split(':')[1];
    expect(targets('otel-collector-exporter')).toEqual([`otel-collector:${exporterPort}`]);
    const telemetryPort = config.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port;
    expect(targets('otel-collector')).toEqual([`otel-collector:${telemetryPort}`]);
    expect(prom.scrape_configs.find((s: Any) => s.job_name === 'otel-collector-exporter').honor_labels).toBe(
      true,
    );
  });
});

describe('Prometheus, Alertmanager and Grafana wiring', () => {
  const prom = readYaml(PROMETHEUS_YML);

  it('scrapes the example service at host.docker.internal:9464, reachable through extra_hosts', () => {
    const job = prom.scrape_configs.find((s: Any) => s.job_name === 'otelkit-service');
    expect(job.static_configs[0].targets).toEqual(['host.docker.internal:9464']);
    expect(services.prometheus.extra_hosts).toContain('host.docker.internal:host-gateway');
    // The alert on a missing target names this job.
    expect(allRules.find((r) => r.alert === 'OtelkitTargetDown')!.expr).toContain('job="otelkit-service"');
  });

  it('every scrape target host and the Alertmanager target is a compose service (or Prometheus itself)', () => {
    const hosts = prom.scrape_configs.flatMap((s: Any) =>
      s.static_configs.flatMap((c: Any) => c.targets.map((t: string) => t.split(':')[0])),
    );
    for (const host of hosts) {
      expect([host, host in services || host === 'localhost' || host === 'host.docker.internal']).toEqual([
        host,
        true,
      ]);
    }
    const am = prom.alerting.alertmanagers[0].static_configs[0].targets[0];
    expect(am).toBe('alertmanager:9093');
  });

  it('Alertmanager: config parses, every routed receiver is defined (and amtool agrees when installed)', () => {
    const file = path.join(DEPLOY, 'alertmanager', 'alertmanager.yml');
    const am = readYaml(file);
    const defined = new Set(am.receivers.map((r: Any) => r.name));
    const routed: string[] = [];
    const walk = (route: Any) => {
      if (route.receiver) routed.push(route.receiver);
      for (const r of route.routes ?? []) walk(r);
    };
    walk(am.route);
    expect(routed.length).toBeGreaterThan(1);
    for (const r of routed) expect([r, defined.has(r)]).toEqual([r, true]);
    // Severities the rules emit are the ones routing and inhibition know.
    const severities = new Set(allRules.filter((r) => r.alert).map((r) => (r as Any).labels.severity));
    expect([...severities].sort()).toEqual(['critical', 'warning']);
    const amtool = which('amtool');
    if (amtool) expect(run(amtool, ['check-config', file]).code).toBe(0);
  });

  it('Grafana: provisions Prometheus, Jaeger and Elasticsearch at compose service URLs', () => {
    const ds = readYaml(path.join(DEPLOY, 'grafana', 'provisioning', 'datasources', 'datasources.yml'));
    const byType = Object.fromEntries(ds.datasources.map((d: Any) => [d.type, d]));
    expect(Object.keys(byType).sort()).toEqual(['elasticsearch', 'jaeger', 'prometheus']);
    expect(new URL(byType.prometheus.url).host).toBe('prometheus:9090');
    expect(new URL(byType.jaeger.url).host).toBe('jaeger:16686');
    expect(new URL(byType.elasticsearch.url).host).toBe('elasticsearch:9200');
    // Cross-links point at datasources that exist.
    const uids = new Set(ds.datasources.map((d: Any) => d.uid));
    expect(uids.has(byType.jaeger.jsonData.tracesToLogsV2.datasourceUid)).toBe(true);
    expect(uids.has(byType.elasticsearch.jsonData.dataLinks[0].datasourceUid)).toBe(true);
    expect(uids.has(byType.prometheus.jsonData.exemplarTraceIdDestinations[0].datasourceUid)).toBe(true);
  });

  it('Grafana: the dashboard queries only series the recording rules produce', () => {
    const dashboard = JSON.parse(
      fs.readFileSync(path.join(DEPLOY, 'grafana', 'dashboards', 'otelkit-service.json'), 'utf8'),
    );
    const provider = readYaml(path.join(DEPLOY, 'grafana', 'provisioning', 'dashboards', 'dashboards.yml'));
    expect(services.grafana.volumes).toContain(
      `./deploy/grafana/dashboards:${provider.providers[0].options.path}:ro`,
    );
    const recorded = new Set(allRules.map((r) => r.record).filter(Boolean));
    const exprs: string[] = dashboard.panels.flatMap((p: Any) => p.targets.map((t: Any) => t.expr));
    expect(exprs.length).toBeGreaterThan(0);
    for (const expr of exprs) {
      const series = expr.match(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+/)?.[0];
      expect([expr, series !== undefined && recorded.has(series)]).toEqual([expr, true]);
    }
  });

  it('Elasticsearch and Kibana configs parse; Kibana points at the compose Elasticsearch', () => {
    const es = readYaml(path.join(DEPLOY, 'elasticsearch', 'elasticsearch.yml'));
    expect(es['discovery.type']).toBe('single-node');
    const kibana = readYaml(path.join(DEPLOY, 'kibana', 'kibana.yml'));
    expect(kibana['elasticsearch.hosts']).toEqual(['http://elasticsearch:9200']);
    expect(services.elasticsearch.image.split(':')[1]).toBe(services.kibana.image.split(':')[1]);
  });
});
