import {
  type AlertRuleConfig,
  checkOptionKeys,
  findCatalogEntry,
  type ParsedCondition,
  parseDuration,
  type ThresholdConfig,
} from '@otelkit/config';
import { aggregate } from '../internal/aggregate';
import type {
  AlertEvent,
  AlertLevel,
  AlertRuleSpec,
  HistoryPoint,
  KeyedThresholdSpec,
  ThresholdSpec,
} from '../types';
import { AlertTracker, type LevelCondition } from './alert-tracker';
import { AGGREGATIONS, compare, parseCondition } from './parse-condition';

/** A threshold after validation. */
export interface NormalizedThreshold extends ThresholdConfig {
  readonly key: string;
  readonly metric: string;
  readonly resourceId?: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** An alert rule after validation: the same shape as a rule from the config. */
export type NormalizedRule = AlertRuleConfig;

/** An alert that is firing now. */
export interface ActiveAlert {
  readonly alert: string;
  readonly source: 'threshold' | 'rule';
  readonly level: 'warning' | 'critical';
  readonly since: number;
  readonly metric: string;
  readonly resourceId?: string;
  readonly value: number;
  readonly threshold: number;
  readonly labels: Readonly<Record<string, string>>;
}

/** Default look-back of rule aggregations. */
export const DEFAULT_RULE_WINDOW_MILLIS = 60_000;

export function thresholdKey(metric: string, resourceId?: string): string {
  return resourceId ? `${resourceId}/${metric}` : metric;
}

function finite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** Keys a threshold written in code or read from config may have (`metric` / `resourceId` when keyed). */
const THRESHOLD_KEYS = [
  'warning',
  'critical',
  'direction',
  'for',
  'forMillis',
  'hysteresis',
  'message',
  'labels',
  'metric',
  'resourceId',
] as const satisfies readonly (keyof KeyedThresholdSpec | keyof ThresholdConfig)[];
const RULE_KEYS = [
  'name',
  'condition',
  'parsed',
  'for',
  'forMillis',
  'window',
  'windowMillis',
  'severity',
  'message',
  'runbook',
  'labels',
  'share',
] as const satisfies readonly (keyof AlertRuleSpec | keyof AlertRuleConfig)[];
// Compile-time: a rule field that is not listed fails the build (it would be refused at run time).
const _everyRuleKeyListed: [Exclude<keyof AlertRuleSpec, (typeof RULE_KEYS)[number]>] extends [never]
  ? true
  : never = true;
void _everyRuleKeyListed;

/** Validates a simple (`80`) or rich threshold; throws an Error naming `field`. */
export function normalizeThreshold(
  metric: string,
  spec: number | ThresholdSpec | ThresholdConfig,
  resourceId?: string,
  field = `threshold ${JSON.stringify(thresholdKey(metric, resourceId))}`,
): NormalizedThreshold {
  if (typeof metric !== 'string' || metric.length === 0)
    throw new Error(`${field}: metric must be a non-empty string`);
  const base = { key: thresholdKey(metric, resourceId), metric, ...(resourceId ? { resourceId } : {}) };
  if (typeof spec === 'number') {
    if (!finite(spec)) throw new Error(`${field} must be a finite number, got ${spec}`);
    return { ...base, warning: spec, direction: 'above', forMillis: 0, hysteresis: 0, labels: {} };
  }
  if (spec === null || typeof spec !== 'object') {
    throw new Error(
      `${field} must be a number or { warning?, critical?, direction?, for?, hysteresis?, message? }`,
    );
  }
  // uno's Threshold(alert_message=…) is `message` here: say so rather than guess.
  if ('alert_message' in spec || 'alertMessage' in spec)
    throw new Error(`${field}: uno's alert_message is "message" here; allowed: ${THRESHOLD_KEYS.join(', ')}`);
  checkOptionKeys(spec, THRESHOLD_KEYS, field);
  const { warning, critical } = spec;
  if (warning !== undefined && !finite(warning))
    throw new Error(`${field}.warning must be a finite number, got ${warning}`);
  if (critical !== undefined && !finite(critical))
    throw new Error(`${field}.critical must be a finite number, got ${critical}`);
  if (warning === undefined && critical === undefined)
    throw new Error(`${field} needs at least one of warning or critical`);
  const direction = spec.direction ?? 'above';
  if (direction !== 'above' && direction !== 'below') {
    throw new Error(`${field}.direction must be 'above' or 'below', got ${JSON.stringify(direction)}`);
  }
  if (warning !== undefined && critical !== undefined) {
    if (direction === 'above' && critical < warning)
      throw new Error(
        `${field}.critical (${critical}) must be >= warning (${warning}) when direction is 'above'`,
      );
    if (direction === 'below' && critical > warning)
      throw new Error(
        `${field}.critical (${critical}) must be <= warning (${warning}) when direction is 'below'`,
      );
  }
  const hysteresis = spec.hysteresis ?? 0;
  if (!finite(hysteresis) || hysteresis < 0)
    throw new Error(`${field}.hysteresis must be a number >= 0, got ${hysteresis}`);
  const rich = spec as ThresholdSpec;
  const forMillis =
    rich.for !== undefined
      ? parseDuration(rich.for, 'ms', `${field}.for`)
      : parseDuration(spec.forMillis ?? 0, 'ms', `${field}.forMillis`);
  return {
    ...base,
    ...(warning !== undefined ? { warning } : {}),
    ...(critical !== undefined ? { critical } : {}),
    direction,
    forMillis,
    hysteresis,
    ...(spec.message !== undefined ? { message: String(spec.message) } : {}),
    labels: { ...(rich.labels ?? {}) },
  };
}

/** Validates a rule written in code (condition parsed here) or from config (already parsed). */
export function normalizeRule(rule: AlertRuleSpec | AlertRuleConfig, field = 'alert rule'): NormalizedRule {
  if (!rule || typeof rule !== 'object')
    throw new Error(`${field} must be an object { name, condition, for?, severity? }`);
  if (typeof rule.name !== 'string' || rule.name.length === 0)
    throw new Error(`${field}.name must be a non-empty string`);
  const at = `alert rule ${JSON.stringify(rule.name)}`;
  checkOptionKeys(rule, RULE_KEYS, at);
  const fromConfig = (rule as AlertRuleConfig).parsed;
  let parsed: ParsedCondition;
  try {
    parsed = fromConfig ?? parseCondition(rule.condition);
  } catch (err) {
    throw new Error(`${at}.condition: ${(err as Error).message}`);
  }
  if (!AGGREGATIONS.includes(parsed.aggregation))
    throw new Error(`${at}.parsed.aggregation must be one of ${AGGREGATIONS.join(', ')}`);
  if (!finite(parsed.value)) throw new Error(`${at}.parsed.value must be a finite number`);
  const severity = rule.severity ?? 'warning';
  if (severity !== 'warning' && severity !== 'critical')
    throw new Error(`${at}.severity must be 'warning' or 'critical', got ${JSON.stringify(severity)}`);
  const spec = rule as AlertRuleSpec;
  const forMillis =
    spec.for !== undefined
      ? parseDuration(spec.for, 'ms', `${at}.for`)
      : parseDuration(rule.forMillis ?? 0, 'ms', `${at}.forMillis`);
  const windowMillis =
    spec.window !== undefined
      ? parseDuration(spec.window, 'ms', `${at}.window`)
      : ((rule as AlertRuleConfig).windowMillis ?? DEFAULT_RULE_WINDOW_MILLIS);
  const share = rule.share;
  if (share !== undefined && !(finite(share) && share > 0 && share <= 1))
    throw new Error(`${at}.share must be a number in (0, 1], got ${share}`);
  if (share !== undefined && parsed.aggregation !== 'last')
    throw new Error(`${at}.share needs a bare metric condition, got ${JSON.stringify(rule.condition)}`);
  return {
    name: rule.name,
    condition: rule.condition,
    parsed,
    ...(share !== undefined ? { share } : {}),
    forMillis,
    windowMillis,
    severity,
    ...(rule.message !== undefined ? { message: rule.message } : {}),
    ...(rule.runbook !== undefined ? { runbook: rule.runbook } : {}),
    labels: { ...(rule.labels ?? {}) },
  };
}

function thresholdLevels(t: NormalizedThreshold): LevelCondition[] {
  const h = t.hysteresis;
  const make = (level: 'warning' | 'critical', th: number): LevelCondition =>
    t.direction === 'above'
      ? { level, threshold: th, enter: (v) => v > th, stay: (v) => v > th - h }
      : { level, threshold: th, enter: (v) => v < th, stay: (v) => v < th + h };
  const levels: LevelCondition[] = [];
  if (t.warning !== undefined) levels.push(make('warning', t.warning));
  if (t.critical !== undefined) levels.push(make('critical', t.critical));
  return levels;
}

interface ThresholdEntry {
  readonly spec: NormalizedThreshold;
  readonly tracker: AlertTracker;
  lastValue: number;
}

interface RuleEntry {
  readonly rule: NormalizedRule;
  readonly tracker: AlertTracker;
  lastValue: number;
}

/**
 * Holds thresholds (keyed by metric, or resourceId + metric) and alert rules, feeds them values,
 * and turns their transitions into {@link AlertEvent}s.
 */
export class AlertEngine {
  private readonly _thresholds = new Map<string, ThresholdEntry>();
  private readonly _rules = new Map<string, RuleEntry>();

  constructor(private readonly _emit: (event: AlertEvent) => void) {}

  setThreshold(spec: NormalizedThreshold): void {
    const old = this._thresholds.get(spec.key);
    if (old) this._resolveRemoved(old.spec, old.tracker, old.lastValue, 'threshold');
    this._thresholds.set(spec.key, {
      spec,
      tracker: new AlertTracker(thresholdLevels(spec), spec.forMillis),
      lastValue: Number.NaN,
    });
  }

  removeThreshold(key: string): boolean {
    const old = this._thresholds.get(key);
    if (!old) return false;
    this._resolveRemoved(old.spec, old.tracker, old.lastValue, 'threshold');
    return this._thresholds.delete(key);
  }

  getThresholds(): NormalizedThreshold[] {
    return [...this._thresholds.values()].map((e) => e.spec);
  }

  hasThreshold(key: string): boolean {
    return this._thresholds.has(key);
  }

  addRule(rule: NormalizedRule): void {
    const old = this._rules.get(rule.name);
    if (old) this._resolveRuleRemoved(old);
    const { operator, value } = rule.parsed;
    const share = rule.share;
    // A share rule's value is the share of points meeting the condition; it fires above `share`.
    const level: LevelCondition =
      share !== undefined
        ? { level: rule.severity, threshold: share, enter: (v) => v > share, stay: (v) => v > share }
        : {
            level: rule.severity,
            threshold: value,
            enter: (v) => compare(v, operator, value),
            stay: (v) => compare(v, operator, value),
          };
    this._rules.set(rule.name, {
      rule,
      tracker: new AlertTracker([level], rule.forMillis),
      lastValue: Number.NaN,
    });
  }

  removeRule(name: string): boolean {
    const old = this._rules.get(name);
    if (!old) return false;
    this._resolveRuleRemoved(old);
    return this._rules.delete(name);
  }

  getRules(): NormalizedRule[] {
    return [...this._rules.values()].map((e) => e.rule);
  }

  /** Feeds one value to the threshold of `key`, if there is one. */
  evaluate(key: string, value: number, now: number): void {
    const entry = this._thresholds.get(key);
    if (!entry) return;
    entry.lastValue = value;
    const t = entry.tracker.update(value, now);
    if (!t) return;
    const s = entry.spec;
    const dir = s.direction === 'above' ? 'above' : 'below';
    const message =
      s.message ??
      (t.state === 'firing'
        ? `${s.key} is ${dir} its ${t.level} threshold (${round(value)} ${dir === 'above' ? '>' : '<'} ${t.threshold})`
        : `${s.key} is back within its ${t.level} threshold (${round(value)}, threshold ${t.threshold})`);
    this._emit({
      alert: s.key,
      source: 'threshold',
      state: t.state,
      level: t.level,
      ...(t.previousLevel ? { previousLevel: t.previousLevel } : {}),
      metric: s.metric,
      ...(s.resourceId ? { resourceId: s.resourceId } : {}),
      value,
      threshold: t.threshold,
      since: t.since,
      timestamp: now,
      message,
      labels: s.labels,
    });
  }

  /** Evaluates every rule whose metric has points in its window. */
  evaluateRules(now: number, query: (metric: string, since: number) => HistoryPoint[]): void {
    for (const entry of this._rules.values()) {
      const { rule } = entry;
      const value = ruleValue(rule, now, query);
      if (Number.isNaN(value)) continue;
      entry.lastValue = value;
      const t = entry.tracker.update(value, now);
      if (!t) continue;
      this._emit({
        alert: rule.name,
        source: 'rule',
        state: t.state,
        level: t.level,
        metric: rule.parsed.metric,
        value,
        threshold: t.threshold,
        since: t.since,
        timestamp: now,
        message:
          rule.message ??
          (t.state === 'firing'
            ? `${rule.name}: ${rule.condition} (value ${round(value)})`
            : `${rule.name} resolved (value ${round(value)})`),
        ...(rule.runbook ? { runbook: rule.runbook } : {}),
        labels: rule.labels,
      });
    }
  }

  /** Alerts firing now. */
  activeAlerts(): ActiveAlert[] {
    const out: ActiveAlert[] = [];
    for (const { spec, tracker, lastValue } of this._thresholds.values()) {
      const level = tracker.activeLevel;
      if (!level) continue;
      out.push({
        alert: spec.key,
        source: 'threshold',
        level,
        since: tracker.firedAt,
        metric: spec.metric,
        ...(spec.resourceId ? { resourceId: spec.resourceId } : {}),
        value: lastValue,
        threshold: (level === 'critical' ? spec.critical : spec.warning) as number,
        labels: spec.labels,
      });
    }
    for (const { rule, tracker, lastValue } of this._rules.values()) {
      const level = tracker.activeLevel;
      if (!level) continue;
      out.push({
        alert: rule.name,
        source: 'rule',
        level,
        since: tracker.firedAt,
        metric: rule.parsed.metric,
        value: lastValue,
        threshold: rule.parsed.value,
        labels: rule.labels,
      });
    }
    return out;
  }

  /** Every (alert, level) pair known, with 1 when that level is active: the `otelkit.alert.state` gauge. */
  alertStates(): Array<{ alert: string; level: AlertLevel; value: 0 | 1 }> {
    const out: Array<{ alert: string; level: AlertLevel; value: 0 | 1 }> = [];
    for (const { spec, tracker } of this._thresholds.values()) {
      for (const level of tracker.levels) {
        out.push({ alert: spec.key, level: level.level, value: tracker.activeLevel === level.level ? 1 : 0 });
      }
    }
    for (const { rule, tracker } of this._rules.values()) {
      out.push({ alert: rule.name, level: rule.severity, value: tracker.activeLevel ? 1 : 0 });
    }
    return out;
  }

  private _resolveRemoved(
    s: NormalizedThreshold,
    tracker: AlertTracker,
    value: number,
    source: 'threshold',
  ): void {
    const firedAt = tracker.firedAt;
    const level = tracker.reset();
    if (!level) return;
    const now = Date.now();
    this._emit({
      alert: s.key,
      source,
      state: 'resolved',
      level,
      metric: s.metric,
      ...(s.resourceId ? { resourceId: s.resourceId } : {}),
      value,
      threshold: (level === 'critical' ? s.critical : s.warning) as number,
      since: firedAt,
      timestamp: now,
      message: `${s.key}: threshold removed or replaced`,
      labels: s.labels,
    });
  }

  private _resolveRuleRemoved(entry: RuleEntry): void {
    const firedAt = entry.tracker.firedAt;
    const level = entry.tracker.reset();
    if (!level) return;
    this._emit({
      alert: entry.rule.name,
      source: 'rule',
      state: 'resolved',
      level,
      metric: entry.rule.parsed.metric,
      value: entry.lastValue,
      threshold: entry.rule.parsed.value,
      since: firedAt,
      timestamp: Date.now(),
      message: `${entry.rule.name}: rule removed or replaced`,
      labels: entry.rule.labels,
    });
  }
}

/**
 * A rule's value now. The metric is read as recorded when it has points; otherwise a logical name
 * of the metric catalog (`memory_usage_bytes`, `event_loop_delay_seconds`) is read from the
 * monitor series the catalog names, converted to the logical unit. A bare condition on a catalog
 * name means the catalog's statistic (`request_duration_seconds > 1` is its p95), as in the
 * generated Prometheus rules.
 */
function ruleValue(
  rule: NormalizedRule,
  now: number,
  query: (metric: string, since: number) => HistoryPoint[],
): number {
  const { metric, aggregation, operator, value } = rule.parsed;
  const since = now - rule.windowMillis;
  const catalog = findCatalogEntry(metric);
  let points = query(metric, since);
  let factor = 1;
  if (points.length === 0 && catalog?.monitor && catalog.monitor.metric !== metric) {
    points = query(catalog.monitor.metric, since);
    factor = catalog.monitor.factor;
  }
  if (rule.share !== undefined) {
    const valid = points.filter((p) => !Number.isNaN(p.value));
    if (valid.length === 0) return Number.NaN;
    return valid.filter((p) => compare(p.value * factor, operator, value)).length / valid.length;
  }
  const statistic = aggregation === 'last' && catalog ? catalog.bareAggregation : aggregation;
  return aggregate(points, statistic) * factor;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
