import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromExemplars {
  seriesLabels: Record<string, string>;
  exemplars: Array<{ labels: Record<string, string>; value: string; timestamp: number }>;
}

/** A further scrape job. */
export interface PromJob {
  name: string;
  targets: string[];
  metricsPath?: string;
}

export interface PrometheusOptions {
  /** Extra command-line flags, e.g. `--enable-feature=exemplar-storage`. */
  args?: string[];
  /** Jobs besides `app`. */
  jobs?: PromJob[];
}

export interface RealPrometheus {
  readonly port: number;
  /** Instant query; throws on a PromQL error. */
  query(promql: string): Promise<PromSample[]>;
  /** The first sample's value, or `undefined` when the query returns nothing. */
  scalar(promql: string): Promise<number | undefined>;
  /** `/api/v1/series`: the label sets of the series matching `match` (last 10 minutes). */
  series(match: string): Promise<Array<Record<string, string>>>;
  /** `/api/v1/query_exemplars` over the last 10 minutes (needs the `exemplar-storage` feature). */
  exemplars(promql: string): Promise<PromExemplars[]>;
  /** `/api/v1/targets`: each active target's job, health and last scrape error. */
  targets(): Promise<Array<{ job: string; health: string; lastError: string }>>;
  /** The last lines Prometheus logged (for failure messages). */
  log(): string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function scrapeConfig(targets: string[], metricsPath: string, jobs: PromJob[]): string {
  return [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 900ms',
    'scrape_configs:',
    '  - job_name: app',
    `    metrics_path: ${metricsPath}`,
    '    static_configs:',
    `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
    ...jobs.flatMap((job) => [
      `  - job_name: ${job.name}`,
      `    metrics_path: ${job.metricsPath ?? '/metrics'}`,
      '    static_configs:',
      `      - targets: [${job.targets.map((t) => `'${t}'`).join(', ')}]`,
    ]),
    '',
  ].join('\n');
}

/** The Prometheus HTTP API client over a started server process (Prometheus or VictoriaMetrics). */
function client(port: number, proc: ChildProcess, dir: string, log: () => string): RealPrometheus {
  const query = async (promql: string): Promise<PromSample[]> => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const json = (await res.json()) as { status: string; data: { result: PromSample[] }; error?: string };
    if (json.status !== 'success') throw new Error(`PromQL ${promql}: ${json.error}`);
    return json.data.result;
  };
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/${path}`);
    const json = (await res.json()) as { status: string; data: T; error?: string };
    if (json.status !== 'success') throw new Error(`${path}: ${json.error}`);
    return json.data;
  };
  const window = () => {
    const end = Date.now() / 1000;
    return `start=${end - 600}&end=${end + 60}`;
  };
  return {
    port,
    query,
    series: (match) =>
      api<Array<Record<string, string>>>(`series?match[]=${encodeURIComponent(match)}&${window()}`),
    exemplars: (promql) =>
      api<PromExemplars[]>(`query_exemplars?query=${encodeURIComponent(promql)}&${window()}`),
    targets: async () =>
      (
        await api<{
          activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }>;
        }>('targets?state=active')
      ).activeTargets.map((t) => ({ job: t.labels.job ?? '', health: t.health, lastError: t.lastError })),
    async scalar(promql) {
      const [first] = await query(promql);
      return first ? Number(first.value[1]) : undefined;
    },
    log,
    async close() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
        clearTimeout(timer);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function spawnLogged(bin: string, args: string[]): { proc: ChildProcess; log: () => string } {
  let log = '';
  const proc: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  return { proc, log: () => log };
}

/**
 * Starts the real `prometheus` binary (Debian's, installed by .ci/install-system-deps.sh) on a
 * free 127.0.0.1 port, scraping `targets` (host:port) every second, with its data in a temp dir.
 */
export async function startPrometheus(
  targets: string[],
  metricsPath = '/metrics',
  options: PrometheusOptions = {},
): Promise<RealPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'otelkit-prom-'));
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), scrapeConfig(targets, metricsPath, options.jobs ?? []));
  const { proc, log } = spawnLogged('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
    ...(options.args ?? []),
  ]);
  return client(port, proc, dir, log);
}

/**
 * Starts the real single-node VictoriaMetrics (Debian's `victoria-metrics`) on a free 127.0.0.1
 * port, scraping the same targets with the same scrape config as {@link startPrometheus}, and
 * answering the same Prometheus HTTP API (MetricsQL, a PromQL superset). Its default 30 s query
 * latency offset is turned off, so fresh samples are visible as in Prometheus. No exemplars.
 */
export async function startVictoriaMetrics(
  targets: string[],
  metricsPath = '/metrics',
  options: PrometheusOptions = {},
): Promise<RealPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'otelkit-vm-'));
  const port = await freePort();
  writeFileSync(join(dir, 'scrape.yml'), scrapeConfig(targets, metricsPath, options.jobs ?? []));
  const { proc, log } = spawnLogged('victoria-metrics', [
    `-promscrape.config=${join(dir, 'scrape.yml')}`,
    `-storageDataPath=${join(dir, 'data')}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    '-retentionPeriod=1d',
    '-search.latencyOffset=0s',
    '-search.disableCache',
    '-loggerLevel=ERROR',
    ...(options.args ?? []),
  ]);
  return client(port, proc, dir, log);
}

/** Retries `fn` until it stops throwing, or throws its last error after `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 30_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
