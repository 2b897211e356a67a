import {
  createHistogram,
  type EventLoopUtilization,
  PerformanceObserver,
  performance,
  type RecordableHistogram,
} from 'node:perf_hooks';
import type { EventLoopDelayStats } from '../types';

const ZERO_DELAY: EventLoopDelayStats = { p50: 0, p99: 0, max: 0 };

/** One GC entry, handed to listeners (the `v8js.gc.duration` histogram). */
export interface GcEntry {
  readonly kind: string;
  readonly durationSeconds: number;
}

const GC_KINDS: Record<number, string> = { 1: 'major', 2: 'minor', 4: 'incremental', 8: 'weakcb' };

/**
 * Event-loop delay, event-loop utilization and GC pauses (`PerformanceObserver` on `gc`). Runs
 * only between `start()` and `stop()`.
 *
 * The delay is the lateness of an unref'ed `resolution` ms timer, recorded into a histogram that
 * each sample reads and resets; `reset()` keeps when the next tick is due, so the tick after a
 * stall records it whatever was reset in between. Not `monitorEventLoopDelay`: it records the time
 * between two native ticks and its `reset()` zeroes the last tick's time (Node's
 * `Histogram::Reset`, `prev_ = 0`; still so on Node 22.23 / 24.21), so a stall that ends where a
 * sample runs, or starts before the first tick after one, is never recorded — deterministic cases
 * in test/library-comparison/runtime-edges.test.ts, where instrumentation-runtime-node (which
 * resets at every collection) loses them.
 */
export class RuntimeCollector {
  gcCount = 0;
  gcPauseSeconds = 0;
  onGc: ((entry: GcEntry) => void) | undefined;
  private _histogram: RecordableHistogram | undefined;
  private _timer: NodeJS.Timeout | undefined;
  private _observer: PerformanceObserver | undefined;
  private _elu: EventLoopUtilization = performance.eventLoopUtilization();

  /**
   * @param resolutionMillis the histogram's timer fires this often. It is the monitor's main
   * cost when idle: 100 ms ≈ 0.2 % of a core, 10 ms ≈ 1.5 % (bench/compare/runtime-cost.bench.js,
   * Node 24, 2 shared cores; an earlier measurement on a busier machine gave 10 ms ≈ 0.5 %, 50 ms ≈ 0.13 %).
   */
  constructor(readonly resolutionMillis = 100) {}

  start(): void {
    if (this._histogram) return;
    const histogram = createHistogram();
    this._histogram = histogram;
    const every = this.resolutionMillis;
    let expected = performance.now() + every;
    this._timer = setInterval(() => {
      const now = performance.now();
      // Nanoseconds late (at least 1: the histogram records positive integers).
      histogram.record(Math.max(1, Math.round((now - expected) * 1e6)));
      expected = now + every;
    }, every);
    this._timer.unref();
    this._elu = performance.eventLoopUtilization();
    try {
      this._observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          this.gcCount++;
          const seconds = entry.duration / 1000;
          this.gcPauseSeconds += seconds;
          const detail = (entry as unknown as { detail?: { kind?: number } }).detail;
          const kind = GC_KINDS[detail?.kind ?? 0] ?? 'unknown';
          this.onGc?.({ kind, durationSeconds: seconds });
        }
      });
      this._observer.observe({ entryTypes: ['gc'] });
    } catch {
      this._observer = undefined;
    }
  }

  stop(): void {
    if (this._timer) clearInterval(this._timer);
    this._timer = undefined;
    this._histogram = undefined;
    this._observer?.disconnect();
    this._observer = undefined;
  }

  /** Delay percentiles (ms) since the last `reset`. */
  eventLoopDelay(): EventLoopDelayStats {
    const h = this._histogram;
    if (!h || h.count === 0) return ZERO_DELAY;
    const ms = (ns: number) => (ns <= 1 ? 0 : Math.round(ns / 1e3) / 1000);
    return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
  }

  /** Utilization since the last `reset` (0..1). */
  eventLoopUtilization(): number {
    return performance.eventLoopUtilization(this._elu).utilization;
  }

  /** Start a new measuring interval. */
  reset(): void {
    this._histogram?.reset();
    this._elu = performance.eventLoopUtilization();
  }
}
