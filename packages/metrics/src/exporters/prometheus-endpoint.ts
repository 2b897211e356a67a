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
import {
  credentialChallenge,
  credentialCheck,
  isLoopbackHost,
  type PrometheusExporterConfig,
  settleWithin,
} from '@otelkit/config';
import { prometheusTextSteps, runInSlices } from './incremental';
import { OPENMETRICS_CONTENT_TYPE, prefersOpenMetrics, serializeOpenMetricsIncremental } from './openmetrics';
import type { OverflowTracker } from './overflow-tracker';

/** Text exposition format 0.0.4: what a scraper gets unless it asks for OpenMetrics. */
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Scrape counters of one endpoint. */
export interface ScrapeCounters {
  served: number;
  failed: number;
  listenErrors: number;
  /** Collections run for scrapes (concurrent scrapes share one; a scrape within the cache window reuses the last). */
  collections: number;
}

/**
 * A collection that took at least this long is expensive: scrapes within the time it took (at most
 * {@link SCRAPE_CACHE_MAX_MILLIS}) after it finished get its exposition again, so collecting takes
 * at most about half of the time whatever the scrapers do. A cheap collection is never reused:
 * a scrape right after a record sees it.
 */
export const SCRAPE_CACHE_MIN_COST_MILLIS = 50;
export const SCRAPE_CACHE_MAX_MILLIS = 250;

type Format = 'text' | 'openmetrics';

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
  private readonly _serializerNoTarget = new PrometheusSerializer('', false, undefined, true, false);
  private readonly _inFlight = new Map<Format, Promise<string>>();
  private readonly _cache = new Map<Format, { until: number; body: string }>();
  private _server: Server | undefined;
  private _closed = false;
  /** With `auth`: whether a request's `Authorization` carries the credentials. */
  private readonly _allowed: ((authorization: string | undefined) => boolean) | undefined;
  private readonly _challenge: string | undefined;

  constructor(
    private readonly _config: PrometheusExporterConfig,
    cardinalityLimit: number,
    private readonly _counters: ScrapeCounters,
    private readonly _overflow: OverflowTracker,
    metricProducers: MetricProducer[] = [],
    /** The config path named in warnings, e.g. `metrics.exporters[0]`. */
    private readonly _field = 'metrics.exporters[0]',
  ) {
    this.reader = new CappedPrometheusReader(cardinalityLimit, metricProducers);
    if (_config.auth) {
      this._allowed = credentialCheck(_config.auth);
      this._challenge = credentialChallenge(_config.auth, 'otelkit metrics');
    }
    this.listening = _config.mode === 'server' ? this._listen() : Promise.resolve(null);
  }

  /** Serves the exposition to any request it is given (mount it on the path you like). */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    // Credentials first: without them nothing is said, not even which methods are allowed.
    if (this._allowed !== undefined && !this._allowed(req.headers.authorization)) {
      res.writeHead(401, { 'www-authenticate': this._challenge as string, 'content-type': 'text/plain' });
      res.end('Unauthorized\n');
      return;
    }
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
    // OpenMetrics (with exemplars) when the scraper prefers it, as Prometheus does by default.
    const format: Format = prefersOpenMetrics(req.headers.accept) ? 'openmetrics' : 'text';
    this._exposition(format).then(
      (body) => {
        this._counters.served++;
        if (res.writableEnded || res.destroyed) return;
        res.writeHead(200, {
          'content-type': format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : CONTENT_TYPE,
          'content-length': Buffer.byteLength(body),
          vary: 'Accept',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => this._fail(res, err),
    );
  };

  /**
   * One exposition per format at a time: concurrent scrapes share one collection and one
   * serialisation (20 scrapers at 10 000 series queued 20 collections: p50 4.3 s), one that comes
   * right after an expensive collection gets it again (see {@link SCRAPE_CACHE_MIN_COST_MILLIS}),
   * and serialising yields to the event loop every few milliseconds instead of blocking it for
   * the whole exposition.
   */
  private _exposition(format: Format): Promise<string> {
    const cached = this._cache.get(format);
    if (cached && performance.now() < cached.until) return Promise.resolve(cached.body);
    let pending = this._inFlight.get(format);
    if (!pending) {
      pending = this._collectAndSerialize(format).finally(() => this._inFlight.delete(format));
      this._inFlight.set(format, pending);
    }
    return pending;
  }

  private async _collectAndSerialize(format: Format): Promise<string> {
    this._counters.collections++;
    // Monotonic: a wall-clock step back must not keep a cached exposition alive.
    const started = performance.now();
    const { resourceMetrics, errors } = await collectSettled(this.reader);
    if (errors.length > 0) diag.warn('@otelkit/metrics: errors while collecting for Prometheus', ...errors);
    this._overflow.scan(resourceMetrics);
    const body =
      format === 'openmetrics'
        ? await serializeOpenMetricsIncremental(resourceMetrics)
        : await runInSlices(prometheusTextSteps(resourceMetrics, this._serializer, this._serializerNoTarget));
    const now = performance.now();
    const cost = now - started;
    if (cost >= SCRAPE_CACHE_MIN_COST_MILLIS)
      this._cache.set(format, { until: now + Math.min(cost, SCRAPE_CACHE_MAX_MILLIS), body });
    else this._cache.delete(format);
    return body;
  }

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
        if (!isLoopbackHost(host) && this._allowed === undefined) {
          // Metric labels carry routes, pool names, versions: readable by whoever reaches the port.
          diag.warn(
            `@otelkit/metrics: the Prometheus listener is bound to ${host}, which is not a loopback address, and asks for no credentials: anyone who reaches port ${address.port} can read the metrics. Set ${this._field}.auth ({ username, password } or { type: 'bearer', token }) or bind it to 127.0.0.1.`,
          );
        }
        diag.debug(`@otelkit/metrics: Prometheus metrics at http://${host}:${address.port}${path}`);
        resolve(address);
      });
    });
  }
}

/** How long a scrape waits for detected resource attributes; a hung detector never hangs scrapes. */
const RESOURCE_SETTLE_MILLIS = 1000;

/**
 * A collection whose resource has settled: detected attributes that need I/O (host.id,
 * container.id) are awaited — the first scrape may come within milliseconds of startup — so
 * target_info carries them. Bounded: past RESOURCE_SETTLE_MILLIS the scrape is served with the
 * attributes known by then (the SDK skips the unsettled ones).
 */
async function collectSettled(reader: MetricReader): Promise<CollectionResult> {
  const result = await reader.collect();
  const resource = result.resourceMetrics.resource;
  if (resource.asyncAttributesPending && resource.waitForAsyncAttributes) {
    await settleWithin(resource.waitForAsyncAttributes(), RESOURCE_SETTLE_MILLIS);
  }
  return result;
}
