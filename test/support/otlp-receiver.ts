/**
 * A local OTLP receiver for tests. It decodes what it receives with the protobufjs types that
 * `@opentelemetry/otlp-transformer@0.57.2` generated from the official opentelemetry-proto
 * definitions (root devDependency `otlp-transformer-057`), so it is independent of any encoder
 * in this repository and of the 0.223 exporters we ship (those carry their own hand-written
 * encoder).
 *
 * - HTTP: POST /v1/traces, /v1/metrics, /v1/logs with `application/x-protobuf` or
 *   `application/json` (OTLP/JSON: hex ids, integer enums, lowerCamelCase), optionally
 *   `content-encoding: gzip`. Both encodings are normalised to one shape.
 * - gRPC (opt-in, `{ grpc: true }`): the three collector `Export` services on a second port,
 *   served with `@grpc/grpc-js` resolved through the OTel gRPC exporter in packages/tracing.
 * - Fault modes: `ok`, `hang` (read the request, never answer) and `status` (answer with the
 *   given successive statuses), switchable at run time with `setBehaviour`.
 *
 * Only requests answered with a 2xx (gRPC OK) add to `traces`/`metrics`/`logs`, as a real
 * collector would accept them; every request, whatever its fate, is in `requests`.
 *
 * @example
 * const receiver = await startOtlpReceiver();
 * const exporter = new OTLPTraceExporter({ url: receiver.urls.traces });
 * // ... export ...
 * await receiver.waitFor((r) => r.spans().length >= 2);
 * expect(receiver.spans()[0].attributes['http.route']).toBe('/users/:id');
 * await receiver.close();
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

// The generated module is typed as a bare protobufjs Root; we describe the tiny part we use.
interface GeneratedType {
  decode(buf: Uint8Array): unknown;
  fromObject(obj: unknown): unknown;
  toObject(msg: unknown, opts: Record<string, unknown>): Record<string, unknown>;
  encode(msg: unknown): { finish(): Uint8Array };
  create(obj?: unknown): unknown;
}
const generatedRoot = require('otlp-transformer-057/build/src/generated/root.js');
const collector = generatedRoot.opentelemetry.proto.collector;

export type Signal = 'traces' | 'metrics' | 'logs';

const TYPES: Record<Signal, { request: GeneratedType; response: GeneratedType; service: string }> = {
  traces: {
    request: collector.trace.v1.ExportTraceServiceRequest,
    response: collector.trace.v1.ExportTraceServiceResponse,
    service: 'opentelemetry.proto.collector.trace.v1.TraceService',
  },
  metrics: {
    request: collector.metrics.v1.ExportMetricsServiceRequest,
    response: collector.metrics.v1.ExportMetricsServiceResponse,
    service: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  },
  logs: {
    request: collector.logs.v1.ExportLogsServiceRequest,
    response: collector.logs.v1.ExportLogsServiceResponse,
    service: 'opentelemetry.proto.collector.logs.v1.LogsService',
  },
};

const PATHS: Record<string, Signal> = {
  '/v1/traces': 'traces',
  '/v1/metrics': 'metrics',
  '/v1/logs': 'logs',
};

/** How the receiver answers. */
export interface ReceiverBehaviour {
  /**
   * `ok`: answer 200 / gRPC OK with an empty Export*ServiceResponse.
   * `hang`: read and record the request, never answer.
   * `status`: answer with `statuses[i]` for the i-th request after this behaviour was set;
   * once the list is used up its last entry repeats.
   * @default 'ok'
   */
  mode: 'ok' | 'hang' | 'status';
  /** HTTP statuses for mode `status`, e.g. `[503, 200]`. gRPC maps them to gRPC codes. */
  statuses?: number[];
  /** Value of a `Retry-After` header sent with 429/503 answers (HTTP only). */
  retryAfter?: string;
}

export interface ReceiverOptions {
  /** Initial behaviour. @default { mode: 'ok' } */
  behaviour?: ReceiverBehaviour;
  /** Also serve the OTLP gRPC services on a second port. @default false */
  grpc?: boolean;
}

/** An attribute value decoded from an OTLP AnyValue. */
export type AttributeValue =
  | string
  | number
  | boolean
  | Uint8Array
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/** Fields every decoded element carrying attributes has. */
export interface WithAttributes {
  /** Convenience map `{ key: value }` (ints become numbers when safe, else decimal strings). */
  attributes: Record<string, AttributeValue>;
  /** The KeyValue list exactly as decoded (`{ key, value: { stringValue | intValue | … } }`). */
  rawAttributes: Array<{ key: string; value?: Record<string, unknown> }>;
}

export interface DecodedResource extends WithAttributes {
  droppedAttributesCount?: number;
}
export interface DecodedScope extends Partial<WithAttributes> {
  name?: string;
  version?: string;
}

/**
 * A span as decoded. Ids are lowercase hex; `parentSpanId` is `''` for a root span. Times are
 * decimal strings of nanoseconds (uint64). `kind` and `status.code` are the proto enum ints.
 */
export interface DecodedSpan extends WithAttributes {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState?: string;
  flags?: number;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  events: Array<{ name: string; timeUnixNano: string } & WithAttributes>;
  links: Array<{ traceId: string; spanId: string } & WithAttributes>;
  status: { code?: number; message?: string };
  [field: string]: unknown;
}

export interface DecodedResourceSpans {
  resource: DecodedResource;
  schemaUrl?: string;
  scopeSpans: Array<{ scope: DecodedScope; schemaUrl?: string; spans: DecodedSpan[] }>;
}

/** A metric as decoded: one of `sum`, `gauge`, `histogram`, `exponentialHistogram`, `summary`. */
export interface DecodedMetric {
  name: string;
  description?: string;
  unit?: string;
  sum?: { dataPoints: DecodedDataPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
  gauge?: { dataPoints: DecodedDataPoint[] };
  histogram?: { dataPoints: DecodedDataPoint[]; aggregationTemporality?: number };
  exponentialHistogram?: { dataPoints: DecodedDataPoint[]; aggregationTemporality?: number };
  summary?: { dataPoints: DecodedDataPoint[] };
  [field: string]: unknown;
}

/** A data point; `asInt`, `count`, `bucketCounts` are decimal strings (uint64/int64). */
export interface DecodedDataPoint extends WithAttributes {
  startTimeUnixNano?: string;
  timeUnixNano: string;
  asDouble?: number;
  asInt?: string;
  count?: string;
  sum?: number;
  bucketCounts?: string[];
  explicitBounds?: number[];
  [field: string]: unknown;
}

export interface DecodedResourceMetrics {
  resource: DecodedResource;
  schemaUrl?: string;
  scopeMetrics: Array<{ scope: DecodedScope; schemaUrl?: string; metrics: DecodedMetric[] }>;
}

/** A log record; `body` is the decoded AnyValue, `rawBody` the AnyValue as decoded. */
export interface DecodedLogRecord extends WithAttributes {
  timeUnixNano?: string;
  observedTimeUnixNano?: string;
  severityNumber?: number;
  severityText?: string;
  body: AttributeValue | undefined;
  rawBody?: Record<string, unknown>;
  traceId?: string;
  spanId?: string;
  flags?: number;
  eventName?: string;
  [field: string]: unknown;
}

export interface DecodedResourceLogs {
  resource: DecodedResource;
  schemaUrl?: string;
  scopeLogs: Array<{ scope: DecodedScope; schemaUrl?: string; logRecords: DecodedLogRecord[] }>;
}

/** One request as received, whatever happened to it. */
export interface ReceivedRequest {
  transport: 'http' | 'grpc';
  method: string;
  /** URL path (HTTP) or gRPC method path. */
  path: string;
  signal?: Signal;
  /** Lowercased header names (HTTP) or gRPC metadata. */
  headers: Record<string, string | string[] | undefined>;
  contentType?: string;
  /** HTTP content-encoding; always undefined for gRPC (grpc-js decompresses and hides it). */
  contentEncoding?: string;
  /** Bytes on the wire (before gunzip). For gRPC: the message after grpc-js decompression. */
  rawSize: number;
  /** The decoded, normalised Export*ServiceRequest (`{ resourceSpans }` etc.), if it decoded. */
  body?: {
    resourceSpans?: DecodedResourceSpans[];
    resourceMetrics?: DecodedResourceMetrics[];
    resourceLogs?: DecodedResourceLogs[];
  };
  /** Why the body could not be decoded. */
  decodeError?: string;
  /** What the receiver answered: HTTP status, `grpc:<code>`, or `'hang'`. */
  answer: number | string;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `url` + `/v1/traces` etc. */
  urls: Record<Signal, string>;
  /** `http://127.0.0.1:<port>` of the gRPC server, when `grpc: true`. */
  grpcUrl?: string;
  /** Accepted ResourceSpans, in arrival order. */
  traces: DecodedResourceSpans[];
  metrics: DecodedResourceMetrics[];
  logs: DecodedResourceLogs[];
  requests: ReceivedRequest[];
  /** All accepted spans, flattened, each with its `resource` and `scope`. */
  spans(): Array<DecodedSpan & { resource: DecodedResource; scope: DecodedScope }>;
  /** All accepted metrics, flattened, each with its `resource` and `scope`. */
  metricList(): Array<DecodedMetric & { resource: DecodedResource; scope: DecodedScope }>;
  /** All accepted log records, flattened, each with its `resource` and `scope`. */
  logRecords(): Array<DecodedLogRecord & { resource: DecodedResource; scope: DecodedScope }>;
  /**
   * Resolves once `predicate(receiver)` is true, or once `count` requests (any outcome) have
   * arrived. Rejects with a description of what did arrive after `timeoutMs` (default 10 s).
   */
  waitFor(
    predicateOrCount: number | ((r: OtlpReceiver) => boolean),
    timeoutMs?: number,
  ): Promise<OtlpReceiver>;
  setBehaviour(behaviour: ReceiverBehaviour): void;
  /** Forget everything received (behaviour is kept). */
  reset(): void;
  /** Stop both servers, dropping hung connections. Idempotent. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Normalisation

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

function toHex(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'string') return Buffer.from(v, 'base64').toString('hex');
  return Buffer.from(v as Uint8Array).toString('hex');
}

function longToValue(v: string): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

/** AnyValue (as produced by toObject with longs: String) → plain JS value. */
export function anyValueToJs(value: Record<string, unknown> | undefined | null): AttributeValue | undefined {
  if (value == null) return undefined;
  if ('stringValue' in value) return value.stringValue as string;
  if ('boolValue' in value) return value.boolValue as boolean;
  if ('intValue' in value) return longToValue(String(value.intValue));
  if ('doubleValue' in value) return value.doubleValue as number;
  if ('bytesValue' in value) return new Uint8Array(value.bytesValue as Uint8Array);
  if ('arrayValue' in value) {
    const values = ((value.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(
      anyValueToJs,
    );
    return values.map((v) => (v === undefined ? null : v));
  }
  if ('kvlistValue' in value) {
    return kvToMap(
      (value.kvlistValue as { values?: Array<{ key: string; value?: Record<string, unknown> }> }).values,
    );
  }
  return null; // an empty AnyValue
}

function kvToMap(
  list: Array<{ key: string; value?: Record<string, unknown> }> | undefined,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list ?? []) {
    const v = anyValueToJs(kv.value);
    out[kv.key] = v === undefined ? null : v;
  }
  return out;
}

/** Walk a toObject() tree: ids → hex, attributes → map + raw, log body → value + raw. */
function normalise(node: unknown, key?: string): unknown {
  if (Array.isArray(node)) return node.map((n) => normalise(n, key));
  if (node == null || typeof node !== 'object' || node instanceof Uint8Array) return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (ID_FIELDS.has(k)) {
      out[k] = toHex(v);
    } else if (k === 'attributes' && Array.isArray(v)) {
      out.attributes = kvToMap(v as Array<{ key: string; value?: Record<string, unknown> }>);
      out.rawAttributes = v;
    } else if (k === 'body' && key === 'logRecords') {
      out.body = anyValueToJs(v as Record<string, unknown>);
      out.rawBody = v;
    } else {
      out[k] = normalise(v, k);
    }
  }
  // Every element that can carry attributes gets the map, even when the sender sent none.
  if (
    (key === 'resource' || key === 'spans' || key === 'dataPoints' || key === 'logRecords') &&
    !out.attributes
  ) {
    out.attributes = {};
    out.rawAttributes = [];
  }
  if (key === 'spans' && out.parentSpanId === undefined) out.parentSpanId = '';
  return out;
}

const TO_OBJECT = { longs: String, enums: Number, defaults: false, arrays: true, oneofs: false };

/** Protobuf bytes → normalised Export*ServiceRequest. */
export function decodeProtobuf(signal: Signal, buf: Uint8Array): Record<string, unknown> {
  const type = TYPES[signal].request;
  return normaliseRequest(signal, type.toObject(type.decode(buf), TO_OBJECT));
}

/** OTLP/JSON text → normalised Export*ServiceRequest (hex ids converted before fromObject). */
export function decodeJson(signal: Signal, text: string): Record<string, unknown> {
  const parsed = JSON.parse(text, (k, v) =>
    ID_FIELDS.has(k) && typeof v === 'string' ? hexToBase64(k, v) : v,
  );
  const type = TYPES[signal].request;
  return normaliseRequest(signal, type.toObject(type.fromObject(parsed), TO_OBJECT));
}

function hexToBase64(field: string, hex: string): string {
  if (hex !== '' && !/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`OTLP/JSON ${field} is not hex: ${hex}`);
  return Buffer.from(hex, 'hex').toString('base64');
}

function normaliseRequest(signal: Signal, obj: Record<string, unknown>): Record<string, unknown> {
  const top =
    signal === 'traces' ? 'resourceSpans' : signal === 'metrics' ? 'resourceMetrics' : 'resourceLogs';
  const list = ((obj[top] as unknown[]) ?? []).map((rs) => {
    const n = normalise(rs, top) as Record<string, unknown>;
    n.resource = normalise((rs as Record<string, unknown>).resource ?? {}, 'resource');
    return n;
  });
  return { [top]: list };
}

function encodeResponse(signal: Signal, json: boolean): Buffer {
  if (json) return Buffer.from('{}');
  const type = TYPES[signal].response;
  return Buffer.from(type.encode(type.create({})).finish());
}

function httpToGrpcCode(status: number): number {
  if (status >= 200 && status < 300) return 0; // OK
  switch (status) {
    case 400:
      return 3; // INVALID_ARGUMENT
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
      return 12; // UNIMPLEMENTED
    case 429:
      return 8; // RESOURCE_EXHAUSTED
    case 502:
    case 503:
    case 504:
      return 14; // UNAVAILABLE
    default:
      return 13; // INTERNAL
  }
}

// The root does not depend on @grpc/grpc-js, so its types are described here (the part we use).
interface GrpcServerCall {
  request: Buffer;
  metadata: { getMap(): Record<string, unknown>; get(key: string): unknown[] };
}
type GrpcCallback = (err: { code: number; details: string } | null, value: Buffer | null) => void;
interface GrpcServer {
  addService(
    definition: Record<string, unknown>,
    impl: Record<string, (call: GrpcServerCall, cb: GrpcCallback) => void>,
  ): void;
  bindAsync(address: string, creds: unknown, cb: (err: Error | null, port: number) => void): void;
  forceShutdown(): void;
}
interface GrpcModule {
  Server: new () => GrpcServer;
  ServerCredentials: { createInsecure(): unknown };
}

/** `@grpc/grpc-js`, resolved through the OTel gRPC trace exporter in packages/tracing. */
export function loadGrpc(): GrpcModule {
  const exporter = require.resolve('@opentelemetry/exporter-trace-otlp-grpc', {
    paths: [path.join(REPO_ROOT, 'packages', 'tracing')],
  });
  return require(require.resolve('@grpc/grpc-js', { paths: [exporter] }));
}

/** A URL on 127.0.0.1 where nothing listens (a port that was free a moment ago). */
export async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

// ---------------------------------------------------------------------------------------------

/** Start a receiver on 127.0.0.1, port 0 (and a gRPC one when `grpc: true`). */
export async function startOtlpReceiver(options: ReceiverOptions = {}): Promise<OtlpReceiver> {
  let behaviour: ReceiverBehaviour = validateBehaviour(options.behaviour ?? { mode: 'ok' });
  let statusIndex = 0;
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  let closed: Promise<void> | undefined;

  function nextAnswer(): number | 'hang' {
    if (behaviour.mode === 'hang') return 'hang';
    if (behaviour.mode === 'ok') return 200;
    const list = behaviour.statuses!;
    const status = list[Math.min(statusIndex, list.length - 1)];
    statusIndex++;
    return status;
  }

  function accept(signal: Signal, body: ReceivedRequest['body']): void {
    if (!body) return;
    if (signal === 'traces') receiver.traces.push(...(body.resourceSpans ?? []));
    else if (signal === 'metrics') receiver.metrics.push(...(body.resourceMetrics ?? []));
    else receiver.logs.push(...(body.resourceLogs ?? []));
  }

  function record(req: ReceivedRequest, accepted: boolean): void {
    receiver.requests.push(req);
    if (accepted && req.signal) accept(req.signal, req.body);
    for (const w of [...waiters]) w();
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const urlPath = (req.url ?? '/').split('?')[0];
      const signal = PATHS[urlPath];
      const contentType = req.headers['content-type'];
      const contentEncoding = req.headers['content-encoding'];
      const json = (contentType ?? '').toLowerCase().startsWith('application/json');
      const entry: ReceivedRequest = {
        transport: 'http',
        method: req.method ?? '',
        path: urlPath,
        signal,
        headers: { ...req.headers },
        contentType,
        contentEncoding,
        rawSize: raw.length,
        answer: 0,
      };
      if (req.method !== 'POST' || !signal) {
        entry.answer = req.method !== 'POST' && signal ? 405 : 404;
        record(entry, false);
        res.writeHead(entry.answer as number).end();
        return;
      }
      try {
        const encoding = (contentEncoding ?? 'identity').toLowerCase();
        let payload = raw;
        if (encoding === 'gzip') payload = zlib.gunzipSync(raw);
        else if (encoding === 'deflate') payload = zlib.inflateSync(raw);
        else if (encoding !== 'identity') throw new Error(`unsupported content-encoding ${encoding}`);
        if (json) entry.body = decodeJson(signal, payload.toString('utf8'));
        else if ((contentType ?? '').toLowerCase().startsWith('application/x-protobuf'))
          entry.body = decodeProtobuf(signal, payload);
        else throw new Error(`unsupported content-type ${contentType}`);
      } catch (err) {
        entry.decodeError = (err as Error).message;
      }
      const answer = entry.decodeError ? 400 : nextAnswer();
      entry.answer = answer;
      record(entry, answer !== 'hang' && answer >= 200 && answer < 300);
      if (answer === 'hang') return; // keep the socket open; close() destroys it
      const headers: Record<string, string> = {
        'content-type': json ? 'application/json' : 'application/x-protobuf',
      };
      if ((answer === 429 || answer === 503) && behaviour.retryAfter)
        headers['retry-after'] = behaviour.retryAfter;
      const body =
        answer >= 200 && answer < 300
          ? encodeResponse(signal, json)
          : Buffer.from(
              json ? JSON.stringify({ code: answer, message: entry.decodeError ?? 'fault injected' }) : '',
            );
      res.writeHead(answer, headers).end(body);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  // gRPC -------------------------------------------------------------------------------------
  let grpcServer: GrpcServer | undefined;
  let grpcUrl: string | undefined;
  if (options.grpc) {
    const grpc = loadGrpc();
    grpcServer = new grpc.Server();
    for (const signal of Object.keys(TYPES) as Signal[]) {
      const methodPath = `/${TYPES[signal].service}/Export`;
      const definition = {
        Export: {
          path: methodPath,
          requestStream: false,
          responseStream: false,
          // Keep the raw message: we decode it ourselves and record its size.
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => b,
        },
      };
      grpcServer.addService(definition, {
        Export: (call, callback) => {
          const raw = call.request;
          const entry: ReceivedRequest = {
            transport: 'grpc',
            method: 'POST',
            path: methodPath,
            signal,
            headers: call.metadata.getMap() as Record<string, string>,
            contentType: 'application/grpc',
            // grpc-js decompresses messages itself and strips grpc-encoding from the metadata.
            contentEncoding: undefined,
            rawSize: raw.length,
            answer: 0,
          };
          try {
            entry.body = decodeProtobuf(signal, raw);
          } catch (err) {
            entry.decodeError = (err as Error).message;
          }
          const answer = entry.decodeError ? 400 : nextAnswer();
          if (answer === 'hang') {
            entry.answer = 'hang';
            record(entry, false);
            return; // never call back; close() force-shuts the server
          }
          const code = httpToGrpcCode(answer);
          entry.answer = `grpc:${code}`;
          record(entry, code === 0);
          if (code === 0) callback(null, encodeResponse(signal, false));
          else callback({ code, details: entry.decodeError ?? `fault injected (${answer})` }, null);
        },
      });
    }
    const grpcPort = await new Promise<number>((resolve, reject) =>
      grpcServer!.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    grpcUrl = `http://127.0.0.1:${grpcPort}`;
  }

  const receiver: OtlpReceiver = {
    url,
    urls: { traces: `${url}/v1/traces`, metrics: `${url}/v1/metrics`, logs: `${url}/v1/logs` },
    grpcUrl,
    traces: [],
    metrics: [],
    logs: [],
    requests: [],
    spans() {
      return receiver.traces.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) =>
          (ss.spans ?? []).map((s) => ({ ...s, resource: rs.resource, scope: ss.scope ?? {} })),
        ),
      );
    },
    metricList() {
      return receiver.metrics.flatMap((rm) =>
        rm.scopeMetrics.flatMap((sm) =>
          (sm.metrics ?? []).map((m) => ({ ...m, resource: rm.resource, scope: sm.scope ?? {} })),
        ),
      );
    },
    logRecords() {
      return receiver.logs.flatMap((rl) =>
        rl.scopeLogs.flatMap((sl) =>
          (sl.logRecords ?? []).map((l) => ({ ...l, resource: rl.resource, scope: sl.scope ?? {} })),
        ),
      );
    },
    waitFor(predicateOrCount, timeoutMs = 10_000) {
      const check =
        typeof predicateOrCount === 'number'
          ? () => receiver.requests.length >= predicateOrCount
          : () => predicateOrCount(receiver);
      return new Promise<OtlpReceiver>((resolve, reject) => {
        if (check()) {
          resolve(receiver);
          return;
        }
        const waiter = () => {
          let done = false;
          try {
            done = check();
          } catch (err) {
            cleanup();
            reject(err);
            return;
          }
          if (done) {
            cleanup();
            resolve(receiver);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          const seen =
            receiver.requests.map((r) => `${r.transport} ${r.path} -> ${r.answer}`).join(', ') || 'none';
          reject(
            new Error(
              `OTLP receiver: condition not met within ${timeoutMs} ms; requests: ${seen}; ` +
                `spans=${receiver.spans().length} metrics=${receiver.metricList().length} logs=${receiver.logRecords().length}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
      });
    },
    setBehaviour(b) {
      behaviour = validateBehaviour(b);
      statusIndex = 0;
    },
    reset() {
      receiver.traces.length = 0;
      receiver.metrics.length = 0;
      receiver.logs.length = 0;
      receiver.requests.length = 0;
      statusIndex = 0;
    },
    close() {
      closed ??= (async () => {
        const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        // forceShutdown cancels in-flight (hung) calls at once.
        grpcServer?.forceShutdown();
        await httpClosed;
      })();
      return closed;
    },
  };
  return receiver;
}

function validateBehaviour(b: ReceiverBehaviour): ReceiverBehaviour {
  if (!b || !['ok', 'hang', 'status'].includes(b.mode)) {
    throw new Error(
      `OTLP receiver: behaviour.mode must be 'ok', 'hang' or 'status', got ${JSON.stringify(b?.mode)}`,
    );
  }
  if (b.mode === 'status') {
    const ok =
      Array.isArray(b.statuses) &&
      b.statuses.length > 0 &&
      b.statuses.every((s) => Number.isInteger(s) && s >= 200 && s <= 599);
    if (!ok)
      throw new Error(
        'OTLP receiver: behaviour.statuses must be a non-empty array of HTTP statuses (200-599)',
      );
  }
  return { ...b, statuses: b.statuses ? [...b.statuses] : undefined };
}
