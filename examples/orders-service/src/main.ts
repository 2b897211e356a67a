// The otelkit demo: a small orders API, instrumented from one config object, with built-in
// traffic (some slow and failing calls). No external services needed.
//   node dist/main.js [--port 8080] [--metrics-port 9464] [--metrics-host 127.0.0.1] [--no-traffic] [--rate 8]
// Ports: 8080 for the API (Grafana of the deploy stack has 3000), 9464 for Prometheus. PORT,
// METRICS_PORT and METRICS_HOST set them too; METRICS_HOST=0.0.0.0 lets the compose Prometheus
// (in a container) scrape the metrics listener — it binds 127.0.0.1 unless told so.
import type { AddressInfo } from 'node:net';
import { defineConfig } from '@otelkit/config';
import { createDashboard } from '@otelkit/dashboard';
import { startMonitoring } from '@otelkit/service';
import { OrderService, PaymentClient } from './orders';
import { createApiServer } from './server';
import { createOrderStore } from './store';
import { startTraffic } from './traffic';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const port = Number(arg('port', process.env.PORT || '8080'));
const metricsPort = Number(arg('metrics-port', process.env.METRICS_PORT || '9464'));
const metricsHost = arg('metrics-host', process.env.METRICS_HOST || '127.0.0.1');
const rate = Number(arg('rate', '8'));
const traffic = !process.argv.includes('--no-traffic');

export const DEMO_CONFIG = defineConfig({
  service: { name: 'orders-service', version: '1.0.0', environment: 'demo' },
  logging: {
    level: 'info',
    format: process.stdout.isTTY ? 'pretty' : 'json',
    outputs: ['console'],
    correlation: true,
  },
  metrics: { exporters: [{ type: 'prometheus', host: metricsHost, port: metricsPort }], interval: 10 },
  tracing: { sampler: 'always_on', exporter: { type: 'memory', maxSpans: 2000 } },
  resources: {
    interval: '5s',
    thresholds: {
      cpu_usage: { warning: 80, critical: 95, for: '15s', hysteresis: 5 },
      memory_usage: { warning: 85, critical: 95 },
      event_loop_delay_p99_ms: { warning: 200, critical: 1000, for: '10s' },
    },
  },
  alerts: [{ name: 'slow-payments', condition: 'p95(payment_seconds) > 1', for: '30s', severity: 'warning' }],
  shutdown: { timeout: '5s' },
  // The live page, mounted in the API server below at /monitoring/dashboard/ (loopback only).
  dashboard: { enabled: true },
});

async function main(): Promise<void> {
  const monitoring = startMonitoring(DEMO_CONFIG);
  // the payment latency feeds the `slow-payments` alert rule through the resource monitor
  const payments = new PaymentClient(Math.random, (seconds) =>
    monitoring.monitor.recordMetric('payment_seconds', seconds),
  );
  // PostgreSQL and a Redis cache when their URLs are set; memory otherwise
  const store = createOrderStore({ database: process.env.DATABASE_URL, redis: process.env.REDIS_URL });
  const orders = new OrderService(payments, store);
  const dashboard = createDashboard(monitoring);
  const server = createApiServer(monitoring, orders, dashboard);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    // one clear line, not a stack trace
    process.stderr.write(`port ${port} is in use; set PORT=… (or --port …) to another port\n`);
    await monitoring.shutdown();
    process.exit(1);
  }
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const promAddress = await monitoring.metrics.listening;
  const gen = traffic ? startTraffic((server.address() as AddressInfo).port, rate) : undefined;

  const lines = [
    '',
    'otelkit demo — orders-service is running',
    `  dashboard    ${api}${dashboard.path}/   (live: routes, traces with their logs, runtime, alerts)`,
    `  API          ${api}/orders   (POST {"item":"book","quantity":2}, GET /orders/:id)`,
    `  metrics      ${promAddress ? `http://${promAddress.address}:${promAddress.port}/metrics` : `(not listening: port ${metricsPort} on ${metricsHost} is in use or refused; set METRICS_PORT=…)`}   and ${api}/metrics`,
    `  health       ${api}/health   ${api}/health/live   ${api}/health/ready`,
    `  traces       ${api}/debug/traces   (last 2000 spans, in memory)`,
    `  traffic      ${gen ? `${rate} requests/s built in (some slow, some failing)` : 'off'}`,
    `  storage      ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'memory'}${process.env.REDIS_URL ? ', Redis cache (REDIS_URL)' : ''}`,
    '',
    monitoring.summary(),
    '',
    'Press Ctrl-C to stop: otelkit flushes traces, metrics and logs and prints its shutdown report.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    gen?.stop();
    await dashboard.shutdown();
    server.close();
    server.closeAllConnections();
    await store.close().catch(() => {});
    const report = await monitoring.shutdown();
    const failed = report.steps.filter((s) => !s.ok);
    process.stdout.write(
      `\nshutdown after ${signal}: ${report.ok ? 'complete' : 'INCOMPLETE'} in ${report.durationMillis} ms (budget ${report.budgetMillis} ms)\n` +
        report.steps
          .map(
            (s) =>
              `  ${s.ok ? 'ok  ' : 'FAIL'} ${s.name.padEnd(18)} ${s.durationMillis} ms${s.error ? `  ${s.error}` : ''}`,
          )
          .join('\n') +
        `\n  traffic sent ${gen?.stats.sent ?? 0} requests ${JSON.stringify(gen?.stats.byStatus ?? {})}\n` +
        `  spans ${JSON.stringify(report.tracing)}\n`,
    );
    process.exit(failed.length ? 1 : signal === 'SIGINT' ? 130 : 143);
  };
  // Our own handlers: otelkit sees them, runs its shutdown, and leaves the exit to us.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
