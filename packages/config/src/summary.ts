import { SECRET_QUERY_PARAM } from './redact-text';
import { RESOURCE_KINDS } from './slices/pools';
import type { LogOutputConfig, MetricExporterConfig, OtelkitConfig, TraceExporterConfig } from './types';

const MASK = '***';

/** A URL with credentials and secret-looking query parameters masked. */
export function maskUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return MASK;
  }
  if (u.username) u.username = MASK;
  if (u.password) u.password = MASK;
  for (const key of [...u.searchParams.keys()]) {
    if (SECRET_QUERY_PARAM.test(key)) u.searchParams.set(key, MASK);
  }
  // URLSearchParams percent-encodes the mask; keep it readable.
  return u.toString().replaceAll('%2A%2A%2A', MASK);
}

/** A webhook URL as the summary shows it: origin only (Slack-style URLs carry the secret in the path). */
export function maskWebhookUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' && !u.search ? '/' : `/${MASK}`}`;
  } catch {
    return MASK;
  }
}

/** Header names kept, values masked: any header may carry a credential. */
export function maskHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((k) => [k, MASK]));
}

function traceTarget(e: TraceExporterConfig): string {
  switch (e.type) {
    case 'otlp':
    case 'jaeger':
      return `${e.type} ${maskUrl(e.endpoint)} (${e.protocol}${e.compression === 'gzip' ? ', gzip' : ''})${headerNote(e.headers)}`;
    case 'zipkin':
      return `zipkin ${maskUrl(e.endpoint)}${headerNote(e.headers)}`;
    case 'memory':
      return `memory (last ${e.maxSpans} spans)`;
    default:
      return e.type;
  }
}

function metricTarget(e: MetricExporterConfig): string {
  switch (e.type) {
    case 'prometheus':
      return e.mode === 'server'
        ? `prometheus http://${e.host}:${e.port}${e.path}${e.extraPaths?.length ? ` (also ${e.extraPaths.join(', ')})` : ''}${e.auth ? ` (${e.auth.type} auth)` : ''}`
        : `prometheus handler (mount it on your server at ${e.path})${e.auth ? ` (${e.auth.type} auth)` : ''}`;
    case 'otlp':
      return `otlp ${maskUrl(e.endpoint)} (${e.protocol}, ${e.temporality})${headerNote(e.headers)}`;
    default:
      return e.type;
  }
}

function logTarget(o: LogOutputConfig): string {
  switch (o.type) {
    case 'console':
      return o.stream;
    case 'file': {
      const r = o.rotation;
      const rot = r
        ? `, rotate ${[r.maxSizeBytes ? `at ${r.maxSizeBytes} bytes` : '', r.intervalMillis ? `every ${ms(r.intervalMillis)}` : ''].filter(Boolean).join(' or ')}, keep ${r.maxFiles}`
        : '';
      return `file ${o.path}${rot}`;
    }
    case 'elasticsearch':
      return `elasticsearch ${maskUrl(o.node)}${o.nodes && o.nodes.length > 1 ? ` (+${o.nodes.length - 1} more node${o.nodes.length > 2 ? 's' : ''})` : ''} ${o.dataStream ? 'data stream' : 'index'} ${o.index}${o.auth ? ` (auth ${MASK})` : ''}${headerNote(o.headers)}`;
    case 'otlp':
      return `otlp ${maskUrl(o.endpoint)} (${o.protocol})${headerNote(o.headers)}`;
  }
}

function headerNote(h: Readonly<Record<string, string>>): string {
  const names = Object.keys(h);
  return names.length ? ` headers ${names.map((n) => `${n}=${MASK}`).join(',')}` : '';
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function ms(n: number): string {
  if (n % 86_400_000 === 0 && n > 0) return `${n / 86_400_000}d`;
  if (n % 3_600_000 === 0) return `${n / 3_600_000}h`;
  if (n % 60_000 === 0) return `${n / 60_000}m`;
  if (n % 1000 === 0) return `${n / 1000}s`;
  return `${n}ms`;
}

const onOff = (b: boolean) => (b ? 'on ' : 'off');

/**
 * The startup summary: what is on and where each signal goes, one line per signal, with
 * credentials (headers, URL passwords, secret query parameters) masked.
 *
 * @example console.log(formatSummary(loadConfig()));
 */
export function formatSummary(config: OtelkitConfig): string {
  const s = config.service;
  const ident = [
    `service=${s.name}`,
    s.version && `version=${s.version}`,
    s.environment && `environment=${s.environment}`,
    s.namespace && `namespace=${s.namespace}`,
  ]
    .filter(Boolean)
    .join(' ');
  const lines = [
    `otelkit ${ident}${config.enabled ? '' : '  [DISABLED by OTEL_SDK_DISABLED: every signal is a no-op]'}`,
  ];
  const on = (b: boolean) => config.enabled && b;

  const t = config.tracing;
  const sampler = t.sampler.type.endsWith('traceidratio')
    ? `${t.sampler.type}(${t.sampler.ratio})`
    : t.sampler.type;
  lines.push(
    `  tracing    ${onOff(on(t.enabled))} sampler=${sampler} propagators=${t.propagators.join(',') || 'none'} -> ${t.exporters.map(traceTarget).join('; ') || 'no exporter'}`,
  );
  const m = config.metrics;
  lines.push(
    `  metrics    ${onOff(on(m.enabled))} every ${ms(m.exportIntervalMillis)}, max ${m.cardinalityLimit} series/instrument -> ${m.exporters.map(metricTarget).join('; ') || 'no exporter'}`,
  );
  const l = config.logging;
  lines.push(
    `  logging    ${onOff(l.enabled)} level=${l.level} format=${l.format} correlation=${l.correlation ? 'on' : 'off'} redaction=${l.redact.enabled ? `${l.redact.paths.length} paths` : 'off'} -> ${l.outputs.map(logTarget).join('; ') || 'nowhere'}`,
  );
  const r = config.resources;
  const thresholds = Object.entries(r.thresholds)
    .map(
      ([k, v]) =>
        `${k}${v.direction === 'above' ? '>' : '<'}${[v.warning, v.critical].filter((x) => x !== undefined).join('/')}`,
    )
    .join(' ');
  lines.push(
    `  resources  ${onOff(on(r.enabled))} every ${ms(r.intervalMillis)}, history ${r.historySize} samples${thresholds ? `, thresholds ${thresholds}` : ''}`,
  );
  const p = config.pools;
  if (p.enabled) {
    const kinds =
      p.kinds.length === RESOURCE_KINDS.length ? 'all kinds' : `kinds ${p.kinds.join(',') || 'none'}`;
    const discovery = p.discovery.enabled ? `discovery ${p.discovery.kinds.join(',')}` : 'discovery off';
    const extras = [
      p.thresholds.length && `${p.thresholds.length} threshold${p.thresholds.length === 1 ? '' : 's'}`,
      p.anomalyDetection.enabled && `anomaly detection on ${p.anomalyDetection.watch.length} series`,
      p.health && 'health -> readiness',
    ].filter(Boolean);
    lines.push(
      `  pools      on  every ${ms(p.intervalMillis)}, ${kinds}, ${discovery}${extras.length ? `, ${extras.join(', ')}` : ''}`,
    );
  } else lines.push('  pools      off');
  const db = config.dashboard;
  if (db.enabled) {
    const where =
      db.port !== null
        ? `http://${db.host.includes(':') && !db.host.startsWith('[') ? `[${db.host}]` : db.host}:${db.port}${db.path}`
        : `mounted at ${db.path}`;
    const auth =
      db.auth === null ? 'no auth (loopback only)' : db.auth.type === 'basic' ? 'basic auth' : 'custom auth';
    const buffer =
      db.buffer === false
        ? 'no span/log rings'
        : `rings ${db.buffer.spans} spans (${db.buffer.youngSpans} young, ${db.buffer.tracesPerSecond} traces/s + failed and slow ≥ ${db.buffer.slowMillis} ms) / ${db.buffer.logs} lines`;
    lines.push(`  dashboard  on  ${where}, ${auth}, ${buffer}`);
  }
  const a = config.alerts;
  lines.push(
    `  alerts     ${a.rules.length} rule${a.rules.length === 1 ? '' : 's'}${a.rules.length ? ` (${a.rules.map((x) => x.name).join(', ')})` : ''}${a.webhooks.length ? ` -> webhooks ${a.webhooks.map((w) => maskUrl(w.url)).join(', ')}` : ''}`,
  );
  for (const rule of a.rules) {
    const seed = rule.share !== undefined;
    const cond = rule.parsed;
    const value = cond.unit === 'bytes' ? `${cond.value} bytes` : String(cond.value);
    const what = seed
      ? `fires when more than ${round(rule.share! * 100)}% of ${cond.metric} observations in ${ms(rule.windowMillis)} are ${cond.operator} ${value}`
      : `${rule.condition}${cond.unit === 'bytes' ? ` (${value})` : ''}`;
    if (seed || cond.unit === 'bytes' || rule.forMillis > 0)
      lines.push(
        `    ${rule.name}: ${what}${rule.forMillis ? `, for ${ms(rule.forMillis)}` : ''}, ${rule.severity}`,
      );
  }
  const mo = config.monitoring;
  const receivers = mo.alertmanager.receivers.map(
    (r) => `${r.name}(${r.severities.join('+')}) ${maskWebhookUrl(r.url)}`,
  );
  lines.push(
    `  backend    prometheus scrape ${ms(mo.storage.scrapeIntervalMillis)} retention ${ms(mo.storage.retentionMillis)} target ${mo.storage.target}; grafana ${mo.visualization.dashboards.map((d) => `${d.name}(${d.panels.length})`).join(', ')}; alertmanager ${receivers.join(', ') || 'no receivers'}`,
  );
  for (const t of mo.translated) lines.push(`    seed ${t}`);
  const h = config.health;
  lines.push(`  health     ${onOff(on(h.enabled))} ${h.path} ${h.livenessPath} ${h.readinessPath}`);
  lines.push(
    `  auto       ${config.instrumentations.enabled.join(', ') || 'none'}; SERVER spans from ${config.metrics.http.serverSpans ? 'the otelkit HTTP middleware' : 'the http instrumentation (named by route by the middleware)'}`,
  );
  lines.push(
    `  shutdown   budget ${ms(config.shutdown.timeoutMillis)}, signals ${config.shutdown.handleSignals ? 'handled' : 'left to the app'}`,
  );
  return lines.join('\n');
}
