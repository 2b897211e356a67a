import { diag } from '@opentelemetry/api';
import { type AnomalyDetectorSettings, checkInteger, checkOptionKeys, parseDuration } from '@otelkit/config';
import type { AlertEvent } from '@otelkit/resource-monitor';

/** What to watch: one metric of one resource. */
export interface AnomalyDetectionOptions {
  readonly resourceId: string;
  readonly metric: string;
  /** 0..1; higher flags smaller deviations. The robust z-score limit is `2.5 + 10 × (1 − sensitivity)`. @default 0.8 */
  readonly sensitivity?: number;
  /** Learn only (no alerts) for this long after the first point: `'7d'`, `'1h'` or milliseconds. @default 0 */
  readonly trainingPeriod?: string | number;
  /** Points per season (e.g. samples per day) to compare each point with the same phase of earlier seasons. */
  readonly seasonLength?: number;
}

const DETECTION_OPTION_KEYS = [
  'resourceId',
  'metric',
  'sensitivity',
  'trainingPeriod',
  'seasonLength',
] as const satisfies readonly (keyof AnomalyDetectionOptions)[];

/** Options of {@link AnomalyDetector}: the settings the config's `pools.anomalyDetection` takes too. */
export type AnomalyDetectorOptions = AnomalyDetectorSettings;

const DETECTOR_OPTION_KEYS = [
  'windowSize',
  'minPoints',
  'driftPoints',
  'resolveAfter',
  'maxSeries',
  'seasons',
] as const satisfies readonly (keyof AnomalyDetectorOptions)[];
// Compile-time: every option is listed (a new option that is not fails the build).
const _detector_option_keys_complete: [
  Exclude<keyof AnomalyDetectorOptions, (typeof DETECTOR_OPTION_KEYS)[number]>,
] extends [never]
  ? true
  : never = true;
void _detector_option_keys_complete;

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
  refMed: number;
  refScale: number;
  refAge: number;
  normalRun: number;
  maxScore: number;
  /** Per-phase history of earlier seasons (ring of `seasons` values per phase). */
  readonly phases: Float64Array[] | undefined;
  readonly phaseCounts: Uint8Array | undefined;
}

const MAD_TO_SIGMA = 1.4826;
// Standard error of a median of k normal points is about 1.2533 σ / √k.
const MEDIAN_SE = 1.2533;

function robustScale(values: Float64Array, n: number, med: number): number {
  const dev = new Float64Array(n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(values[i]! - med);
  return Math.max(MAD_TO_SIGMA * median(dev, n), 1e-9, Math.abs(med) * 1e-6);
}

function median(values: Float64Array | number[], n: number): number {
  // Typed-array sort is numeric and much faster than Array#sort with a comparator.
  const s = values instanceof Float64Array ? values.slice(0, n) : Float64Array.from(values.slice(0, n));
  s.sort();
  const m = n >> 1;
  return n % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Robust anomaly detection per resource metric: each point is compared with the median of a
 * rolling window, scaled by the median absolute deviation (a z-score that spikes and outliers
 * barely move), and the median of the last `driftPoints` points is compared with a reference
 * window one window back (its median and MAD), to catch level shifts and slow leaks that no single
 * point reveals. With `seasonLength`, each point is
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
    checkOptionKeys(options, DETECTOR_OPTION_KEYS, 'AnomalyDetector');
    const at = 'AnomalyDetector: options';
    this.windowSize = checkInteger(options.windowSize, `${at}.windowSize`, {
      min: 8,
      max: 100_000,
      default: 120,
    });
    this.minPoints = checkInteger(options.minPoints, `${at}.minPoints`, {
      min: 3,
      max: this.windowSize,
      default: 30,
    });
    this.driftPoints = checkInteger(options.driftPoints, `${at}.driftPoints`, {
      min: 2,
      max: Math.floor(this.windowSize / 2),
      default: 10,
    });
    this.resolveAfter = checkInteger(options.resolveAfter, `${at}.resolveAfter`, {
      min: 1,
      max: 10_000,
      default: 5,
    });
    this._maxSeries = checkInteger(options.maxSeries, `${at}.maxSeries`, {
      min: 1,
      max: 1_000_000,
      default: 1000,
    });
    this._seasons = checkInteger(options.seasons, `${at}.seasons`, { min: 1, max: 50, default: 3 });
  }

  /** Where alert events go (set by `ResourceManager.setAnomalyDetector`). */
  bind(sink: (event: AlertEvent) => void): void {
    this._sink = sink;
  }

  /** Starts (or restarts) watching one resource metric. Throws naming a bad field. */
  configure(options: AnomalyDetectionOptions): void {
    const at = 'configureAnomalyDetection';
    if (!options || typeof options !== 'object') throw new Error(`${at} needs { resourceId, metric }`);
    checkOptionKeys(options, DETECTION_OPTION_KEYS, at);
    if (typeof options.resourceId !== 'string' || options.resourceId.length === 0)
      throw new Error(`${at}: resourceId must be a non-empty string`);
    if (typeof options.metric !== 'string' || options.metric.length === 0)
      throw new Error(`${at}: metric must be a non-empty string`);
    const sensitivity = options.sensitivity ?? 0.8;
    if (typeof sensitivity !== 'number' || !(sensitivity >= 0 && sensitivity <= 1))
      throw new Error(`${at}: sensitivity must be a number from 0 to 1, got ${String(options.sensitivity)}`);
    const trainingMillis = parseDuration(options.trainingPeriod ?? 0, 'ms', `${at}: trainingPeriod`);
    const season =
      options.seasonLength === undefined
        ? undefined
        : checkInteger(options.seasonLength, `${at}: seasonLength`, { min: 2, max: 1_000_000 });
    const key = `${options.resourceId}/${options.metric}`;
    if (!this._series.has(key) && this._series.size >= this._maxSeries)
      throw new Error(`${at}: maxSeries (${this._maxSeries}) reached`);
    this._series.set(key, {
      options: { ...options, sensitivity },
      limit: 2.5 + 10 * (1 - sensitivity),
      trainingMillis,
      window: new Float64Array(this.windowSize * 2),
      size: 0,
      next: 0,
      firstAt: undefined,
      seen: 0,
      firing: false,
      firingSince: 0,
      refMed: 0,
      refScale: 1,
      refAge: 0,
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
    const W = this.windowSize;
    // Deseasonalise: subtract the median seasonal deviation of this phase in earlier seasons. The
    // profile stores (value − level at the time), so level shifts do not echo a season later.
    let x = raw;
    let phaseSlot: Float64Array | undefined;
    let phaseIndex = 0;
    if (s.phases && s.phaseCounts) {
      phaseIndex = s.seen % s.phases.length;
      phaseSlot = s.phases[phaseIndex]!;
      const filled = Math.min(s.phaseCounts[phaseIndex]!, this._seasons);
      if (filled > 0) x = raw - median(phaseSlot, filled);
    }
    s.seen++;
    const recentSize = Math.min(s.size, W);
    const level = recentSize > 0 ? median(this._recent(s, recentSize), recentSize) : raw;
    if (phaseSlot && s.phaseCounts) {
      const n = s.phaseCounts[phaseIndex]!;
      phaseSlot[n % this._seasons] = raw - level;
      s.phaseCounts[phaseIndex] = Math.min(255, n + 1);
    }
    const seasonPending = s.phases !== undefined && s.seen <= s.phases.length;
    const training = seasonPending || now - s.firstAt < s.trainingMillis || s.size < this.minPoints;
    let pointZ = 0;
    let driftZ = 0;
    if (recentSize >= 3 && !seasonPending) {
      const recent = this._recent(s, recentSize);
      const med = level;
      const scale = robustScale(recent, recentSize, med);
      pointZ = Math.abs(x - med) / scale;
      // Drift: the median of the last few points against a reference window one window back.
      if (s.size >= 2 * W) {
        // The reference moves by one point per observation: refresh its median/MAD every
        // quarter of `driftPoints` points instead of every point.
        if (s.refAge <= 0) {
          const ref = this._older(s, W);
          s.refMed = median(ref, W);
          s.refScale = robustScale(ref, W, s.refMed);
          s.refAge = Math.max(1, this.driftPoints >> 2);
        }
        s.refAge--;
        const refMed = s.refMed;
        const refScale = s.refScale;
        const k = this.driftPoints;
        const last: number[] = [x];
        for (let j = 0; j < k - 1; j++) last.push(recent[recentSize - 1 - j]!);
        driftZ =
          Math.abs(median(last, last.length) - refMed) / ((MEDIAN_SE * refScale) / Math.sqrt(last.length));
      }
    }
    // Every point enters the history: the median ignores spikes, and a lasting shift becomes the new normal.
    s.window[s.next] = x;
    s.next = (s.next + 1) % s.window.length;
    if (s.size < s.window.length) s.size++;
    const score = Math.max(pointZ, driftZ / 1.5) / s.limit;
    return { anomalous: !training && score >= 1, score, pointZ, driftZ, training };
  }

  /** The last `n` points, oldest first. */
  private _recent(s: SeriesState, n: number): Float64Array {
    const out = new Float64Array(n);
    const cap = s.window.length;
    for (let j = 0; j < n; j++) out[j] = s.window[(s.next - n + j + cap * 2) % cap]!;
    return out;
  }

  /** The `n` points before the last `n`. */
  private _older(s: SeriesState, n: number): Float64Array {
    const out = new Float64Array(n);
    const cap = s.window.length;
    for (let j = 0; j < n; j++) out[j] = s.window[(s.next - 2 * n + j + cap * 2) % cap]!;
    return out;
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
