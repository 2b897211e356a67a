import type { IncomingMessage, ServerResponse } from 'node:http';
import { diag, metrics as metricsApi } from '@opentelemetry/api';
import { defaultResource, type Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  type CollectionResult,
  createAllowListAttributesProcessor,
  type IMetricReader,
  MeterProvider,
  type MetricReader,
  PeriodicExportingMetricReader,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import {
  keepAliveUntilSettled,
  type MetricExporterConfig,
  type MetricsConfig,
  type MetricsInput,
  type MetricViewConfig,
  normalizeMetrics,
  type SettledWithin,
  settleWithin,
} from '@otelkit/config';
import { defineShutdownShare } from '@otelkit/config/internal';
import {
  abandonInFlight,
  CountingExporter,
  type ExportCounters,
  newExportCounters,
} from './exporters/counting-exporter';
import { createPushExporter } from './exporters/create-push-exporter';
import { OverflowTracker } from './exporters/overflow-tracker';
import { PrometheusEndpoint, type ScrapeCounters } from './exporters/prometheus-endpoint';
import { PullReader } from './exporters/pull-reader';
import { LocalHistograms } from './http/local-histograms';
import { CallbackGuards } from './instruments/callback-guard';
import { createInstrumentHelpers } from './instruments/create-instrument-helpers';
import { newMeasurementCounters } from './instruments/sanitize';
import { guardMeter, SeriesGuards } from './instruments/series-guard';
import { registerLocalHistograms } from './internal-registry';
import type { MetricsHandle, MetricsStats } from './types';

/** The name (instrumentation scope) of the meter the handle hands out. */
export const METER_NAME = '@otelkit/metrics';

/** One view of the normalised slice (`normalizeMetrics` checked names, buckets and selectors). */
function toViewOptions(view: MetricViewConfig, cardinalityLimit: number): ViewOptions {
  const options: ViewOptions = {
    instrumentName: view.instrument,
    // A view's storage is shared by every reader, so the limit has to be set on the view itself.
    aggregationCardinalityLimit: cardinalityLimit,
  };
  if (view.name !== undefined) options.name = view.name;
  if (view.description !== undefined) options.description = view.description;
  if (view.drop) {
    options.aggregation = { type: AggregationType.DROP };
  } else if (view.buckets !== undefined) {
    options.aggregation = {
      type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
      options: { boundaries: [...view.buckets] },
    };
  }
  if (view.attributes !== undefined) {
    options.attributesProcessors = [createAllowListAttributesProcessor([...view.attributes])];
  }
  return options;
}

/** Says on diag why a bounded wait did not succeed. */
function warnUnlessFulfilled(r: SettledWithin<unknown>, ms: number, what: string): void {
  if (r.status === 'timedOut')
    diag.warn(`@otelkit/metrics: ${what} did not finish within ${ms} ms; giving up`);
  else if (r.status === 'rejected') diag.warn(`@otelkit/metrics: ${what} failed`, r.reason);
}

/**
 * Builds a MeterProvider from the `metrics` slice of the otelkit config: Prometheus pull (own
 * listener on 127.0.0.1:9464 or a handler to mount), OTLP push (http/protobuf, http/json, grpc) and
 * console, several at once; a cardinality cap on every instrument; duration histograms in seconds;
 * views from the config. It does not touch the global MeterProvider until you call `register()`.
 *
 * Throws the config's ConfigError for a bad slice (the text `loadConfig` gives); never throws after that.
 *
 * @example
 * const metrics = createMetrics(config.metrics, resource);
 * metrics.register();
 * const jobs = metrics.counter('jobs.processed', { description: 'Jobs done' });
 * jobs.inc({ queue: 'mail' });
 * const latency = metrics.histogram('job.duration', { unit: 's' });
 * await latency.time(() => runJob(), { queue: 'mail' });
 */

export function createMetrics(slice: MetricsConfig | MetricsInput, resource?: Resource): MetricsHandle {
  // The slice's own normaliser: a loadConfig slice as it is, anything else checked exactly as
  // loadConfig checks it (same ConfigError text); this package holds no defaults or checks of its own.
  const config = normalizeMetrics(slice);
  const { enabled, cardinalityLimit, exportIntervalMillis, exportTimeoutMillis, shutdownTimeoutMillis } =
    config;
  const durationBuckets = config.durationBuckets;
  const views = config.views.map((v) => toViewOptions(v, cardinalityLimit));
  const exporters: readonly MetricExporterConfig[] = enabled ? config.exporters : [];

  const exportCounters: ExportCounters = newExportCounters();
  const pushExporters = {
    all: [] as CountingExporter[],
    add(e: CountingExporter): CountingExporter {
      this.all.push(e);
      return e;
    },
  };
  const scrapeCounters: ScrapeCounters = { served: 0, failed: 0, listenErrors: 0, collections: 0 };
  const guards = new SeriesGuards(cardinalityLimit, METER_NAME);
  const overflow = new OverflowTracker(cardinalityLimit, guards);
  // HTTP server histograms aggregated by us, fed to every reader as a MetricProducer.
  const local = new LocalHistograms(cardinalityLimit, config.views, METER_NAME);

  const readers: IMetricReader[] = [];
  let prometheus: PrometheusEndpoint | undefined;
  // The reader in-process reads go through: one that already keeps cumulative state.
  let cumulative: MetricReader | undefined;

  exporters.forEach((exporter, i) => {
    switch (exporter.type) {
      case 'prometheus': {
        prometheus = new PrometheusEndpoint(
          exporter,
          cardinalityLimit,
          scrapeCounters,
          overflow,
          [local.producer(AggregationTemporality.CUMULATIVE)],
          `metrics.exporters[${i}]`,
        );
        readers.push(prometheus.reader);
        cumulative = prometheus.reader;
        break;
      }
      case 'otlp':
      case 'console': {
        const label =
          exporter.type === 'otlp' ? `OTLP (${exporter.protocol} ${exporter.endpoint})` : 'console';
        const delta = exporter.type === 'otlp' && exporter.temporality === 'delta';
        const reader = new PeriodicExportingMetricReader({
          exporter: pushExporters.add(
            new CountingExporter(createPushExporter(exporter), label, exportCounters, overflow, !delta),
          ),
          exportIntervalMillis,
          exportTimeoutMillis: Math.min(exportTimeoutMillis, exportIntervalMillis),
          cardinalityLimits: { default: cardinalityLimit },
          metricProducers: [
            local.producer(delta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE),
          ],
        });
        readers.push(reader);
        if (!cumulative && !delta) cumulative = reader;
        break;
      }
      default: {
        const unknown: never = exporter;
        throw new Error(
          `metrics.exporters[${i}]: ${JSON.stringify(unknown)} is not a value of a normalised metrics slice`,
        );
      }
    }
  });
  let pullTimer: NodeJS.Timeout | undefined;
  if (enabled && !cumulative) {
    // Only delta exporters (or none): add a pull reader so in-process reads never steal deltas.
    const pull = new PullReader(cardinalityLimit, [local.producer(AggregationTemporality.CUMULATIVE)]);
    cumulative = pull;
    if (readers.length > 0) {
      // Storages shared through views stash each export's deltas for every reader until that
      // reader collects: collect on the export interval so the stash (and the guards) stay bounded.
      pullTimer = setInterval(() => {
        pull.collect().then(
          (r) => overflow.scan(r.resourceMetrics),
          () => {},
        );
      }, exportIntervalMillis);
      pullTimer.unref();
    }
    readers.push(pull);
  }

  const providerResource = resource ?? defaultResource();
  const provider = new MeterProvider({ resource: providerResource, views, readers });
  // Synchronous instruments of this meter get the lifetime series cap (see SeriesGuard).
  const measurements = newMeasurementCounters();
  const callbackGuards = new CallbackGuards(measurements);
  const meter = guardMeter(provider.getMeter(METER_NAME), guards, measurements, callbackGuards);
  const helpers = createInstrumentHelpers(meter, durationBuckets, measurements);
  if (enabled) {
    // Every drop visible as a metric too, not only through stats().
    const exportsCounter = meter.createObservableCounter('otelkit.metrics.exports', {
      description: 'Push exports (OTLP, console) by outcome, failures by reason.',
      unit: '{export}',
    });
    exportsCounter.addCallback((r) => {
      r.observe(exportCounters.succeeded, { outcome: 'success' });
      for (const [reason, n] of Object.entries(exportCounters.failedByReason))
        r.observe(n ?? 0, { outcome: 'failure', reason });
    });
    if (prometheus) {
      const scrapes = meter.createObservableCounter('otelkit.metrics.scrapes', {
        description: 'Prometheus scrapes by outcome.',
        unit: '{scrape}',
      });
      scrapes.addCallback((r) => {
        r.observe(scrapeCounters.served, { outcome: 'success' });
        r.observe(scrapeCounters.failed, { outcome: 'failure' });
      });
    }
    meter
      .createObservableGauge('otelkit.metrics.overflowed_instruments', {
        description: 'Instruments that passed the cardinality limit (each has one overflow series).',
        unit: '{instrument}',
      })
      .addCallback((r) => r.observe(overflow.instruments.length));
  }

  let shutdownPromise: Promise<void> | undefined;
  let endShutdown: () => void = () => {};
  const shutDown = {
    promise: new Promise<void>((resolve) => (endShutdown = resolve)),
    resolve: () => endShutdown(),
  };
  // loadConfig derives the skip list (the Prometheus path included); the slice is used as is.
  const ignorePaths = [...config.http.ignorePaths];
  const prometheusPath = prometheus
    ? (exporters.find((e) => e.type === 'prometheus') as { path: string }).path
    : null;

  const notConfigured = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(enabled ? '# no Prometheus exporter is configured\n' : '# metrics are disabled\n');
  };

  // One memoised shutdown: `shutdown()` runs it with the slice's budget; `startMonitoring` runs it
  // with its share of `shutdown.timeout` (through `shutdownWithin`, on no public type). Whichever
  // comes first decides; a later call returns the same promise.
  const shutdownWithin = (budget: number): Promise<void> => {
    shutdownPromise ??= keepAliveUntilSettled(
      (async () => {
        if (pullTimer) clearInterval(pullTimer);
        const closing = prometheus ? prometheus.close() : Promise.resolve();
        const closed = await settleWithin(
          Promise.allSettled([provider.shutdown({ timeoutMillis: budget }), closing]),
          budget,
        );
        warnUnlessFulfilled(closed, budget, 'metrics shutdown');
        // What a collector still holds unanswered is lost: counted, never waited for.
        const abandoned = abandonInFlight(exportCounters);
        shutDown.resolve();
        // ... and the requests it never answered are cut (their sockets would hold the process)
        if (abandoned > 0) for (const e of pushExporters.all) e.abort();
        if (abandoned > 0)
          diag.warn(
            `@otelkit/metrics: ${abandoned} export(s) unanswered when the shutdown budget ran out; counted as failed (shutdown)`,
          );
      })().catch((err: unknown) => {
        // never rejects: a provider or listener that throws is reported, not passed on
        shutDown.resolve();
        diag.error('@otelkit/metrics: shutdown failed', err);
      }),
    );
    return shutdownPromise;
  };

  const handle: MetricsHandle = {
    enabled,
    provider,
    meter,
    handler: prometheus ? prometheus.handler : notConfigured,
    listening: prometheus ? prometheus.listening : Promise.resolve(null),
    prometheusPath,
    cardinalityLimit,
    durationBuckets,
    ignorePaths: Object.freeze(ignorePaths),
    serverSpans: config.http.serverSpans,
    async collect(): Promise<CollectionResult> {
      const empty = (errors: unknown[]): CollectionResult => ({
        resourceMetrics: { resource: providerResource, scopeMetrics: [] },
        errors,
      });
      if (!cumulative) return empty([]);
      try {
        const result = await cumulative.collect();
        overflow.scan(result.resourceMetrics);
        return result;
      } catch (err) {
        return empty([err]);
      }
    },
    register() {
      const ok = metricsApi.setGlobalMeterProvider(provider);
      if (!ok) diag.warn('@otelkit/metrics: a global MeterProvider is already registered; keeping it');
      return ok;
    },
    async forceFlush() {
      if (shutdownPromise) return;
      // awaited on purpose: the process stays up for it (retry timers alone do not hold it)
      // ... but not past the shutdown, which counts what is still unanswered and lets go of it
      const flushed = await keepAliveUntilSettled(
        settleWithin(Promise.race([provider.forceFlush(), shutDown.promise]), exportTimeoutMillis),
      );
      warnUnlessFulfilled(flushed, exportTimeoutMillis, 'metrics forceFlush');
    },
    shutdown: () => shutdownWithin(shutdownTimeoutMillis),
    stats(): MetricsStats {
      const instruments = overflow.instruments;
      return {
        exports: {
          succeeded: exportCounters.succeeded,
          failed: exportCounters.failed,
          failedByReason: { ...exportCounters.failedByReason },
        },
        points: {
          exported: exportCounters.pointsExported,
          failed: exportCounters.pointsFailed,
          failedByReason: { ...exportCounters.pointsFailedByReason },
          inFlight: [...exportCounters.inFlight.values()].reduce((n, p) => n + p, 0),
        },
        scrapes: {
          served: scrapeCounters.served,
          failed: scrapeCounters.failed,
          collections: scrapeCounters.collections,
        },
        overflow: { series: instruments.length, instruments },
        listenErrors: scrapeCounters.listenErrors,
        measurements: { ...measurements },
        callbacks: Object.fromEntries(
          Object.entries(callbackGuards.counters).map(([name, c]) => [name, { ...c }]),
        ),
      };
    },
    counter: helpers.counter,
    upDownCounter: helpers.upDownCounter,
    histogram: helpers.histogram,
    gauge: helpers.gauge,
    observableGauge: helpers.observableGauge,
  };
  registerLocalHistograms(handle, local);
  return defineShutdownShare(handle, shutdownTimeoutMillis, shutdownWithin);
}
