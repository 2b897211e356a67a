/**
 * A `promtool test rules` file for the config's alerts: per alert, a case where it fires (on each
 * naming path) and one where it stays quiet, with input series synthesised from the catalog so
 * that the logical value is clearly past (or short of) the alert's threshold.
 */
import {
  type AlertRuleConfig,
  formatPromDuration,
  type MetricCatalogEntry,
  type OtelkitConfig,
  type PrometheusPath,
} from '@otelkit/config';
import { alertName, configAlert, entryOf } from './prometheus-rules';

export interface PromtoolSeries {
  readonly series: string;
  readonly values: string;
}

export interface PromtoolAlertTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: ReadonlyArray<{
    readonly exp_labels: Readonly<Record<string, string>>;
    readonly exp_annotations: Readonly<Record<string, string>>;
  }>;
}

export interface PromtoolTestGroup {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly PromtoolSeries[];
  readonly alert_rule_test: readonly PromtoolAlertTest[];
}

export interface PromtoolTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  readonly tests: readonly PromtoolTestGroup[];
}

const JOB = 'otelkit-service';
const INSTANCE = 'service:9464';
const ROUTE = '/checkout';
const PER_MINUTE = 600; // requests per minute in synthesised traffic

function labels(l: Record<string, string>): string {
  return `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

function num(n: number): string {
  return String(Math.round(n * 1e9) / 1e9);
}

/** A logical value clearly on the firing (or quiet) side of `op value`. */
function logicalValue(e: MetricCatalogEntry, op: string, value: number, fire: boolean): number {
  const above = op.startsWith('>') ? fire : op.startsWith('<') ? !fire : op === '==' ? false : fire;
  if (op === '==') return fire ? value : value + 1;
  if (op === '!=') return fire ? value + 1 : value;
  let v = above ? (value > 0 ? value * 2 : value + 1) : value > 0 ? value / 2 : value - 1;
  if ((e.unit === 'ratio' || e.name === 'error_rate') && above && v > 1) v = (value + 1) / 2;
  return v;
}

function gaugeSeries(
  e: MetricCatalogEntry,
  path: PrometheusPath,
  logical: number,
  n: number,
): PromtoolSeries[] {
  const base = { job: JOB, instance: INSTANCE };
  const name = e.series[path];
  const value = (x: number) => `${num(x)}+0x${n}`;
  switch (e.name) {
    case 'cpu_usage':
    case 'memory_usage':
      return [
        { series: `${name}${labels({ ...base, otelkit_view: 'host' })}`, values: value(logical / 100) },
      ];
    case 'process_cpu_usage':
      return [{ series: `${name}${labels({ ...base, cpu_mode: 'user' })}`, values: value(logical / 100) }];
    case 'pool_utilisation':
      return [{ series: `${name}${labels({ ...base, resource_id: 'db' })}`, values: value(logical) }];
    default:
      return [{ series: `${name}${labels(base)}`, values: value(logical) }];
  }
}

function counter(name: string, l: Record<string, string>, perMinute: number, n: number): PromtoolSeries {
  return { series: `${name}${labels(l)}`, values: `0+${num(perMinute)}x${n}` };
}

/** Histogram series whose `slowShare` of requests is above `bound` (le buckets at bound/2, bound, 4·bound, +Inf). */
function latencySeries(path: PrometheusPath, bound: number, slowShare: number, n: number): PromtoolSeries[] {
  const name = `${'http_server_request_duration'}${path === 'otlp' ? '_seconds' : ''}`;
  const base = { job: JOB, instance: INSTANCE, http_route: ROUTE };
  const fast = (1 - slowShare) * PER_MINUTE;
  return [
    counter(`${name}_bucket`, { ...base, le: num(bound / 2) }, fast, n),
    counter(`${name}_bucket`, { ...base, le: num(bound) }, fast, n),
    counter(`${name}_bucket`, { ...base, le: num(bound * 4) }, PER_MINUTE, n),
    counter(`${name}_bucket`, { ...base, le: '+Inf' }, PER_MINUTE, n),
    counter(`${name}_count`, { ...base, http_response_status_code: '200' }, PER_MINUTE, n),
  ];
}

function inputSeries(
  rule: AlertRuleConfig,
  path: PrometheusPath,
  fire: boolean,
  n: number,
): PromtoolSeries[] {
  const e = entryOf(rule);
  const { operator, value } = rule.parsed;
  const base = { job: JOB, instance: INSTANCE };
  if (e.name === 'request_duration_seconds') {
    if (rule.share !== undefined) {
      const meeting = fire ? (1 + rule.share) / 2 : rule.share / 2;
      return latencySeries(path, value, operator.startsWith('>') ? meeting : 1 - meeting, n);
    }
    // p95 of everything in (bound, 4·bound] is above the bound; of everything in (0, bound/2] below it
    const above = operator.startsWith('>') ? fire : !fire;
    return latencySeries(path, value, above ? 1 : 0, n);
  }
  if (rule.share !== undefined) {
    // gauges: the condition holds at every evaluation (share 1) or at none (share 0)
    return gaugeSeries(e, path, logicalValue(e, operator, value, fire), n);
  }
  const logical = logicalValue(e, operator, value, fire);
  const count = e.series[path];
  if (e.name === 'request_rate')
    return [
      counter(
        `${count}_count`,
        { ...base, http_route: ROUTE, http_response_status_code: '200' },
        logical * 60,
        n,
      ),
    ];
  if (e.name === 'error_rate') {
    const ratio = Math.min(1, Math.max(0, logical));
    return [
      counter(
        `${count}_count`,
        { ...base, http_route: ROUTE, http_response_status_code: '500' },
        ratio * PER_MINUTE,
        n,
      ),
      counter(
        `${count}_count`,
        { ...base, http_route: ROUTE, http_response_status_code: '200' },
        (1 - ratio) * PER_MINUTE,
        n,
      ),
    ];
  }
  return gaugeSeries(e, path, logical, n);
}

/** The labels an alert carries from its expression (what its `by` keeps). */
function exprLabels(e: MetricCatalogEntry): Record<string, string> {
  if (e.name === 'request_duration_seconds') return { job: JOB, http_route: ROUTE };
  if (e.name === 'pool_utilisation') return { job: JOB, instance: INSTANCE, resource_id: 'db' };
  return { job: JOB, instance: INSTANCE };
}

function render(template: string, l: Record<string, string>): string {
  return template.replace(/\{\{\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, k: string) => l[k] ?? '');
}

function group(rule: AlertRuleConfig, path: PrometheusPath, fire: boolean): PromtoolTestGroup {
  const e = entryOf(rule);
  const minutes = Math.ceil((rule.forMillis + Math.max(rule.windowMillis, e.windowMillis)) / 60_000) + 6;
  const n = minutes + 5;
  const generated = configAlert(rule);
  const exprL = exprLabels(e);
  const exp_labels = { ...exprL, ...generated.labels };
  const exp_annotations = Object.fromEntries(
    Object.entries(generated.annotations).map(([k, v]) => [k, render(v, exp_labels)]),
  );
  return {
    name: `${rule.name}: ${fire ? 'fires' : 'stays quiet'} (${path})`,
    interval: '1m',
    input_series: inputSeries(rule, path, fire, n),
    alert_rule_test: [
      // never before its `for` has passed
      ...(fire && rule.forMillis >= 120_000
        ? [{ eval_time: '1m', alertname: alertName(rule.name), exp_alerts: [] }]
        : []),
      {
        eval_time: formatPromDuration(minutes * 60_000),
        alertname: alertName(rule.name),
        exp_alerts: fire ? [{ exp_labels, exp_annotations }] : [],
      },
    ],
  };
}

/** The test file for `prometheus/tests/`, its rule file path relative to it. */
export function generateRuleTests(
  config: OtelkitConfig,
  ruleFile = '../rules/config-alerts.rules.yml',
): PromtoolTestFile {
  const tests: PromtoolTestGroup[] = [];
  for (const rule of config.alerts.rules) {
    tests.push(group(rule, 'direct', true), group(rule, 'otlp', true), group(rule, 'direct', false));
  }
  return { rule_files: [ruleFile], evaluation_interval: '1m', tests };
}
