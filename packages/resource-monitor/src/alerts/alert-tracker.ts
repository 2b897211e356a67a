/** One level of an alert: the condition to enter it, and the (hysteresis-widened) condition to stay. */
export interface LevelCondition {
  readonly level: 'warning' | 'critical';
  readonly threshold: number;
  enter(value: number): boolean;
  stay(value: number): boolean;
}

/** A change of an alert's level produced by {@link AlertTracker.update}. */
export interface AlertTransition {
  readonly state: 'firing' | 'resolved';
  readonly level: 'warning' | 'critical';
  readonly previousLevel?: 'warning' | 'critical';
  readonly threshold: number;
  readonly since: number;
}

/**
 * The state machine behind every threshold and rule. Levels are ordered from least to most
 * severe. A level is entered once its `enter` condition has held for `forMillis`; it is left as
 * soon as its `stay` condition (the level moved back by the hysteresis band) stops holding.
 * So a value wobbling around a threshold inside the band produces no events at all.
 */
export class AlertTracker {
  private _active = -1;
  private _firedAt = 0;
  private readonly _holdingSince: (number | undefined)[];

  constructor(
    readonly levels: readonly LevelCondition[],
    readonly forMillis: number,
  ) {
    this._holdingSince = levels.map(() => undefined);
  }

  /** The active level, or `undefined` when the alert is not firing. */
  get activeLevel(): 'warning' | 'critical' | undefined {
    return this._active < 0 ? undefined : this.levels[this._active]!.level;
  }

  get firedAt(): number {
    return this._firedAt;
  }

  /** Feeds one value; returns the transition it causes, if any. NaN values are ignored. */
  update(value: number, now: number): AlertTransition | undefined {
    if (Number.isNaN(value)) return undefined;
    let target = -1;
    let targetSince = now;
    for (let i = 0; i < this.levels.length; i++) {
      const level = this.levels[i]!;
      const holds = i <= this._active ? level.stay(value) : level.enter(value);
      if (!holds) {
        this._holdingSince[i] = undefined;
        continue;
      }
      const since = this._holdingSince[i] ?? now;
      this._holdingSince[i] = since;
      if (i <= this._active || now - since >= this.forMillis) {
        target = i;
        targetSince = since;
      }
    }
    if (target === this._active) return undefined;
    const previous = this._active;
    this._active = target;
    if (target < 0) {
      const prev = this.levels[previous]!;
      return { state: 'resolved', level: prev.level, threshold: prev.threshold, since: this._firedAt };
    }
    this._firedAt = now;
    const level = this.levels[target]!;
    return {
      state: 'firing',
      level: level.level,
      ...(previous >= 0 ? { previousLevel: this.levels[previous]!.level } : {}),
      threshold: level.threshold,
      since: targetSince,
    };
  }

  /** Forgets the state (used when a threshold is replaced); returns the level that was active. */
  reset(): 'warning' | 'critical' | undefined {
    const level = this.activeLevel;
    this._active = -1;
    this._holdingSince.fill(undefined);
    return level;
  }
}
