import * as fs from 'node:fs';
import * as http from 'node:http';
import { isIP } from 'node:net';
import * as path from 'node:path';
import { EcsFlat } from '@elastic/ecs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createLogger } from '@otelkit/logging';
import { fileOutput, loggingConfig, readJsonLines, realTracer, tmpDir } from './support/helpers';

type FieldDef = { type: string; normalize?: string[]; allowed_values?: Array<{ name: string }> };
const FIELDS = EcsFlat as unknown as Record<string, FieldDef>;

/** `{ a: { b: 1 }, 'c.d': 2 }` → `{ 'a.b': 1, 'c.d': 2 }`; stops at ECS leaf fields of type object/flattened. */
function flatten(
  obj: Record<string, unknown>,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    const def = FIELDS[key];
    if (
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      !(def && ['object', 'flattened', 'nested'].includes(def.type))
    )
      flatten(v as Record<string, unknown>, key, out);
    else out[key] = v;
  }
  return out;
}

/** Problems of one value against its ECS definition (empty when it conforms). */
function checkField(key: string, value: unknown): string[] {
  const def = FIELDS[key];
  if (!def) return [];
  const values = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && !def.normalize?.includes('array'))
    return [`${key}: an array, but ECS does not declare it as one`];
  const problems: string[] = [];
  for (const v of values) {
    switch (def.type) {
      case 'keyword':
      case 'constant_keyword':
      case 'wildcard':
      case 'match_only_text':
      case 'text':
        if (typeof v !== 'string')
          problems.push(`${key}: ${def.type} must be a string, got ${JSON.stringify(v)}`);
        break;
      case 'long':
      case 'integer':
        if (!Number.isInteger(v))
          problems.push(`${key}: ${def.type} must be an integer, got ${JSON.stringify(v)}`);
        break;
      case 'float':
      case 'double':
      case 'scaled_float':
        if (typeof v !== 'number') problems.push(`${key}: ${def.type} must be a number`);
        break;
      case 'boolean':
        if (typeof v !== 'boolean') problems.push(`${key}: must be a boolean`);
        break;
      case 'date':
        if (typeof v !== 'string' || Number.isNaN(Date.parse(v)) || !/^\d{4}-\d\d-\d\dT/.test(v))
          problems.push(`${key}: date must be an ISO 8601 string, got ${JSON.stringify(v)}`);
        break;
      case 'ip':
        if (typeof v !== 'string' || isIP(v) === 0)
          problems.push(`${key}: must be an IP address, got ${JSON.stringify(v)}`);
        break;
      case 'object':
      case 'flattened':
      case 'nested':
        if (typeof v !== 'object' || v === null) problems.push(`${key}: must be an object`);
        break;
    }
    if (def.allowed_values && !def.allowed_values.some((a) => a.name === v))
      problems.push(`${key}: ${JSON.stringify(v)} is not an allowed value`);
  }
  return problems;
}

describe('ecs field checker', () => {
  it('catches wrong types and values (so the conformance test can fail)', () => {
    expect(checkField('process.pid', '123')).not.toEqual([]);
    expect(checkField('@timestamp', 1700000000000)).not.toEqual([]);
    expect(checkField('event.kind', 'banana')).not.toEqual([]);
    expect(checkField('event.kind', 'event')).toEqual([]);
    expect(flatten({ error: { type: 'E' }, 'log.level': 'info' })).toEqual({
      'error.type': 'E',
      'log.level': 'info',
    });
  });
});

describe('ecs format', () => {
  let dir: string;
  beforeEach(() => {
    dir = tmpDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes lines that conform to the ECS field definitions, with trace.id/span.id of the active span and service.* from the resource', async () => {
    const tracer = realTracer();
    const file = path.join(dir, 'ecs.log');
    const resource = resourceFromAttributes({
      'service.name': 'checkout',
      'service.version': '1.4.2',
      'deployment.environment.name': 'staging',
      'service.instance.id': 'checkout-7f9c',
    });
    const logger = createLogger(loggingConfig({ format: 'ecs', outputs: [fileOutput(file)] }), resource, {
      handleSignals: false,
      logUncaught: false,
      name: 'orders',
    });

    // A real request through node:http, logged as `req`/`res` (converted to http.*, url.*, user_agent.*).
    const server = http.createServer((req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end('ok');
      logger.info({ req, res }, 'request handled');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;

    let ids: { traceId: string; spanId: string } | undefined;
    await tracer.startActiveSpan('checkout', async (span) => {
      ids = span.spanContext();
      logger.info({ orderId: 'o-1', amount: 12.5 }, 'order placed');
      logger.child({ component: 'payments' }).warn('slow payment provider');
      logger.error(
        Object.assign(new TypeError('card declined'), { code: 'E_CARD_DECLINED' }),
        'payment failed',
      );
      span.end();
    });
    await new Promise<void>((resolve, reject) => {
      http
        .get(
          { host: '127.0.0.1', port, path: '/orders/1?x=1', headers: { 'user-agent': 'otelkit-test/1.0' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve());
          },
        )
        .on('error', reject);
    });
    logger.info('outside any span');
    await new Promise((r) => server.close(r));
    await logger.shutdown();

    const lines = readJsonLines(file);
    expect(lines).toHaveLength(5);
    const problems: string[] = [];
    for (const line of lines) {
      const flat = flatten(line);
      for (const required of ['@timestamp', 'log.level', 'message', 'ecs.version']) {
        if (flat[required] === undefined) problems.push(`missing ${required} in ${JSON.stringify(line)}`);
      }
      for (const [k, v] of Object.entries(flat)) problems.push(...checkField(k, v));
    }
    expect(problems).toEqual([]);

    const [placed, slow, failed, request, outside] = lines.map((l) => flatten(l));
    for (const inSpan of [placed, slow, failed]) {
      expect(inSpan?.['trace.id']).toBe(ids?.traceId);
      expect(inSpan?.['span.id']).toBe(ids?.spanId);
    }
    expect(outside?.['trace.id']).toBeUndefined();
    expect(placed).toMatchObject({
      'log.level': 'info',
      message: 'order placed',
      'service.name': 'checkout',
      'service.version': '1.4.2',
      'service.environment': 'staging',
      'service.node.name': 'checkout-7f9c',
      'log.logger': 'orders',
    });
    expect(failed).toMatchObject({
      'log.level': 'error',
      'error.type': 'TypeError',
      'error.message': 'card declined',
      'error.code': 'E_CARD_DECLINED', // ECS error.code from err.code (ecs-pino-format drops it)
    });
    expect(String(failed?.['error.stack_trace'])).toContain('TypeError: card declined');
    expect(request).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/orders/1',
      'http.response.status_code': 200,
      'user_agent.original': 'otelkit-test/1.0',
    });
  });

  it('maps plain-object req/res (pino-serialized, hand-made) to ECS fields instead of dropping them', async () => {
    const file = path.join(dir, 'plain.log');
    const logger = createLogger(loggingConfig({ format: 'ecs', outputs: [fileOutput(file)] }), undefined, {
      handleSignals: false,
      logUncaught: false,
    });
    logger.info(
      {
        req: {
          id: 42,
          method: 'POST',
          url: '/orders/7?expand=items#top',
          headers: {
            host: 'shop.local:8080',
            'user-agent': 'curl/8',
            'content-length': '12',
            authorization: 'Bearer s3cr3t',
          },
          remoteAddress: '10.1.2.3',
          remotePort: 51515,
          params: { id: '7' },
        },
        res: { statusCode: 201, headers: { 'content-length': 3, 'set-cookie': 'sid=abc' } },
        http: { request: { method: 'CALLER-WINS' } },
      },
      'plain request',
    );
    logger.info({ req: { weird: true }, res: 'not an object' }, 'unknown shapes');
    await logger.shutdown();

    const [plain, unknown] = readJsonLines(file);
    const flat = flatten(plain as Record<string, unknown>);
    const problems = Object.entries(flat).flatMap(([k, v]) => checkField(k, v));
    expect(problems).toEqual([]);
    expect(flat).toMatchObject({
      'http.request.method': 'CALLER-WINS',
      'http.request.id': '42',
      'http.request.body.bytes': 12,
      'url.path': '/orders/7',
      'url.query': 'expand=items',
      'url.fragment': 'top',
      'url.full': 'http://shop.local:8080/orders/7?expand=items#top',
      'user_agent.original': 'curl/8',
      'client.ip': '10.1.2.3',
      'client.address': '10.1.2.3',
      'client.port': 51515,
      'http.response.status_code': 201,
      'http.response.body.bytes': 3,
      // Fields ECS has no place for stay under req/res; nothing is lost.
      'req.params.id': '7',
    });
    // Secrets in the mapped headers are redacted like everywhere else.
    expect(JSON.stringify(plain)).not.toContain('s3cr3t');
    expect(JSON.stringify(plain)).not.toContain('sid=abc');
    expect(unknown).toMatchObject({ message: 'unknown shapes', req: { weird: true }, res: 'not an object' });
  });
});
