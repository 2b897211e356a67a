import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { diag } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type {
  CollectionResult,
  InstrumentType,
  MetricProducer,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import type { PrometheusExporterConfig } from '@otelkit/config';
import { OPENMETRICS_CONTENT_TYPE, prefersOpenMetrics, serializeOpenMetrics } from './openmetrics';
import type { OverflowTracker } from './overflow-tracker';

/** Text exposition format 0.0.4: what a scraper gets unless it asks for OpenMetrics. */
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Scrape counters of one endpoint. */
export interface ScrapeCounters {
  served: number;
  failed: number;
  listenErrors: number;
}

/**
 * The upstream PrometheusExporter as a plain pull reader: it never starts its own server (it would
 * bind every interface by default and read OTEL_EXPORTER_PROMETHEUS_* from the environment), and it
 * applies our cardinality limit, which its constructor does not accept.
 */
class CappedPrometheusReader extends PrometheusExporter {
  constructor(
    private readonly _cardinalityLimit: number,
    metricProducers: MetricProducer[],
  ) {
    // host/port are unused with preventServerStart; set so the exporter never consults the env.
    super({ preventServerStart: true, host: '127.0.0.1', port: 9464, metricProducers });
  }

  override selectCardinalityLimit(_instrumentType: InstrumentType): number {
    return this._cardinalityLimit;
  }
}

/**
 * Prometheus pull: a cumulative reader, a `(req, res)` handler serving the exposition, and in
 * `mode: 'server'` our own listener on `host:port` (127.0.0.1 by default) serving it at `path`.
 */
export class PrometheusEndpoint {
  readonly reader: PrometheusExporter;
  readonly listening: Promise<AddressInfo | null>;
  private readonly _serializer = new PrometheusSerializer('', false, undefined, false, false);
  private _server: Server | undefined;
  private _closed = false;

  constructor(
    private readonly _config: PrometheusExporterConfig,
    cardinalityLimit: number,
    private readonly _counters: ScrapeCounters,
    private readonly _overflow: OverflowTracker,
    metricProducers: MetricProducer[] = [],
  ) {
    this.reader = new CappedPrometheusReader(cardinalityLimit, metricProducers);
    this.listening = _config.mode === 'server' ? this._listen() : Promise.resolve(null);
  }

  /** Serves the exposition to any request it is given (mount it on the path you like). */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('Method Not Allowed\n');
      return;
    }
    if (this._closed) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('# metrics are shut down\n');
      return;
    }
    collectSettled(this.reader).then(
      ({ resourceMetrics, errors }) => {
        if (errors.length > 0)
          diag.warn('@otelkit/metrics: errors while collecting for Prometheus', ...errors);
        let body: string;
        // OpenMetrics (with exemplars) when the scraper prefers it, as Prometheus does by default.
        const openMetrics = prefersOpenMetrics(req.headers.accept);
        try {
          this._overflow.scan(resourceMetrics);
          body = openMetrics
            ? serializeOpenMetrics(resourceMetrics)
            : this._serializer.serialize(resourceMetrics);
        } catch (err) {
          this._fail(res, err);
          return;
        }
        this._counters.served++;
        if (res.writableEnded || res.destroyed) return;
        res.writeHead(200, {
          'content-type': openMetrics ? OPENMETRICS_CONTENT_TYPE : CONTENT_TYPE,
          'content-length': Buffer.byteLength(body),
          vary: 'Accept',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => this._fail(res, err),
    );
  };

  /** Stops the own listener, dropping idle keep-alive connections so it cannot hold shutdown. */
  close(): Promise<void> {
    this._closed = true;
    const server = this._server;
    if (!server) return Promise.resolve();
    this._server = undefined;
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private _fail(res: ServerResponse, err: unknown): void {
    this._counters.failed++;
    diag.error('@otelkit/metrics: Prometheus scrape failed', err);
    if (res.writableEnded || res.destroyed) return;
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('# metrics collection failed\n');
  }

  private _listen(): Promise<AddressInfo | null> {
    const { host, port, path } = this._config;
    const server = createServer((req, res) => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const pathname = q === -1 ? url : url.slice(0, q);
      // extraPaths: the seed's `custom` collector path serves the same exposition
      if (pathname === path || this._config.extraPaths?.includes(pathname)) this.handler(req, res);
      else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('Not Found\n');
      }
    });
    // The app's own work keeps the process alive, not its metrics endpoint.
    server.unref();
    this._server = server;
    return new Promise((resolve) => {
      server.once('error', (err) => {
        this._counters.listenErrors++;
        diag.error(`@otelkit/metrics: Prometheus listener could not start on ${host}:${port}`, err);
        this._server = undefined;
        resolve(null);
      });
      server.listen({ host, port }, () => {
        const address = server.address() as AddressInfo;
        diag.debug(`@otelkit/metrics: Prometheus metrics at http://${host}:${address.port}${path}`);
        resolve(address);
      });
    });
  }
}

/**
 * A collection whose resource has settled: detected attributes that need I/O (host.id,
 * container.id) are awaited once — the first scrape may come within milliseconds of startup —
 * so target_info carries them and nothing reads the resource too early.
 */
async function collectSettled(reader: MetricReader): Promise<CollectionResult> {
  const result = await reader.collect();
  const resource = result.resourceMetrics.resource;
  if (resource.asyncAttributesPending) await resource.waitForAsyncAttributes?.();
  return result;
}
