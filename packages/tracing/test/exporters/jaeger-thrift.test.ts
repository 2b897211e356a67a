import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { createTracing, type TracingHandle } from '../../src';
import { testResource, tracingConfig } from '../support/config';
import { startRecorder, waitFor } from '../support/http';
import {
  createJaegerBatchDecoder,
  createJaegerDecoder,
  i64Hex,
  type JaegerBatch,
  type JaegerTag,
} from '../support/jaeger-thrift';
import { buildTree } from '../support/tree';

const tagValue = (tags: JaegerTag[] | null | undefined, key: string) => {
  const tag = tags?.find((t) => t.key === key);
  if (tag === undefined) return undefined;
  // TagType: STRING = 0, DOUBLE = 1, BOOL = 2, LONG = 3, BINARY = 4 (thriftrw may name them)
  switch (String(tag.vType)) {
    case '0':
    case 'STRING':
      return tag.vStr;
    case '1':
    case 'DOUBLE':
      return tag.vDouble;
    case '2':
    case 'BOOL':
      return tag.vBool;
    default:
      return tag.vLong;
  }
};

describe('jaeger-thrift exporter (UDP agent, decoded with the jaeger-client thrift IDL)', () => {
  let socket: Socket;
  let port: number;
  const batches: JaegerBatch[] = [];
  const decode = createJaegerDecoder();
  let tracing: TracingHandle | undefined;

  beforeAll(async () => {
    socket = createSocket('udp4');
    socket.on('message', (msg) => batches.push(decode(msg)));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    port = (socket.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await tracing?.shutdown();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  });

  it('sends the span tree as an emitBatch with process service.name, ids, parents, tags and error logs', async () => {
    tracing = createTracing(
      tracingConfig({
        exporters: [
          {
            type: 'jaeger-thrift',
            transport: 'udp',
            host: '127.0.0.1',
            port,
            endpoint: '',
            maxPacketSize: 65000,
          },
        ],
      }),
      testResource('orders-thrift'),
    );
    tracing.register();
    const ids = buildTree();
    await tracing.forceFlush();
    await waitFor(() => batches.flatMap((b) => b.spans).length >= 3, 10_000, 'three spans over UDP');

    const batch = batches[0]!;
    expect(batch.process.serviceName).toBe('orders-thrift');
    const spans = batches.flatMap((b) => b.spans);
    expect(spans.map((s) => s.operationName).sort()).toEqual(['GET /orders/:id', 'db.query', 'render']);
    const server = spans.find((s) => s.operationName === 'GET /orders/:id')!;
    const db = spans.find((s) => s.operationName === 'db.query')!;
    const render = spans.find((s) => s.operationName === 'render')!;
    for (const s of spans) {
      expect(i64Hex(s.traceIdHigh) + i64Hex(s.traceIdLow)).toBe(ids.traceId);
      expect(s.flags & 1).toBe(1); // sampled
    }
    expect(i64Hex(server.spanId)).toBe(ids.server);
    expect(i64Hex(server.parentSpanId)).toBe('0000000000000000');
    expect(i64Hex(db.spanId)).toBe(ids.db);
    expect(i64Hex(db.parentSpanId)).toBe(ids.server);
    expect(i64Hex(render.parentSpanId)).toBe(ids.server);
    expect(tagValue(server.tags, 'http.route')).toBe('/orders/:id');
    expect(tagValue(server.tags, 'app.cached')).toBe(true);
    expect(tagValue(server.tags, 'span.kind')).toBe('server');
    expect(tagValue(db.tags, 'db.system.name')).toBe('postgresql');
    expect(tagValue(db.tags, 'error')).toBe(true);
    const exceptionLog = db.logs?.find((l) => tagValue(l.fields, 'event') === 'exception');
    expect(exceptionLog).toBeDefined();
    expect(tagValue(exceptionLog!.fields, 'exception.message')).toBe('db down');
    expect(tracing.stats()).toMatchObject({ ended: 3, exported: 3, failed: 0, dropped: 0 });
  });

  it('http transport: posts a binary-thrift Batch to the collector endpoint', async () => {
    await tracing?.shutdown();
    const decodeBatch = createJaegerBatchDecoder();
    const collector = await startRecorder((_req, res) => {
      res.writeHead(202);
      res.end();
    });
    try {
      tracing = createTracing(
        tracingConfig({
          exporters: [
            {
              type: 'jaeger-thrift',
              transport: 'http',
              host: '127.0.0.1',
              port: 6832,
              endpoint: `${collector.url}/api/traces`,
              maxPacketSize: 65000,
            },
          ],
        }),
        testResource('orders-thrift-http'),
      );
      tracing.register();
      const ids = buildTree();
      await tracing.forceFlush();
      expect(collector.requests).toHaveLength(1);
      const req = collector.requests[0]!;
      expect(req.url).toBe('/api/traces');
      expect(req.headers['content-type']).toBe('application/x-thrift');
      const batch = decodeBatch(req.body);
      expect(batch.process.serviceName).toBe('orders-thrift-http');
      expect(batch.spans.map((s) => s.operationName).sort()).toEqual([
        'GET /orders/:id',
        'db.query',
        'render',
      ]);
      const db = batch.spans.find((s) => s.operationName === 'db.query')!;
      expect(i64Hex(db.traceIdHigh) + i64Hex(db.traceIdLow)).toBe(ids.traceId);
      expect(i64Hex(db.parentSpanId)).toBe(ids.server);
      expect(tracing.stats()).toMatchObject({ ended: 3, exported: 3, failed: 0 });
    } finally {
      await tracing?.shutdown();
      tracing = undefined;
      await collector.close();
    }
  });

  it('loads exporter-jaeger (and jaeger-client) only when jaeger-thrift is chosen, grpc-js only for grpc', async () => {
    const run = (exporters: unknown[]) =>
      new Promise<{ before: string[]; after: string[] }>((resolve, reject) => {
        execFile(
          process.execPath,
          [path.join(__dirname, '..', 'fixtures', 'lazy-load.js'), JSON.stringify(exporters)],
          { timeout: 60_000 },
          (err, stdout, stderr) =>
            err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
        );
      });
    const otlp = {
      type: 'otlp',
      endpoint: 'http://127.0.0.1:4318/v1/traces',
      protocol: 'http/protobuf',
      headers: {},
      compression: 'none',
      timeoutMillis: 1000,
    };
    const plain = await run([otlp, { type: 'memory', maxSpans: 10 }, { type: 'console' }]);
    expect(plain.before).toEqual([]);
    expect(plain.after).toEqual([]);
    const thrift = await run([
      {
        type: 'jaeger-thrift',
        transport: 'udp',
        host: '127.0.0.1',
        port: 6832,
        endpoint: '',
        maxPacketSize: 65000,
      },
    ]);
    expect(thrift.after.some((p) => p.includes('exporter-jaeger'))).toBe(true);
    expect(thrift.after.some((p) => p.includes('jaeger-client'))).toBe(true);
    const grpc = await run([{ ...otlp, protocol: 'grpc', endpoint: 'http://127.0.0.1:4317' }]);
    expect(grpc.after.some((p) => /@grpc[\\/]grpc-js/.test(p))).toBe(true);
    expect(grpc.after.some((p) => p.includes('jaeger'))).toBe(false);
  }, 60_000);
});
