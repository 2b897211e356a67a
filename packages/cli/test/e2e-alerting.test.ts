// End to end with the real Debian binaries, on ephemeral 127.0.0.1 ports: a slow route of a real
// service → the generated Prometheus rule (generated prometheus.yml, scraping it) → the generated
// Alertmanager config → a local webhook receiver, firing and then resolved; and the same config
// rule in the in-process alert engine fires within the same window.
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@otelkit/config';
import { createMetrics, withHttpMetrics } from '@otelkit/metrics';
import { type AlertEvent, createResourceMonitor } from '@otelkit/resource-monitor';
import { stringify } from 'yaml';
import { generateAlertmanagerConfig, generatePrometheusConfig, generatePrometheusRules } from '../src/index';

jest.setTimeout(150_000);

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

function start(bin: string, args: string[]): { proc: ChildProcess; log: () => string } {
  let log = '';
  const proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr!.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  return { proc, log: () => log };
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  proc.kill('SIGTERM');
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve();
    }, 10_000);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

async function until<T>(what: string, fn: () => T | undefined, ms: number, log: () => string): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}\n${log()}`);
}

interface Notification {
  status: string;
  alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }>;
}

describe('a generated alert, end to end', () => {
  it('slow route → Prometheus rule → Alertmanager → webhook, firing then resolved; in-process too', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-e2e-'));
    const notifications: Notification[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        notifications.push(JSON.parse(body) as Notification);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const metricsPort = await freePort();
    const [promPort, amPort] = [await freePort(), await freePort()];

    // One config: the service's metrics endpoint, the alert, the backend that watches it.
    const config = loadConfig({
      env: {},
      file: false,
      config: {
        metrics: { exporters: [{ type: 'prometheus', port: metricsPort }] },
        resources: { interval: '1s' },
        alerts: [
          // the seed's form: more than half of the requests slower than 0.25 s, held 2 s
          {
            name: 'slow_route',
            condition: 'request_duration_seconds > 0.25',
            threshold: 50,
            window: '10s',
            duration: '2s',
          },
        ],
        monitoring: {
          storage: { scrape_interval: '1s', target: `127.0.0.1:${metricsPort}` },
          alertmanager: {
            receivers: [
              {
                name: 'hook',
                severity: ['warning', 'critical'],
                url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`,
              },
            ],
            groupWait: '1s',
            groupInterval: '1s',
            repeatInterval: '1h',
          },
        },
      },
    });

    const prometheusYml = generatePrometheusConfig(config, {
      alertmanager: `127.0.0.1:${amPort}`,
      collector: null,
    });
    fs.mkdirSync(path.join(work, 'rules'));
    fs.writeFileSync(path.join(work, 'prometheus.yml'), stringify(prometheusYml));
    fs.writeFileSync(
      path.join(work, 'rules', 'config-alerts.rules.yml'),
      stringify(generatePrometheusRules(config)['config-alerts.rules.yml']),
    );
    fs.writeFileSync(path.join(work, 'alertmanager.yml'), stringify(generateAlertmanagerConfig(config)));

    const metrics = createMetrics(config.metrics);
    const monitor = createResourceMonitor(config, { meterProvider: metrics.provider });
    const events: AlertEvent[] = [];
    monitor.onAlert((e) => {
      events.push(e);
    });
    let slow = true;
    const app = http.createServer(
      withHttpMetrics(metrics, (req, res) => {
        const started = Date.now();
        const delay = req.url === '/slow' && slow ? 300 : 5;
        setTimeout(() => {
          // the app records its request durations on the monitor, as the in-process engine reads them
          monitor.recordMetric('request_duration_seconds', (Date.now() - started) / 1000);
          res.end('ok');
        }, delay);
      }),
    );
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const appPort = (app.address() as AddressInfo).port;
    const traffic = setInterval(() => {
      http.get({ host: '127.0.0.1', port: appPort, path: '/slow' }, (r) => r.resume()).on('error', () => {});
    }, 50);

    const am = start('prometheus-alertmanager', [
      `--config.file=${path.join(work, 'alertmanager.yml')}`,
      `--storage.path=${path.join(work, 'am')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ]);
    const prom = start('prometheus', [
      `--config.file=${path.join(work, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(work, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ]);
    const logs = () => `prometheus: ${prom.log()}\nalertmanager: ${am.log()}`;
    try {
      await monitor.start();
      const firing = await until(
        'a firing notification',
        () => notifications.find((n) => n.status === 'firing'),
        60_000,
        logs,
      );
      expect(firing.alerts[0]).toMatchObject({
        status: 'firing',
        labels: {
          alertname: 'SlowRoute',
          severity: 'warning',
          otelkit_alert: 'slow_route',
          job: 'otelkit-service',
        },
        annotations: {
          description: expect.stringMatching(
            /More than 50% of request_duration_seconds observations over 10s were > 0.25/,
          ),
        },
      });
      // the in-process engine, on the same rule, fired within the same window
      const inProcess = events.find((e) => e.alert === 'slow_route' && e.state === 'firing');
      expect(inProcess).toMatchObject({
        level: 'warning',
        metric: 'request_duration_seconds',
        threshold: 0.5,
      });

      slow = false;
      const resolved = await until(
        'a resolved notification',
        () => notifications.find((n) => n.status === 'resolved'),
        60_000,
        logs,
      );
      expect(resolved.alerts[0]!.labels.alertname).toBe('SlowRoute');
      // the in-process engine resolves on its own clock (its 10 s window drains, then its hold);
      // Prometheus may resolve first, so wait for it rather than expect it at the same instant
      const inProcessResolved = await until(
        'the in-process resolved event',
        () => events.find((e) => e.alert === 'slow_route' && e.state === 'resolved'),
        30_000,
        () => JSON.stringify(events.map((e) => [e.alert, e.state, e.value])),
      );
      expect(inProcessResolved.level).toBe('warning');
    } finally {
      clearInterval(traffic);
      await Promise.all([stop(prom.proc), stop(am.proc)]);
      await monitor.shutdown();
      await metrics.shutdown();
      for (const s of [app, receiver]) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
