/** Seeded synthetic series with labelled anomalies, for judging the detector. */

export type AnomalyKind = 'spike' | 'level_shift' | 'leak';

export interface InjectedEvent {
  readonly kind: AnomalyKind;
  /** First index where the anomaly exists. */
  readonly start: number;
  /** Last index where a detection still counts as finding it. */
  readonly end: number;
}

export interface Series {
  readonly values: number[];
  readonly events: InjectedEvent[];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `length` points of base 50 + Gaussian noise (σ = 1) [+ a sine season], after a clean
 * `training` prefix: spikes of 6–10 σ (one point), level shifts of +6 σ that last, and slow leaks
 * rising 0.05 σ per point for 150 points, then back to the baseline.
 */
export function makeSeries(
  seed: number,
  options: { length?: number; training?: number; season?: number; amplitude?: number } = {},
): Series {
  const rand = mulberry32(seed);
  const gauss = () => {
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const length = options.length ?? 3000;
  const training = options.training ?? 300;
  const season = options.season ?? 0;
  const amplitude = options.amplitude ?? 0;
  const events: InjectedEvent[] = [];
  const offset = new Float64Array(length);
  // Place events on a grid with jitter so they never overlap.
  const slots = Math.floor((length - training) / 300);
  for (let s = 0; s < slots; s++) {
    const at = training + s * 300 + 20 + Math.floor(rand() * 60);
    const kind: AnomalyKind = (['spike', 'level_shift', 'leak', 'spike'] as const)[s % 4]!;
    if (kind === 'spike') {
      const mag = (6 + rand() * 4) * (rand() < 0.5 ? -1 : 1);
      offset[at] = (offset[at] ?? 0) + mag;
      events.push({ kind, start: at, end: at + 2 });
    } else if (kind === 'level_shift') {
      const delta = 6 * (rand() < 0.5 ? -1 : 1);
      for (let i = at; i < length; i++) offset[i] = (offset[i] ?? 0) + delta;
      events.push({ kind, start: at, end: at + 30 });
    } else {
      for (let i = 0; i < 150 && at + i < length; i++) offset[at + i] = (offset[at + i] ?? 0) + 0.05 * i;
      events.push({ kind, start: at, end: at + 150 });
    }
  }
  const values: number[] = [];
  for (let i = 0; i < length; i++) {
    const seasonal = season > 0 ? amplitude * Math.sin((2 * Math.PI * i) / season) : 0;
    values.push(50 + seasonal + gauss() + offset[i]!);
  }
  return { values, events };
}

export interface Score {
  readonly events: number;
  readonly detected: number;
  readonly byKind: Record<AnomalyKind, { events: number; detected: number }>;
  readonly alarms: number;
  readonly falseAlarms: number;
  readonly precision: number;
  readonly recall: number;
}

/**
 * Event-level scoring: an injected event is found when a flag falls in [start, end]; an alarm is
 * a run of flags (gaps under 5 points merged); it is false when it overlaps no event (with a
 * 30-point grace after an event's end for the detector to calm down).
 */
export function score(flags: boolean[], events: readonly InjectedEvent[]): Score {
  const byKind = {
    spike: { events: 0, detected: 0 },
    level_shift: { events: 0, detected: 0 },
    leak: { events: 0, detected: 0 },
  };
  let detected = 0;
  for (const e of events) {
    byKind[e.kind].events++;
    let hit = false;
    for (let i = e.start; i <= e.end && i < flags.length; i++) if (flags[i]) hit = true;
    if (hit) {
      detected++;
      byKind[e.kind].detected++;
    }
  }
  const alarms: Array<[number, number]> = [];
  for (let i = 0; i < flags.length; i++) {
    if (!flags[i]) continue;
    const last = alarms[alarms.length - 1];
    if (last && i - last[1] < 5) last[1] = i;
    else alarms.push([i, i]);
  }
  const falseAlarms = alarms.filter(([a, b]) => !events.some((e) => a <= e.end + 30 && b >= e.start)).length;
  return {
    events: events.length,
    detected,
    byKind,
    alarms: alarms.length,
    falseAlarms,
    precision: alarms.length === 0 ? 1 : (alarms.length - falseAlarms) / alarms.length,
    recall: events.length === 0 ? 1 : detected / events.length,
  };
}
