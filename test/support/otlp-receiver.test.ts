/**
 * The receiver is checked against the REAL OpenTelemetry OTLP exporters (proto, http/json,
 * grpc) that our packages depend on, resolved from those packages' node_modules. They run in a
 * child process (fixtures/otlp-send.js): the 0.223 HTTP exporters `import('http')` dynamically,
 * which jest's VM rejects without --experimental-vm-modules.
 */
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { closedPort, type OtlpReceiver, startOtlpReceiver } from './otlp-receiver';

const SENDER = path.join(__dirname, 'fixtures', 'otlp-send.js');
const SUCCESS = 0;
const FAILED = 1;

interface SendOptions {
  signal: 'traces' | 'metrics' | 'logs';
  exporters: Array<'proto' | 'http' | 'grpc'>;
  url: string;
  compression?: 'gzip';
  timeoutMillis?: number;
}
interface SendOutcome {
  results: Array<{ exporter: string; code: number; error?: string }>;
  sent: Array<{ name: string; traceId: string; spanId: string; parentSpanId: string }> | null;
}

/** Export one SDK-made batch with each listed real exporter, in a child Node process. */
function send(options: SendOptions): Promise<SendOutcome> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [SENDER, JSON.stringify(options)],
      { timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`sender failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

function post(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe('startOtlpReceiver', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver({ grpc: true });
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(() => {
    receiver.setBehaviour({ mode: 'ok' });
    receiver.reset();
  });

  it('binds 127.0.0.1 on an ephemeral port for HTTP and gRPC', () => {
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(receiver.grpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(receiver.grpcUrl).not.toBe(receiver.url);
  });

  describe('traces', () => {
    it('decodes spans sent by the real OTLP/proto exporter: names, ids, parent, attributes, resource', async () => {
      const { results, sent } = await send({
        signal: 'traces',
        exporters: ['proto'],
        url: receiver.urls.traces,
      });
      expect(results[0]).toMatchObject({ code: SUCCESS });

      const got = receiver.spans();
      expect(got.map((s) => s.name).sort()).toEqual(['GET /users/:id', 'db.query']);
      const parent = got.find((s) => s.name === 'GET /users/:id')!;
      const child = got.find((s) => s.name === 'db.query')!;
      const sdkParent = sent!.find((s) => s.name === 'GET /users/:id')!;
      const sdkChild = sent!.find((s) => s.name === 'db.query')!;
      expect(parent.traceId).toBe(sdkParent.traceId);
      expect(parent.spanId).toBe(sdkParent.spanId);
      expect(child.spanId).toBe(sdkChild.spanId);
      expect(sdkChild.parentSpanId).toBe(sdkParent.spanId);
      expect(parent.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(parent.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(parent.parentSpanId).toBe('');
      expect(child.parentSpanId).toBe(parent.spanId);
      expect(child.traceId).toBe(parent.traceId);
      expect(parent.kind).toBe(2); // SPAN_KIND_SERVER
      expect(child.kind).toBe(1); // SPAN_KIND_INTERNAL
      expect(parent.status).toEqual({ code: 2, message: 'boom' }); // STATUS_CODE_ERROR
      expect(parent.attributes).toEqual({
        'http.request.method': 'GET',
        'http.response.status_code': 500,
        'x.ratio': 0.25,
        'x.flag': true,
        'x.list': ['a', 'b'],
      });
      expect(parent.rawAttributes).toContainEqual({
        key: 'http.response.status_code',
        value: { intValue: '500' },
      });
      expect(child.events).toHaveLength(1);
      expect(child.events[0].name).toBe('rows');
      expect(child.events[0].attributes).toEqual({ count: 3 });
      expect(BigInt(parent.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(parent.startTimeUnixNano));
      expect(parent.resource.attributes['service.name']).toBe('receiver-test');
      expect(parent.scope.name).toBe('receiver-test-scope');
      expect(parent.scope.version).toBe('0.0.1');

      expect(receiver.requests).toHaveLength(1);
      const req = receiver.requests[0];
      expect(req).toMatchObject({
        transport: 'http',
        method: 'POST',
        path: '/v1/traces',
        signal: 'traces',
        answer: 200,
      });
      expect(req.contentType).toBe('application/x-protobuf');
      expect(req.rawSize).toBeGreaterThan(50);
      expect(req.body?.resourceSpans).toHaveLength(1);
    }, 60_000);

    it('normalises OTLP/JSON from the real http exporter to exactly the protobuf shape', async () => {
      // The same SDK batch, sent once as protobuf, then as JSON.
      const { results } = await send({
        signal: 'traces',
        exporters: ['proto', 'http'],
        url: receiver.urls.traces,
      });
      expect(results.map((r) => r.code)).toEqual([SUCCESS, SUCCESS]);
      const [viaProto, viaJson] = receiver.requests;
      expect(viaProto.contentType).toBe('application/x-protobuf');
      expect(viaJson.contentType).toBe('application/json');
      expect(plain(viaJson.body)).toEqual(plain(viaProto.body));
      expect(receiver.spans()).toHaveLength(4);
      const child = receiver.spans().find((s) => s.name === 'db.query')!;
      expect(child.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    }, 60_000);

    it('decodes spans sent by the real gRPC exporter', async () => {
      const { results } = await send({ signal: 'traces', exporters: ['grpc'], url: receiver.grpcUrl! });
      expect(results[0]).toMatchObject({ code: SUCCESS });
      const got = receiver.spans();
      expect(got).toHaveLength(2);
      const parent = got.find((s) => s.name === 'GET /users/:id')!;
      expect(got.find((s) => s.name === 'db.query')!.parentSpanId).toBe(parent.spanId);
      expect(parent.resource.attributes['service.name']).toBe('receiver-test');
      expect(receiver.requests[0]).toMatchObject({
        transport: 'grpc',
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        answer: 'grpc:0',
      });
    }, 60_000);
  });

  describe('metrics', () => {
    async function expectMetrics(): Promise<void> {
      const list = receiver.metricList();
      const counter = list.find((m) => m.name === 'jobs.processed')!;
      expect(counter.unit).toBe('{job}');
      expect(counter.description).toBe('jobs done');
      expect(counter.sum?.isMonotonic).toBe(true);
      expect(counter.sum?.aggregationTemporality).toBe(2); // CUMULATIVE
      expect(counter.sum?.dataPoints).toHaveLength(1);
      const point = counter.sum!.dataPoints[0];
      expect(point.attributes).toEqual({ queue: 'mail' });
      expect(Number(point.asDouble ?? point.asInt)).toBe(5);
      const hist = list.find((m) => m.name === 'http.server.request.duration')!;
      expect(hist.unit).toBe('s');
      const hp = hist.histogram!.dataPoints[0];
      expect(hp.count).toBe('2');
      expect(hp.sum).toBeCloseTo(0.32);
      expect(hp.attributes).toEqual({ 'http.route': '/a' });
      expect(hp.bucketCounts!.reduce((a, b) => a + Number(b), 0)).toBe(2);
      expect(hp.explicitBounds!.length + 1).toBe(hp.bucketCounts!.length);
      const gauge = list.find((m) => m.name === 'pool.usage')!;
      expect(gauge.gauge!.dataPoints[0].asDouble).toBe(0.5);
      expect(counter.resource.attributes['service.name']).toBe('receiver-test');
      expect(counter.scope.name).toBe('receiver-test-meter');
    }

    it.each([
      ['proto', 'application/x-protobuf'],
      ['http', 'application/json'],
      ['grpc', 'application/grpc'],
    ] as const)(
      'decodes counters, histograms and gauges from the real %s exporter',
      async (kind, contentType) => {
        const url = kind === 'grpc' ? receiver.grpcUrl! : receiver.urls.metrics;
        const { results } = await send({ signal: 'metrics', exporters: [kind], url });
        expect(results[0]).toMatchObject({ code: SUCCESS });
        expect(receiver.requests[0].contentType).toBe(contentType);
        await expectMetrics();
      },
    );
  });

  describe('logs', () => {
    it.each([
      ['proto', 'application/x-protobuf'],
      ['http', 'application/json'],
    ] as const)('decodes log records from the real %s exporter', async (kind, contentType) => {
      const { results } = await send({ signal: 'logs', exporters: [kind], url: receiver.urls.logs });
      expect(results[0]).toMatchObject({ code: SUCCESS });
      expect(receiver.requests[0].contentType).toBe(contentType);
      const records = receiver.logRecords();
      const error = records.find((l) => l.severityText === 'ERROR')!;
      expect(error.severityNumber).toBe(17);
      expect(error.body).toBe('payment failed');
      expect(error.rawBody).toEqual({ stringValue: 'payment failed' });
      expect(error.attributes).toEqual({ 'order.id': 42, 'user.tier': 'gold' });
      expect(error.resource.attributes['service.name']).toBe('receiver-test');
      expect(error.scope.name).toBe('receiver-test-logger');
      const info = records.find((l) => l.severityText === 'INFO')!;
      expect(info.body).toEqual({ structured: true, n: 1 });
    });
  });

  describe('encodings', () => {
    it('gunzips gzip-compressed protobuf from the real exporter', async () => {
      const { results } = await send({
        signal: 'traces',
        exporters: ['proto'],
        url: receiver.urls.traces,
        compression: 'gzip',
      });
      expect(results[0]).toMatchObject({ code: SUCCESS });
      expect(receiver.requests[0].contentEncoding).toBe('gzip');
      expect(
        receiver
          .spans()
          .map((s) => s.name)
          .sort(),
      ).toEqual(['GET /users/:id', 'db.query']);
    }, 60_000);

    it('accepts gzip-compressed gRPC messages from the real gRPC exporter', async () => {
      const { results } = await send({
        signal: 'traces',
        exporters: ['grpc'],
        url: receiver.grpcUrl!,
        compression: 'gzip',
      });
      expect(results[0]).toMatchObject({ code: SUCCESS });
      expect(
        receiver
          .spans()
          .map((s) => s.name)
          .sort(),
      ).toEqual(['GET /users/:id', 'db.query']);
    }, 60_000);

    it('gunzips gzip-compressed OTLP/JSON and answers an empty JSON response', async () => {
      const body = {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hand' } }] },
            scopeSpans: [
              {
                scope: { name: 's' },
                spans: [
                  {
                    traceId: '5B8EFFF798038103D269B633813FC60C',
                    spanId: 'EEE19B7EC3C1B174',
                    parentSpanId: 'EEE19B7EC3C1B173',
                    name: 'hand-made',
                    kind: 3,
                    startTimeUnixNano: '1544712660000000000',
                    endTimeUnixNano: '1544712661000000000',
                    attributes: [{ key: 'big', value: { intValue: '9007199254740993' } }],
                  },
                ],
              },
            ],
          },
        ],
      };
      const res = await post(receiver.urls.traces, zlib.gzipSync(JSON.stringify(body)), {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(JSON.parse(res.body.toString())).toEqual({});
      const [span] = receiver.spans();
      expect(span.traceId).toBe('5b8efff798038103d269b633813fc60c');
      expect(span.spanId).toBe('eee19b7ec3c1b174');
      expect(span.parentSpanId).toBe('eee19b7ec3c1b173');
      expect(span.kind).toBe(3);
      expect(span.startTimeUnixNano).toBe('1544712660000000000');
      // Beyond 2^53 an int stays an exact decimal string.
      expect(span.attributes.big).toBe('9007199254740993');
      expect(span.resource.attributes).toEqual({ 'service.name': 'hand' });
    });

    it('answers protobuf requests with an empty ExportTraceServiceResponse', async () => {
      const root = require('otlp-transformer-057/build/src/generated/root.js');
      const v1 = root.opentelemetry.proto.collector.trace.v1;
      const payload = v1.ExportTraceServiceRequest.encode(
        v1.ExportTraceServiceRequest.fromObject({ resourceSpans: [] }),
      ).finish();
      const res = await post(receiver.urls.traces, Buffer.from(payload), {
        'content-type': 'application/x-protobuf',
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/x-protobuf');
      expect(v1.ExportTraceServiceResponse.toObject(v1.ExportTraceServiceResponse.decode(res.body))).toEqual(
        {},
      );
    });

    it('answers 400 to an undecodable body and 404 to an unknown path, accepting nothing', async () => {
      const bad = await post(receiver.urls.metrics, Buffer.from('{not json'), {
        'content-type': 'application/json',
      });
      expect(bad.status).toBe(400);
      const missing = await post(`${receiver.url}/v1/profiles`, Buffer.from(''), {
        'content-type': 'application/x-protobuf',
      });
      expect(missing.status).toBe(404);
      expect(receiver.requests.map((r) => r.answer)).toEqual([400, 404]);
      expect(receiver.requests[0].decodeError).toBeTruthy();
      expect(receiver.metrics).toHaveLength(0);
    });
  });

  describe('fault modes', () => {
    it('answers successive statuses: the real exporter retries a 503 and the spans are accepted once', async () => {
      receiver.setBehaviour({ mode: 'status', statuses: [503, 200], retryAfter: '0' });
      const { results } = await send({
        signal: 'traces',
        exporters: ['proto'],
        url: receiver.urls.traces,
        timeoutMillis: 20_000,
      });
      expect(results[0]).toMatchObject({ code: SUCCESS });
      expect(receiver.requests.map((r) => r.answer)).toEqual([503, 200]);
      expect(receiver.spans()).toHaveLength(2);
    }, 60_000);

    it('fails the export on a non-retryable status and accepts nothing', async () => {
      receiver.setBehaviour({ mode: 'status', statuses: [400] });
      const { results } = await send({ signal: 'traces', exporters: ['http'], url: receiver.urls.traces });
      expect(results[0]).toMatchObject({ code: FAILED });
      expect(receiver.requests.map((r) => r.answer)).toEqual([400]);
      expect(receiver.traces).toHaveLength(0);
    }, 60_000);

    it('maps statuses to gRPC codes: 503 becomes UNAVAILABLE, then the next export is accepted', async () => {
      // The 0.223 gRPC exporter does not retry by itself: the first export fails with
      // UNAVAILABLE, a second export of the same batch goes through.
      receiver.setBehaviour({ mode: 'status', statuses: [503, 200] });
      const { results } = await send({
        signal: 'traces',
        exporters: ['grpc', 'grpc'],
        url: receiver.grpcUrl!,
      });
      expect(results.map((r) => r.code)).toEqual([FAILED, SUCCESS]);
      expect(results[0].error).toMatch(/UNAVAILABLE/);
      expect(receiver.requests.map((r) => r.answer)).toEqual(['grpc:14', 'grpc:0']);
      expect(receiver.spans()).toHaveLength(2);
    }, 60_000);

    it('hangs: records the request, never answers, so the exporter times out', async () => {
      receiver.setBehaviour({ mode: 'hang' });
      const { results } = await send({
        signal: 'traces',
        exporters: ['proto'],
        url: receiver.urls.traces,
        timeoutMillis: 500,
      });
      expect(results[0]).toMatchObject({ code: FAILED });
      expect(receiver.requests[0].answer).toBe('hang');
      expect(receiver.requests[0].body?.resourceSpans).toHaveLength(1);
      expect(receiver.traces).toHaveLength(0);
    }, 60_000);

    it('closes promptly while a request hangs, and close() is idempotent', async () => {
      const own = await startOtlpReceiver({ behaviour: { mode: 'hang' }, grpc: true });
      const req = http.request(own.urls.logs, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      const outcome = new Promise<string>((resolve) => {
        req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
        req.on('response', () => resolve('answered'));
      });
      req.end('{}');
      await own.waitFor(1);
      await Promise.all([own.close(), own.close()]);
      expect(await outcome).toBe('ECONNRESET');
    });

    it('closedPort() gives a URL nothing listens on: the export fails', async () => {
      const url = await closedPort();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const { results } = await send({
        signal: 'traces',
        exporters: ['proto'],
        url: `${url}/v1/traces`,
        timeoutMillis: 3_000,
      });
      expect(results[0]).toMatchObject({ code: FAILED });
      expect(results[0].error).toMatch(/ECONNREFUSED/);
    }, 60_000);

    it('sends Retry-After with 429/503 when configured, and repeats the last status once the list is used up', async () => {
      receiver.setBehaviour({ mode: 'status', statuses: [429, 503], retryAfter: '7' });
      const headers = { 'content-type': 'application/json' };
      const first = await post(receiver.urls.logs, Buffer.from('{}'), headers);
      const second = await post(receiver.urls.logs, Buffer.from('{}'), headers);
      const third = await post(receiver.urls.logs, Buffer.from('{}'), headers);
      expect([first.status, second.status, third.status]).toEqual([429, 503, 503]);
      expect(first.headers['retry-after']).toBe('7');
      expect(receiver.logs).toHaveLength(0);
      receiver.setBehaviour({ mode: 'ok' });
      expect((await post(receiver.urls.logs, Buffer.from('{}'), headers)).status).toBe(200);
    });

    it('rejects bad behaviours with a clear error', () => {
      expect(() => receiver.setBehaviour({ mode: 'status' })).toThrow(/statuses/);
      expect(() => receiver.setBehaviour({ mode: 'nope' as 'ok' })).toThrow(/'ok', 'hang' or 'status'/);
    });
  });

  describe('waitFor', () => {
    it('rejects after the timeout, describing what arrived', async () => {
      await expect(receiver.waitFor((r) => r.spans().length > 0, 200)).rejects.toThrow(
        /not met within 200 ms; requests: none/,
      );
    });

    it('resolves on a request count', async () => {
      const waiting = receiver.waitFor(2, 5_000);
      await post(receiver.urls.traces, Buffer.from('{}'), { 'content-type': 'application/json' });
      await post(receiver.urls.metrics, Buffer.from('{}'), { 'content-type': 'application/json' });
      await expect(waiting).resolves.toBe(receiver);
    });
  });
});
