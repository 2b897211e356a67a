/**
 * The standard OpenTelemetry environment variables, applied over the file and code layers.
 * See https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */
import { ExpectedError } from './duration';
import type { ConfigIssue } from './errors';
import { signalUrl } from './fields/otlp';
import { headerProblem } from './fields/zod-fields';
import type { Draft, DraftOtlp } from './internal-types';
import { schemas } from './schema';
import { parseDiagLevel } from './slices/process';
import { parseResourceDetectorsFromEnv } from './slices/resource-detectors';
import { PROPAGATOR_NAMES, parseSampler, SAMPLER_NAMES } from './slices/tracing';
import type { OtlpProtocol, PropagatorName } from './types';

type Env = Readonly<Record<string, string | undefined>>;
type Signal = 'traces' | 'metrics' | 'logs';

/** Every variable this layer reads, for documentation and the summary. */
export const ENV_VARIABLES: readonly string[] = [
  'OTEL_SDK_DISABLED',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_NODE_RESOURCE_DETECTORS',
  'OTEL_LOG_LEVEL',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'OTEL_PROPAGATORS',
  'OTEL_BSP_SCHEDULE_DELAY',
  'OTEL_BSP_EXPORT_TIMEOUT',
  'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
  'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT',
  'OTEL_BSP_MAX_QUEUE_SIZE',
  'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_LOGS_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TIMEOUT',
  'OTEL_EXPORTER_OTLP_COMPRESSION',
  ...(['TRACES', 'METRICS', 'LOGS'] as const).flatMap((s) =>
    ['ENDPOINT', 'PROTOCOL', 'HEADERS', 'TIMEOUT', 'COMPRESSION'].map((k) => `OTEL_EXPORTER_OTLP_${s}_${k}`),
  ),
  'OTEL_METRIC_EXPORT_INTERVAL',
  'OTEL_METRIC_EXPORT_TIMEOUT',
  'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
  'OTEL_EXPORTER_PROMETHEUS_HOST',
  'OTEL_EXPORTER_PROMETHEUS_PORT',
];

const PROPAGATORS: readonly PropagatorName[] = PROPAGATOR_NAMES;
const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];

/** Percent-decoded `k=v,k2=v2` (the W3C-baggage-like list the spec uses for headers and attributes). */
function parseKeyValueList(raw: string, name: string, issues: ConfigIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).trim() : '';
    if (!key) {
      issues.push({
        path: name,
        message: `expected key=value pairs separated by commas, got ${JSON.stringify(part)}`,
        source: 'env',
      });
      continue;
    }
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      issues.push({
        path: name,
        message: `invalid percent-encoding in the value of "${key}"`,
        source: 'env',
      });
      continue;
    }
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      issues.push({ path: name, message: `key "${key}" is not allowed`, source: 'env' });
      continue;
    }
    out[key] = value;
  }
  return out;
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

function isUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** The OTLP-speaking exporters of one signal in the draft, live objects to update in place. */
function otlpTargets(draft: Draft, signal: Signal): DraftOtlp[] {
  const all: Array<{ type: string }> =
    signal === 'traces'
      ? draft.tracing.exporters
      : signal === 'metrics'
        ? draft.metrics.exporters
        : draft.logging.outputs;
  return all.filter((e): e is DraftOtlp => e.type === 'otlp' || (signal === 'traces' && e.type === 'jaeger'));
}

/** Appends the signal path to a base URL, as the spec says for OTEL_EXPORTER_OTLP_ENDPOINT. */

/**
 * Applies the environment to a merged draft (mutating it) and returns the problems found.
 * Empty variables count as unset, as the spec says.
 */
export function applyEnv(draft: Draft, env: Env): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const bad = (path: string, message: string, given: string) =>
    issues.push({ path, message: `${message}, got ${JSON.stringify(given)}`, source: 'env' });
  const millis = (name: string, min = 0): number | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
      bad(name, `expected a whole number of milliseconds >= ${min}`, raw);
      return undefined;
    }
    return n;
  };
  const count = (name: string): number | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      bad(name, 'expected a positive whole number', raw);
      return undefined;
    }
    return n;
  };

  // --- SDK, resource, diagnostics
  const disabled = get('OTEL_SDK_DISABLED');
  if (disabled !== undefined) {
    if (disabled.toLowerCase() === 'true') draft.enabled = false;
    else if (disabled.toLowerCase() !== 'false') bad('OTEL_SDK_DISABLED', 'expected true or false', disabled);
  }

  const attrsRaw = get('OTEL_RESOURCE_ATTRIBUTES');
  if (attrsRaw !== undefined) {
    const attrs = parseKeyValueList(attrsRaw, 'OTEL_RESOURCE_ATTRIBUTES', issues);
    const fields: Array<[string, 'name' | 'version' | 'namespace' | 'instanceId' | 'environment']> = [
      ['service.name', 'name'],
      ['service.version', 'version'],
      ['service.namespace', 'namespace'],
      ['service.instance.id', 'instanceId'],
      ['deployment.environment.name', 'environment'],
      ['deployment.environment', 'environment'],
    ];
    for (const [key, field] of fields) {
      if (attrs[key] !== undefined) {
        draft.service[field] = attrs[key];
        delete attrs[key];
      }
    }
    draft.service.attributes = { ...draft.service.attributes, ...attrs };
  }
  const serviceName = get('OTEL_SERVICE_NAME');
  if (serviceName !== undefined) draft.service.name = serviceName;

  const detectors = get('OTEL_NODE_RESOURCE_DETECTORS');
  if (detectors !== undefined) {
    // As NodeSDK: the valid names are used, each invalid one is warned about and ignored.
    const parsed = parseResourceDetectorsFromEnv(detectors);
    for (const { name, message } of parsed.invalid) bad('OTEL_NODE_RESOURCE_DETECTORS', message, name);
    draft.service.detectors = parsed.detectors;
  }

  const logLevel = get('OTEL_LOG_LEVEL');
  if (logLevel !== undefined) {
    try {
      draft.diagnostics.logLevel = parseDiagLevel(logLevel);
    } catch (err) {
      if (!(err instanceof ExpectedError)) throw err;
      bad('OTEL_LOG_LEVEL', err.message, logLevel);
    }
  }

  // --- tracing: sampler, propagators, batch
  const samplerName = get('OTEL_TRACES_SAMPLER');
  const samplerArg = get('OTEL_TRACES_SAMPLER_ARG');
  let argRatio: number | undefined;
  if (samplerArg !== undefined) {
    const r = Number(samplerArg);
    if (Number.isFinite(r) && r >= 0 && r <= 1) argRatio = r;
    else bad('OTEL_TRACES_SAMPLER_ARG', 'expected a ratio between 0 and 1', samplerArg);
  }
  if (samplerName !== undefined) {
    try {
      const s = parseSampler(samplerName.toLowerCase());
      draft.tracing.sampler = s.type.endsWith('traceidratio') ? { type: s.type, ratio: argRatio ?? 1 } : s;
    } catch (err) {
      if (!(err instanceof ExpectedError)) throw err;
      bad('OTEL_TRACES_SAMPLER', `expected one of ${SAMPLER_NAMES.join('|')}`, samplerName);
    }
  } else if (argRatio !== undefined && draft.tracing.sampler.type.endsWith('traceidratio')) {
    draft.tracing.sampler = { type: draft.tracing.sampler.type, ratio: argRatio };
  }

  const propagators = get('OTEL_PROPAGATORS');
  if (propagators !== undefined) {
    const names = list(propagators);
    const unknown = names.filter((n) => n !== 'none' && !(PROPAGATORS as string[]).includes(n));
    if (unknown.length > 0)
      bad('OTEL_PROPAGATORS', `expected a list of ${PROPAGATORS.join('|')} or none`, propagators);
    else draft.tracing.propagators = names.includes('none') ? [] : [...new Set(names as PropagatorName[])];
  }

  const bsp: Array<
    [string, 'scheduledDelayMillis' | 'exportTimeoutMillis' | 'maxQueueSize' | 'maxExportBatchSize']
  > = [
    ['OTEL_BSP_SCHEDULE_DELAY', 'scheduledDelayMillis'],
    ['OTEL_BSP_EXPORT_TIMEOUT', 'exportTimeoutMillis'],
    ['OTEL_BSP_MAX_QUEUE_SIZE', 'maxQueueSize'],
    ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'maxExportBatchSize'],
  ];
  // the span-specific variable wins over the general one (OpenTelemetry spec)
  for (const name of ['OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT']) {
    const v = count(name);
    if (v !== undefined) draft.tracing.attributeValueLengthLimit = v;
  }
  for (const [name, field] of bsp) {
    const v = field.endsWith('Millis') ? millis(name) : count(name);
    if (v !== undefined) draft.tracing.batch = { ...draft.tracing.batch, [field]: v };
  }

  // --- exporters by name: an exporter the config already set up keeps its settings
  const choose = <E extends { type: string }>(
    name: string,
    allowed: readonly string[],
    current: readonly E[],
    parse: (type: string) => unknown,
  ): E[] | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    const names = list(raw);
    if (names.some((n) => !allowed.includes(n))) {
      bad(name, `expected a list of ${allowed.join('|')}`, raw);
      return undefined;
    }
    return names.filter((n) => n !== 'none').map((n) => current.find((e) => e.type === n) ?? (parse(n) as E));
  };
  const traces = choose(
    'OTEL_TRACES_EXPORTER',
    ['otlp', 'jaeger', 'zipkin', 'console', 'none'],
    draft.tracing.exporters,
    (n) => schemas.traceExporter.parse(n),
  );
  if (traces) draft.tracing.exporters = traces;
  const metricExporters = choose(
    'OTEL_METRICS_EXPORTER',
    ['otlp', 'prometheus', 'console', 'none'],
    draft.metrics.exporters,
    (n) => schemas.metricExporterObject.parse(n),
  );
  if (metricExporters) draft.metrics.exporters = metricExporters;
  const logOutputs = choose('OTEL_LOGS_EXPORTER', ['otlp', 'console', 'none'], draft.logging.outputs, (n) =>
    schemas.logOutput.parse(n),
  );
  // Files and Elasticsearch are not "exporters" in the spec's sense: they stay.
  if (logOutputs) {
    draft.logging.outputs = [
      ...logOutputs,
      ...draft.logging.outputs.filter((o) => o.type === 'file' || o.type === 'elasticsearch'),
    ];
  }

  // --- OTLP protocol, endpoint, headers, timeout, compression (general, then per signal)
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    const S = signal.toUpperCase();
    const targets = otlpTargets(draft, signal);

    for (const name of ['OTEL_EXPORTER_OTLP_PROTOCOL', `OTEL_EXPORTER_OTLP_${S}_PROTOCOL`]) {
      const raw = get(name);
      if (raw === undefined) continue;
      if (!(PROTOCOLS as string[]).includes(raw)) {
        if (signal === 'traces' || name.includes(`_${S}_`))
          bad(name, `expected one of ${PROTOCOLS.join('|')}`, raw);
        continue;
      }
      for (const t of targets) t.protocol = raw as OtlpProtocol;
    }

    const base = get('OTEL_EXPORTER_OTLP_ENDPOINT');
    const specific = get(`OTEL_EXPORTER_OTLP_${S}_ENDPOINT`);
    if (base !== undefined && !isUrl(base)) {
      if (signal === 'traces') bad('OTEL_EXPORTER_OTLP_ENDPOINT', 'expected an http(s) URL', base);
    } else if (specific !== undefined && !isUrl(specific)) {
      bad(`OTEL_EXPORTER_OTLP_${S}_ENDPOINT`, 'expected an http(s) URL', specific);
    } else {
      for (const t of targets) {
        if (specific !== undefined) t.endpoint = specific;
        else if (base !== undefined) t.endpoint = t.protocol === 'grpc' ? base : signalUrl(base, signal);
        else continue;
        t.endpointFinal = true;
      }
    }

    for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', `OTEL_EXPORTER_OTLP_${S}_HEADERS`]) {
      const raw = get(name);
      if (raw === undefined) continue;
      const report = signal === 'traces' || name.includes(`_${S}_`) ? issues : [];
      const h = parseKeyValueList(raw, name, report);
      for (const [k, v] of Object.entries(h)) {
        // percent-decoding can produce CR/LF (%0D%0A): refused like in the config itself
        const problem = headerProblem(k, v);
        if (problem === undefined) continue;
        report.push({ path: name, message: problem, source: 'env' });
        delete h[k];
      }
      for (const t of targets) t.headers = { ...t.headers, ...h };
    }
    for (const name of ['OTEL_EXPORTER_OTLP_TIMEOUT', `OTEL_EXPORTER_OTLP_${S}_TIMEOUT`]) {
      const raw = get(name);
      if (raw === undefined) continue;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) {
        if (signal === 'traces' || name.includes(`_${S}_`))
          bad(name, 'expected a positive whole number of milliseconds', raw);
        continue;
      }
      for (const t of targets) t.timeoutMillis = n;
    }
    for (const name of ['OTEL_EXPORTER_OTLP_COMPRESSION', `OTEL_EXPORTER_OTLP_${S}_COMPRESSION`]) {
      const raw = get(name);
      if (raw === undefined) continue;
      if (raw !== 'gzip' && raw !== 'none') {
        if (signal === 'traces' || name.includes(`_${S}_`)) bad(name, 'expected gzip or none', raw);
        continue;
      }
      for (const t of targets) t.compression = raw;
    }
  }

  // --- metrics intervals
  const interval = millis('OTEL_METRIC_EXPORT_INTERVAL', 1);
  if (interval !== undefined) draft.metrics.exportIntervalMillis = interval;
  const timeout = millis('OTEL_METRIC_EXPORT_TIMEOUT', 1);
  if (timeout !== undefined) draft.metrics.exportTimeoutMillis = timeout;

  // --- OTLP metric temporality, the Prometheus exporter's listener
  const temporality = get('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE');
  if (temporality !== undefined) {
    const t = temporality.toLowerCase();
    if (t === 'cumulative' || t === 'delta' || t === 'lowmemory') {
      for (const e of draft.metrics.exporters) if (e.type === 'otlp') e.temporality = t;
    } else {
      bad(
        'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
        'expected cumulative, delta or lowmemory',
        temporality,
      );
    }
  }
  const promHost = get('OTEL_EXPORTER_PROMETHEUS_HOST');
  const promPort = get('OTEL_EXPORTER_PROMETHEUS_PORT');
  let port: number | undefined;
  if (promPort !== undefined) {
    const n = Number(promPort);
    if (Number.isInteger(n) && n >= 0 && n <= 65535) port = n;
    else bad('OTEL_EXPORTER_PROMETHEUS_PORT', 'expected a port number 0..65535', promPort);
  }
  if (promHost !== undefined || port !== undefined) {
    draft.metrics.exporters = draft.metrics.exporters.map((e) =>
      e.type === 'prometheus'
        ? {
            ...e,
            ...(promHost !== undefined ? { host: promHost } : {}),
            ...(port !== undefined ? { port } : {}),
          }
        : e,
    );
  }

  return issues;
}
