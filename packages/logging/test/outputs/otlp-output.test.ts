import { SeverityNumber } from '@opentelemetry/api';
import type { OtlpLogOutputConfig } from '@otelkit/config';
// The OTel 0.223 HTTP exporters load node:http with a dynamic import() that jest's VM rejects
// (see test/support/README.md), so the logger runs in a child process here; the receiver decodes
// with the official OTLP protobuf definitions, independently of the exporters' encoders.
import { closedPort, startOtlpReceiver } from '../../../../test/support/otlp-receiver';
import { runChild } from '../support/child';
import { loggingConfig } from '../support/helpers';

function otlpOutput(endpoint: string, over: Partial<OtlpLogOutputConfig> = {}): OtlpLogOutputConfig {
  return {
    type: 'otlp',
    endpoint,
    protocol: 'http/protobuf',
    headers: {},
    compression: 'none',
    timeoutMillis: 5000,
    ...over,
  };
}

// Child processes start slowly on a busy machine: generous per-test budget.
jest.setTimeout(120_000);

describe('otlp output', () => {
  it.each([
    ['http/protobuf', 'none'],
    ['http/json', 'gzip'],
  ] as const)(
    'sends records over %s (compression %s) with severity, body, attributes, resource and the trace context of the call',
    async (protocol, compression) => {
      const receiver = await startOtlpReceiver();
      try {
        const result = await runChild({
          scenario: 'run-and-shutdown',
          config: loggingConfig({
            outputs: [
              otlpOutput(receiver.urls.logs, { protocol, compression, headers: { 'x-tenant': 't1' } }),
            ],
          }),
          options: { handleSignals: false },
          resource: { 'service.name': 'checkout' },
          calls: [
            {
              inSpan: true,
              level: 'warn',
              obj: { orderId: 'o-1', amount: 3, nested: { ok: true } },
              msg: 'slow order',
            },
            { level: 'info', msg: 'outside' },
            { level: 'error', msg: 'broken' },
            { level: 'fatal', msg: 'dying' },
            { level: 'debug', msg: 'not at this level' },
            {
              level: 'info',
              obj: { headers: { Authorization: 'Bearer CANARY-O1' }, user: { password: 'CANARY-O2' } },
              msg: 'with secrets',
            },
          ],
        });
        expect(result.code).toBe(0);
        const done = result.ctrl.find((c) => c.stats) as {
          stats: { outputs: unknown[] };
          spanIds: { traceId: string; spanId: string };
        };
        const records = receiver.logRecords();
        expect(records).toHaveLength(5);
        const [slow, outside, broken, dying, secrets] = records;
        expect(JSON.stringify(records).match(/CANARY-\w+/g) ?? []).toEqual([]);
        expect(secrets?.attributes).toMatchObject({
          headers: { Authorization: '[REDACTED]' },
          user: { password: '[REDACTED]' },
        });
        expect(slow).toMatchObject({
          body: 'slow order',
          severityNumber: SeverityNumber.WARN,
          severityText: 'WARN',
          traceId: done.spanIds.traceId,
          spanId: done.spanIds.spanId,
        });
        expect(slow?.attributes).toMatchObject({ orderId: 'o-1', amount: 3, nested: { ok: true } });
        expect(slow?.attributes).not.toHaveProperty('msg');
        expect(slow?.attributes).not.toHaveProperty('trace_id');
        expect(slow?.resource.attributes['service.name']).toBe('checkout');
        expect(outside?.traceId ?? '').toMatch(/^0*$/);
        expect([outside?.severityNumber, broken?.severityNumber, dying?.severityNumber]).toEqual([
          SeverityNumber.INFO,
          SeverityNumber.ERROR,
          SeverityNumber.FATAL,
        ]);
        expect(BigInt(slow?.timeUnixNano ?? '0')).toBeGreaterThan(0n);
        expect(receiver.requests[0]?.headers['x-tenant']).toBe('t1');
        expect(receiver.requests[0]?.contentEncoding ?? 'none').toBe(
          compression === 'gzip' ? 'gzip' : 'none',
        );
        expect(done.stats.outputs[0]).toMatchObject({ type: 'otlp', lines: 5, delivered: 5, dropped: 0 });
      } finally {
        await receiver.close();
      }
    },
  );

  it('errors become exception.type / .message / .stacktrace, and pid / hostname stay on the resource', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const result = await runChild({
        scenario: 'run-and-shutdown',
        config: loggingConfig({ outputs: [otlpOutput(receiver.urls.logs)] }),
        options: { handleSignals: false },
        resource: { 'service.name': 'checkout', 'process.pid': 4242, 'host.name': 'node-a' },
        calls: [
          { level: 'error', error: 'card declined', errorProps: { code: 'E_CARD' }, msg: 'payment failed' },
          { level: 'error', error: 'plain', msg: 'no extra fields' },
        ],
      });
      expect(result.code).toBe(0);
      const [withCode, plain] = receiver.logRecords();
      expect(withCode?.attributes).toMatchObject({
        'exception.type': 'TypeError',
        'exception.message': 'card declined',
        'exception.stacktrace': expect.stringMatching(/^TypeError: card declined\n\s+at /),
        err: { code: 'E_CARD' },
      });
      expect(plain?.attributes['exception.type']).toBe('TypeError');
      expect(plain?.attributes).not.toHaveProperty('err');
      for (const r of [withCode, plain]) {
        expect(r?.attributes).not.toHaveProperty('pid');
        expect(r?.attributes).not.toHaveProperty('hostname');
        expect(r?.resource.attributes).toMatchObject({ 'process.pid': 4242, 'host.name': 'node-a' });
      }
    } finally {
      await receiver.close();
    }
  });

  it('counts records that could not be delivered as dropped and shuts down within its budget', async () => {
    const result = await runChild({
      scenario: 'run-and-shutdown',
      config: loggingConfig({
        outputs: [otlpOutput(`${await closedPort()}/v1/logs`, { timeoutMillis: 500 })],
        shutdownTimeoutMillis: 2000,
      }),
      options: { handleSignals: false },
      lines: 10,
    });
    const done = result.ctrl.find((c) => c.stats) as {
      stats: { outputs: unknown[] };
      shutdownMillis: number;
    };
    expect(done.shutdownMillis).toBeLessThan(5000);
    expect(done.stats.outputs[0]).toMatchObject({ lines: 10, delivered: 0, dropped: 10 });
  });
});
