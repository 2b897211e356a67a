import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { normalizeDashboard } from '@otelkit/config';
import { createDashboard } from './create-dashboard';
import type { DashboardOptions, DashboardServer, DashboardSource } from './types';

/**
 * The dashboard on its own listener (`dashboard.host`, default 127.0.0.1, and `dashboard.port`;
 * 0 picks a free port), for apps that do not want it inside their own server. `startMonitoring`
 * does not start it — the service package does not depend on this one — so the app calls this
 * once, after `startMonitoring`. Resolves when the listener is bound.
 *
 * @throws when `dashboard.port` is not set, or the listener cannot bind (the error of `listen`).
 *
 * @example
 * const monitoring = startMonitoring({ dashboard: { port: 9465 } });
 * const dashboard = await startDashboard(monitoring);
 * console.log(`dashboard: ${dashboard.url}`);
 */
export async function startDashboard(
  source: DashboardSource,
  options: DashboardOptions = {},
): Promise<DashboardServer> {
  const handler = createDashboard(source, options);
  const config = normalizeDashboard(
    options.config === undefined ? source.config.dashboard : { enabled: true, ...(options.config as object) },
  );
  if (config.port === null)
    throw new Error(
      'startDashboard: dashboard.port is not set (set it, or mount createDashboard(monitoring) in your server)',
    );
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '/') === '/' && req.method === 'GET') {
      res.writeHead(308, { location: `${config.path}/` });
      res.end();
      return;
    }
    handler(req, res);
  });
  // A stream is long-lived; a slow client may not hold a socket forever otherwise.
  server.headersTimeout = 10_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port as number, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | undefined;
  return {
    handler,
    url: `http://${host}:${addr.port}${config.path}/`,
    shutdown() {
      closing ??= (async () => {
        await handler.shutdown();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
