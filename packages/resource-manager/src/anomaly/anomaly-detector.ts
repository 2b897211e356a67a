import { diag } from '@opentelemetry/api';
import type { AlertEvent } from '@otelkit/resource-monitor';
import { checkInt, toMillis } from '../internal/duration';

/** What to watch: one metric of one resource. */
export interface AnomalyDetectionOptions {
  readonly resourceId: string;
  readonly metric: string;
  /** 0..1; higher flags smaller deviations. The robust z-score limit is `2 + 10 × (1 − sensitivity)`. @default 0.8 */
  readonly sensitivity?: number;
  /** Learn only (no alerts) for this long after the first point: `'7d'`, `'1h'` or milliseconds. @default 0 */
  readonly trainingPeriod?: string | number;
  /** Points per season (e.g. samples per day) to compare each point with the same phase of earlier seasons. */
  readonly seasonLength?: number;
}

/** Options of {@link AnomalyDetector}. */
export interface AnomalyDetectorOptions {
  /** Points in the rolling window that gives the median and MAD. @default 120 */
  readonly windowSize?: number;
  /** Points needed (besides the training period) before anything is flagged. @default 30 */
  readonly minPoints?: number;
  /** Recent points whose median is compared with the window's, to catch slow drifts (leaks). @default 10 */
  readonly driftPoints?: number;
  /** Consecutive normal points before a firing anomaly resolves. @default 5 */
  readonly resolveAfter?: number;
  /** Series watched at once; past it `configure` throws. @default 1000 */
  readonly maxSeries?: number;
  /** Seasons remembered per phase when `seasonLength` is set. @default 3 */
  readonly seasons?: number;
}

/** The verdict on one point. */
export interface AnomalyResult {
  readonly anomalous: boolean;
  /** max(point z / limit, drift z / limit): ≥ 1 is anomalous. */
  readonly score: number;
  /** |x − median| / (1.4826 · MAD) of the (deseasonalised) point. */
  readonly pointZ: number;
  /** Standardised gap between the median of the last `driftPoints` and the window median. */
  readonly driftZ: number;
  readonly training: boolean;
}

interface SeriesState {
  readonly options: AnomalyDetectionOptions;
  readonly limit: number;
  readonly trainingMillis: number;
  readonly window: Float64Array;
  size: number;
  next: number;
  firstAt: number | undefined;
  seen: number;
  firing: boolean;
  firingSince: number;
  normalRun: number;
  maxScore: number;
  /** Per-phase history of earlier seasons (ring of `seasons` values per phase). */
  readonly phases: Float64Array[] | undefined;
  readonly phaseCounts: Uint8Array | undefined;
}

const MAD_TO_SIGMA = 1.4826;
// Standard error of a median of k normal points is about 1.2533 σ / √k.
const MEDIAN_SE = 1.2533;

function median(values: Float64Array | number[], n: number): number {
  const s = Array.prototype.slice.call(values, 0, n).sort((a: number, b: number) => a - b) as number[];
  const m = n >> 1;
  return n % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Robust anomaly detection per resource metric: each point is compared with the median of a
 * rolling window, scaled by the median absolute deviation (a z-score that spikes and outliers
 * barely move), and the median of the last few points is compared with the window median to catch
 * level shifts and slow leaks that no single point reveals. With `seasonLength`, each point is
 * first compared with the same phase of earlier seasons (the median of those values is removed),
 * so daily cycles are not flagged. Nothing is flagged during the training period.
 *
 * Anomalies become alerts (`source: 'anomaly'`, `details.score`) through the attached manager's
 * monitor: one `firing` event when an anomaly starts, one `resolved` after `resolveAfter` normal points.
 *
 * @example
 * manager.setAnomalyDetector(new AnomalyDetector());
 * manager.configureAnomalyDetection({ resourceId: 'main-db', metric: 'connection_pool_usage', sensitivity: 0.8, trainingPeriod: '7d' });
 */
export class AnomalyDetector {
  readonly windowSize: number;
  readonly minPoints: number;
  readonly driftPoints: number;
  readonly resolveAfter: number;
  private readonly _maxSeries: number;
  private readonly _seasons: number;
  private readonly _series = new Map<string, SeriesState>();
  private _sink: ((event: AlertEvent) => void) | undefined;

  constructor(options: AnomalyDetectorOptions = {}) {
    const at = 'AnomalyDetector: options';
    this.windowSize = checkInt(options.windowSize, `${at}.windowSize`, 120, 8, 100_000);
    this.minPoints = checkInt(options.minPoints, `${at}.minPoints`, 30, 3, this.windowSize);
    this.driftPoints = checkInt(
      options.driftPoints,
      `${at}.driftPoints`,
      10,
      2,
      Math.floor(this.windowSize / 2),
    );
    this.resolveAfter = checkInt(options.resolveAfter, `${at}.resolveAfter`, 5, 1, 10_000);
    this._maxSeries = checkInt(options.maxSeries, `${at}.maxSeries`, 1000, 1, 1_000_000);
    this._seasons = checkInt(options.seasons, `${at}.seasons`, 3, 1, 50);
  }

  /** Where alert events go (set by `ResourceManager.setAnomalyDetector`). */
  bind(sink: (event: AlertEvent) => void): void {
    this._sink = sink;
  }

  /** Starts (or restarts) watching one resource metric. Throws naming a bad field. */
  configure(options: AnomalyDetectionOptions): void {
    const at = 'configureAnomalyDetection';
    if (!options || typeof options !== 'object') throw new Error(`${at} needs { resourceId, metric }`);
    if (typeof options.resourceId !== 'string' || options.resourceId.length === 0)
      throw new Error(`${at}: resourceId must be a non-empty string`);
    if (typeof options.metric !== 'string' || options.metric.length === 0)
      throw new Error(`${at}: metric must be a non-empty string`);
    const sensitivity = options.sensitivity ?? 0.8;
    if (typeof sensitivity !== 'number' || !(sensitivity >= 0 && sensitivity <= 1))
      throw new Error(`${at}: sensitivity must be a number from 0 to 1, got ${String(options.sensitivity)}`);
    const trainingMillis = toMillis(options.trainingPeriod ?? 0, `${at}: trainingPeriod`);
    const season =
      options.seasonLength === undefined
        ? undefined
        : checkInt(options.seasonLength, `${at}: seasonLength`, 0, 2, 1_000_000);
    const key = `${options.resourceId}/${options.metric}`;
    if (!this._series.has(key) && this._series.size >= this._maxSeries)
      throw new Error(`${at}: maxSeries (${this._maxSeries}) reached`);
    this._series.set(key, {
      options: { ...options, sensitivity },
      limit: 2 + 10 * (1 - sensitivity),
      trainingMillis,
      window: new Float64Array(this.windowSize),
      size: 0,
      next: 0,
      firstAt: undefined,
      seen: 0,
      firing: false,
      firingSince: 0,
      normalRun: 0,
      maxScore: 0,
      phases: season ? Array.from({ length: season }, () => new Float64Array(this._seasons)) : undefined,
      phaseCounts: season ? new Uint8Array(season) : undefined,
    });
  }

  /** Stops watching; a firing anomaly is not resolved. */
  remove(resourceId: string, metric: string): boolean {
    return this._series.delete(`${resourceId}/${metric}`);
  }

  /** `true` when this resource metric is watched. */
  watches(resourceId: string, metric: string): boolean {
    return this._series.has(`${resourceId}/${metric}`);
  }

  /**
   * Feeds one point (the manager calls this for every value); returns the verdict, or undefined
   * when the series is not watched. Never throws.
   */
  observe(
    resourceId: string,
    metric: string,
    value: number,
    timestamp = Date.now(),
  ): AnomalyResult | undefined {
    const s = this._series.get(`${resourceId}/${metric}`);
    if (!s || typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    try {
      const result = this._score(s, value, timestamp);
      this._transition(s, resourceId, metric, value, timestamp, result);
      return result;
    } catch (err) {
      diag.warn(`@otelkit/resource-manager: anomaly detection failed: ${(err as Error).message}`);
      return undefined;
    }
  }

  private _score(s: SeriesState, raw: number, now: number): AnomalyResult {
    s.firstAt ??= now;
    // Deseasonalise: subtract the median of this phase in earlier seasons.
    let x = raw;
    if (s.phases && s.phaseCounts) {
      const phase = s.seen % s.phases.length;
      const slot = s.phases[phase]!;
      const n = s.phaseCounts[phase]!;
      const filled = Math.min(n, this._seasons);
      if (filled > 0) x = raw - median(slot, filled);
      slot[n % this._seasons] = raw;
      s.phaseCounts[phase] = Math.min(255, n + 1);
      // Until one season has passed there is no profile: treat that as training.
      if (filled === 0) {
        s.seen++;
        return { anomalous: false, score: 0, pointZ: 0, driftZ: 0, training: true };
      }
    }
    s.seen++;
    const training = now - s.firstAt < s.trainingMillis || s.size < this.minPoints;
    let pointZ = 0;
    let driftZ = 0;
    if (s.size >= 3) {
      const med = median(s.window, s.size);
      const dev = new Float64Array(s.size);
      for (let i = 0; i < s.size; i++) dev[i] = Math.abs(s.window[i]! - med);
      const scale = Math.max(MAD_TO_SIGMA * median(dev, s.size), 1e-9, Math.abs(med) * 1e-6);
      pointZ = Math.abs(x - med) / scale;
      const k = Math.min(this.driftPoints, s.size);
      if (s.size >= this.minPoints) {
        const recent: number[] = [x];
        for (let j = 1; j < k; j++) recent.push(s.window[(s.next - j + this.windowSize) % this.windowSize]!);
        driftZ =
          Math.abs(median(recent, recent.length) - med) / ((MEDIAN_SE * scale) / Math.sqrt(recent.length));
      }
    }
    // Every point enters the window: the median ignores spikes, and a lasting shift becomes the new normal.
    s.window[s.next] = x;
    s.next = (s.next + 1) % this.windowSize;
    if (s.size < this.windowSize) s.size++;
    const score = Math.max(pointZ, driftZ / 1.5) / s.limit;
    return { anomalous: !training && score >= 1, score, pointZ, driftZ, training };
  }

  private _transition(
    s: SeriesState,
    resourceId: string,
    metric: string,
    value: number,
    now: number,
    r: AnomalyResult,
  ): void {
    if (r.anomalous) {
      s.normalRun = 0;
      s.maxScore = Math.max(s.maxScore, r.score);
      if (s.firing) return;
      s.firing = true;
      s.firingSince = now;
      this._emit(s, resourceId, metric, value, now, 'firing', r.score, r);
      return;
    }
    if (!s.firing) return;
    if (++s.normalRun < this.resolveAfter) return;
    s.firing = false;
    s.normalRun = 0;
    this._emit(s, resourceId, metric, value, now, 'resolved', s.maxScore, r);
    s.maxScore = 0;
  }

  private _emit(
    s: SeriesState,
    resourceId: string,
    metric: string,
    value: number,
    now: number,
    state: 'firing' | 'resolved',
    score: number,
    r: AnomalyResult,
  ): void {
    if (!this._sink) return;
    const round = (n: number) => Math.round(n * 1000) / 1000;
    this._sink({
      alert: `${resourceId}/${metric}:anomaly`,
      source: 'anomaly',
      state,
      level: 'warning',
      metric,
      resourceId,
      value,
      threshold: s.limit,
      since: s.firingSince,
      timestamp: now,
      message:
        state === 'firing'
          ? `${resourceId}/${metric}: anomalous value ${round(value)} (score ${round(score)})`
          : `${resourceId}/${metric}: back to normal (peak score ${round(score)})`,
      labels: {},
      details: { score: round(score), pointZ: round(r.pointZ), driftZ: round(r.driftZ) },
    });
  }
}
