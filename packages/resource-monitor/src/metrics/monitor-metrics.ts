import * as v8 from 'node:v8';
import {
  type Attributes,
  type BatchObservableCallback,
  diag,
  type Histogram,
  type Meter,
  type MeterProvider,
  type MetricOptions,
  type Observable,
} from '@opentelemetry/api';
import { HostMetrics } from '@opentelemetry/host-metrics';
import type { GcEntry } from '../collectors/runtime-collector';
import type { MutableCounters } from '../internal/counters';
import type { AlertLevel, SystemStats } from '../types';
import * as sc from './semconv';

/** What the publisher reads, lazily, at collection time. */
export interface MetricsSource {
  latestStats(): SystemStats | undefined;
  applicationMetrics(): Iterable<{ metric: string; resourceId?: string; value: number }>;
  alertStates(): Iterable<{ alert: string; level: AlertLevel; value: 0 | 1 }>;
  readonly counters: MutableCounters;
}

export const DEFAULT_HOST_METRIC_GROUPS = ['system.cpu', 'system.memory', 'process.cpu', 'process.memory'];

const SCOPE = '@otelkit/resource-monitor';
const GC_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/**
 * Publishes host metrics (through `@opentelemetry/host-metrics`), runtime metrics and the alert
 * state as observable instruments read from the monitor's latest sample at collection time, so
 * publishing adds no sampling work. The GC duration histogram is recorded per GC.
 */
export class MonitorMetrics {
  private readonly _meter: Meter;
  private readonly _gcDuration: Histogram;
  private readonly _observables: Observable[];
  private readonly _callback: BatchObservableCallback;
  /** What HostMetrics registered, so close() can take it back (HostMetrics has no stop()). */
  private readonly _hostCallbacks: HostCallback[] = [];
  private _closed = false;
  /** Worst event-loop delay in the export window (see `noteSample`). */
  private readonly _delayMax: WindowMax;

  constructor(
    provider: MeterProvider,
    hostMetricGroups: readonly string[] | false,
    private readonly _source: MetricsSource,
    exportWindowMillis = 0,
  ) {
    this._delayMax = new WindowMax(exportWindowMillis);
    this._meter = provider.getMeter(SCOPE);
    if (hostMetricGroups !== false && hostMetricGroups.length > 0) {
      try {
        new HostMetrics({
          meterProvider: recordingProvider(provider, this._hostCallbacks),
          name: SCOPE,
          metricGroups: [...hostMetricGroups],
        }).start();
      } catch (err) {
        diag.warn(`${SCOPE}: host metrics unavailable: ${(err as Error).message}`);
      }
    }
    const m = this._meter;
    this._gcDuration = m.createHistogram(sc.METRIC_V8JS_GC_DURATION, {
      description: 'Garbage collection duration.',
      unit: 's',
      advice: { explicitBucketBoundaries: GC_BUCKETS },
    });
    const gauge = (name: string, description: string, unit: string) =>
      m.createObservableGauge(name, { description, unit });
    const counter = (name: string, description: string, unit: string) =>
      m.createObservableCounter(name, { description, unit });
    const o = {
      delayP50: gauge(
        sc.METRIC_NODEJS_EVENTLOOP_DELAY_P50,
        'Event loop delay, 50th percentile over the sampling interval.',
        's',
      ),
      delayP99: gauge(
        sc.METRIC_NODEJS_EVENTLOOP_DELAY_P99,
        'Event loop delay, 99th percentile over the sampling interval.',
        's',
      ),
      delayMax: gauge(
        sc.METRIC_NODEJS_EVENTLOOP_DELAY_MAX,
        'Event loop delay, maximum over the samples of the export window.',
        's',
      ),
      elu: gauge(
        sc.METRIC_NODEJS_EVENTLOOP_UTILIZATION,
        'Event loop utilization over the sampling interval.',
        '1',
      ),
      heapUsed: gauge(sc.METRIC_V8JS_MEMORY_HEAP_USED, 'V8 heap memory used, per heap space.', 'By'),
      heapSpaceSize: gauge(
        sc.METRIC_V8JS_MEMORY_HEAP_SPACE_SIZE,
        'Total heap memory size pre-allocated for a heap space.',
        'By',
      ),
      threads: gauge(sc.METRIC_PROCESS_THREAD_COUNT, 'Threads of the process.', '{thread}'),
      fds: gauge(sc.METRIC_PROCESS_FD_COUNT, 'Open file descriptors of the process.', '{file_descriptor}'),
      diskIo: counter(sc.METRIC_PROCESS_DISK_IO, 'Bytes the process read from / wrote to storage.', 'By'),
      diskOps: counter(
        sc.METRIC_PROCESS_DISK_OPERATIONS,
        'Read/write system calls of the process.',
        '{operation}',
      ),
      active: gauge(
        sc.METRIC_V8JS_RESOURCE_ACTIVE,
        'Active resources keeping the event loop alive, per type (process.getActiveResourcesInfo()).',
        '{resource}',
      ),
      load: gauge(sc.METRIC_OTELKIT_LOAD_AVERAGE, 'System load average.', '{thread}'),
      cpuUtil: gauge(
        sc.METRIC_OTELKIT_CPU_UTILIZATION,
        'CPU busy 0-1: of the host, and of the container quota when one is set.',
        '1',
      ),
      cpuLimit: gauge(sc.METRIC_OTELKIT_CPU_LIMIT, 'Container CPU quota.', '{cpu}'),
      memUtil: gauge(
        sc.METRIC_OTELKIT_MEMORY_UTILIZATION,
        'Memory used 0-1: of the host, and of the container limit when one is set.',
        '1',
      ),
      memLimit: gauge(sc.METRIC_OTELKIT_MEMORY_LIMIT, 'Container memory limit.', 'By'),
      app: gauge(
        sc.METRIC_OTELKIT_APP_METRIC,
        'Latest value of each application metric recorded on the monitor.',
        '1',
      ),
      alertState: gauge(
        sc.METRIC_OTELKIT_ALERT_STATE,
        '1 while the alert is firing at this level, else 0.',
        '1',
      ),
      samples: counter(
        sc.METRIC_OTELKIT_MONITOR_SAMPLES,
        'Samples taken by the resource monitor.',
        '{sample}',
      ),
      errors: counter(
        sc.METRIC_OTELKIT_MONITOR_ERRORS,
        'Failures inside the resource monitor, by kind.',
        '{error}',
      ),
      dropped: counter(
        sc.METRIC_OTELKIT_MONITOR_DROPPED,
        'Things the resource monitor dropped to stay bounded, by reason.',
        '{item}',
      ),
      sent: counter(sc.METRIC_OTELKIT_WEBHOOK_SENT, 'Alert events delivered to webhooks.', '{event}'),
    };
    this._observables = Object.values(o);
    this._callback = (r) => {
      const c = this._source.counters;
      r.observe(o.samples, c.samples);
      r.observe(o.errors, c.sampleErrors, { 'error.type': 'sample' });
      r.observe(o.errors, c.collectErrors, { 'error.type': 'collect' });
      r.observe(o.errors, c.handlerErrors, { 'error.type': 'handler' });
      r.observe(o.errors, c.handlerTimeouts, { 'error.type': 'handler_timeout' });
      r.observe(o.errors, c.webhookFailed, { 'error.type': 'webhook' });
      r.observe(o.errors, c.webhookRetries, { 'error.type': 'webhook_retry' });
      r.observe(o.dropped, c.handlerCallsDropped, { reason: 'handler_queue_full' });
      r.observe(o.dropped, c.handlerBindingsDropped, { reason: 'handler_binding_limit' });
      r.observe(o.dropped, c.metricsDropped, { reason: 'metric_limit' });
      r.observe(o.dropped, c.webhookDropped, { reason: 'webhook_queue_full' });
      r.observe(o.sent, c.webhookSent);
      for (const a of this._source.alertStates())
        r.observe(o.alertState, a.value, { alert: a.alert, level: a.level });
      for (const a of this._source.applicationMetrics()) {
        if (Number.isNaN(a.value)) continue;
        r.observe(
          o.app,
          a.value,
          a.resourceId ? { metric: a.metric, 'resource.id': a.resourceId } : { metric: a.metric },
        );
      }
      for (const space of v8.getHeapSpaceStatistics()) {
        const attrs = { [sc.ATTR_V8JS_HEAP_SPACE_NAME]: space.space_name };
        r.observe(o.heapUsed, space.space_used_size, attrs);
        r.observe(o.heapSpaceSize, space.space_size, attrs);
      }
      for (const [type, n] of countByType(process.getActiveResourcesInfo()))
        r.observe(o.active, n, { [sc.ATTR_V8JS_RESOURCE_TYPE]: type });
      const s = this._source.latestStats();
      if (!s) return;
      const p = s.process;
      r.observe(o.delayP50, p.eventLoopDelay.p50 / 1000);
      r.observe(o.delayP99, p.eventLoopDelay.p99 / 1000);
      r.observe(o.delayMax, Math.max(p.eventLoopDelay.max, this._delayMax.read()) / 1000);
      r.observe(o.elu, p.eventLoopUtilization);
      r.observe(o.threads, s.cpu.threadCount);
      r.observe(o.fds, p.openFds);
      r.observe(o.diskIo, s.io.readBytes, { [sc.ATTR_DISK_IO_DIRECTION]: 'read' });
      r.observe(o.diskIo, s.io.writeBytes, { [sc.ATTR_DISK_IO_DIRECTION]: 'write' });
      r.observe(o.diskOps, s.io.readCount, { [sc.ATTR_DISK_IO_DIRECTION]: 'read' });
      r.observe(o.diskOps, s.io.writeCount, { [sc.ATTR_DISK_IO_DIRECTION]: 'write' });
      r.observe(o.load, s.cpu.loadAverage[0], { period: '1m' });
      r.observe(o.load, s.cpu.loadAverage[1], { period: '5m' });
      r.observe(o.load, s.cpu.loadAverage[2], { period: '15m' });
      r.observe(o.cpuUtil, s.cpu.hostUsagePercent / 100, { [sc.ATTR_VIEW]: 'host' });
      r.observe(o.memUtil, s.memory.host.percent / 100, { [sc.ATTR_VIEW]: 'host' });
      if (s.cpu.limitCores !== null) {
        r.observe(o.cpuUtil, s.cpu.usagePercent / 100, { [sc.ATTR_VIEW]: 'limit' });
        r.observe(o.cpuLimit, s.cpu.limitCores);
      }
      if (s.memory.limit !== null) {
        r.observe(o.memUtil, s.memory.percent / 100, { [sc.ATTR_VIEW]: 'limit' });
        r.observe(o.memLimit, s.memory.limit);
      }
    };
    m.addBatchObservableCallback(this._callback, this._observables);
  }

  /**
   * Notes a committed sample. The exported delay max is the worst of the samples noted in the
   * window: read, never consumed, so every reader that collects at least once per window sees a
   * stall (instrumentation-runtime-node resets at each collection, so a second reader loses it:
   * test/library-comparison/runtime-edges.test.ts).
   */
  noteSample(stats: SystemStats): void {
    this._delayMax.push(stats.process.eventLoopDelay.max);
  }

  /** Records one GC pause (wired to the runtime collector). */
  recordGc(entry: GcEntry): void {
    if (!this._closed) this._gcDuration.record(entry.durationSeconds, { [sc.ATTR_V8JS_GC_TYPE]: entry.kind });
  }

  /** Stops reporting the monitor's own instruments (host metrics have no removal API). */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    this._meter.removeBatchObservableCallback(this._callback, this._observables);
    // Host metrics stop being reported too (their instruments stay registered, without data).
    for (const [meter, callback, observables] of this._hostCallbacks.splice(0)) {
      meter.removeBatchObservableCallback(callback, observables);
    }
  }
}

/**
 * What `@opentelemetry/host-metrics` (0.38, and 0.39 still) writes in pre-1.26 semantic
 * conventions, translated as it is observed: `system.cpu.state` / `process.cpu.state` →
 * `cpu.mode`, `system.cpu.logical_number` → `cpu.logical_number` (an int); and the units it leaves out
 * (`1` for utilisation gauges, `By` for memory), so the Collector's Prometheus names
 * (`…_utilization_ratio`, `…_usage_bytes`) are the ones the metric catalog expects.
 */
export const HOST_METRIC_ATTRIBUTE_RENAMES: Readonly<Record<string, string>> = Object.freeze({
  'system.cpu.state': 'cpu.mode',
  'process.cpu.state': 'cpu.mode',
  'system.cpu.logical_number': 'cpu.logical_number',
});
export const HOST_METRIC_UNITS: Readonly<Record<string, string>> = Object.freeze({
  'system.cpu.utilization': '1',
  'system.memory.usage': 'By',
  'system.memory.utilization': '1',
  'process.cpu.utilization': '1',
  'process.memory.usage': 'By',
});

function renamed(attributes: Attributes | undefined): Attributes | undefined {
  if (attributes === undefined) return undefined;
  let out: Attributes | undefined;
  for (const key in attributes) {
    const to = HOST_METRIC_ATTRIBUTE_RENAMES[key];
    if (to === undefined) continue;
    out ??= { ...attributes };
    const value = attributes[key];
    // semconv's cpu.logical_number is an int; host-metrics gives the index as a string
    out[to] =
      to === 'cpu.logical_number' && typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    delete out[key];
  }
  return out ?? attributes;
}

/**
 * A provider whose meters note every batch observable callback registered on them (in `into`), so
 * that the registrant — HostMetrics, which cannot unregister itself — can be stopped from outside;
 * and which translates its instruments' units and attributes to current semconv (above).
 */
type HostCallback = [Meter, BatchObservableCallback, Observable[]];

function recordingProvider(provider: MeterProvider, into: HostCallback[]): MeterProvider {
  return {
    getMeter(name, version, options) {
      const meter = provider.getMeter(name, version, options);
      const withUnit = (instrument: string, opts: MetricOptions | undefined): MetricOptions | undefined => {
        const unit = HOST_METRIC_UNITS[instrument];
        return unit !== undefined && !opts?.unit ? { ...opts, unit } : opts;
      };
      return new Proxy(meter, {
        get(target, key, receiver) {
          if (key === 'addBatchObservableCallback') {
            return (callback: BatchObservableCallback, observables: Observable[]) => {
              const translated: BatchObservableCallback = (result) =>
                callback({
                  observe: (observable, value, attributes) =>
                    result.observe(observable, value, renamed(attributes)),
                });
              into.push([target, translated, observables]);
              target.addBatchObservableCallback(translated, observables);
            };
          }
          if (key === 'createObservableGauge' || key === 'createObservableCounter') {
            return (instrument: string, opts?: MetricOptions) =>
              (target[key] as (n: string, o?: MetricOptions) => Observable).call(
                target,
                instrument,
                withUnit(instrument, opts),
              );
          }
          const value = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
}

function countByType(types: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/**
 * The maximum of the values pushed in the last `windowMillis` (monotonic clock): a monotonic deque,
 * so push and read are amortised O(1) and it holds at most one entry per push in the window.
 */
class WindowMax {
  private _times: number[] = [];
  private _values: number[] = [];
  private _head = 0;

  constructor(private readonly _windowMillis: number) {}

  push(value: number, now = performance.now()): void {
    const values = this._values;
    while (values.length > this._head && values[values.length - 1]! <= value) {
      values.pop();
      this._times.pop();
    }
    values.push(value);
    this._times.push(now);
    this._prune(now);
  }

  /** 0 when nothing was pushed in the window. */
  read(now = performance.now()): number {
    this._prune(now);
    return this._values.length > this._head ? this._values[this._head]! : 0;
  }

  private _prune(now: number): void {
    const from = now - this._windowMillis;
    while (this._times.length > this._head && this._times[this._head]! < from) this._head++;
    if (this._head > 64 && this._head * 2 > this._times.length) {
      this._times = this._times.slice(this._head);
      this._values = this._values.slice(this._head);
      this._head = 0;
    }
  }
}

/** A MeterProvider that hands out one meter (so HostMetrics can use a bare Meter). */
export function providerForMeter(meter: Meter): MeterProvider {
  return { getMeter: () => meter };
}
