import { closedPort, type OtlpReceiver, startOtlpReceiver } from '../../../../test/support/otlp-receiver';
import { createTracing } from '../../src';
import { otlpExporter, testResource, tracingConfig } from '../support/config';

// gRPC runs in-process (unaffected by the jest dynamic-import problem of the HTTP exporters),
// so these also show the application carrying on in the same process.

const budget = 1500;
const slack = 1500;

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver({ grpc: true });
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

function endSpans(tracing: ReturnType<typeof createTracing>, n: number) {
  for (let i = 0; i < n; i++) tracing.tracer.startSpan(`op-${i}`).end();
}

describe('OTLP/gRPC export faults (in-process)', () => {
  it('collector down: the app keeps running, shutdown within budget, spans counted as failed', async () => {
    const url = await closedPort();
    const tracing = createTracing(
      tracingConfig({
        exporters: [otlpExporter(url, 'grpc', { timeoutMillis: 500 })],
        shutdownTimeoutMillis: budget,
      }),
      testResource(),
    );
    endSpans(tracing, 5);
    let afterwards = 0;
    for (let i = 0; i < 1000; i++) afterwards += i; // the app carries on
    const started = performance.now(); // monotonic: a wall-clock step does not count
    await expect(tracing.shutdown()).resolves.toBeUndefined();
    expect(performance.now() - started).toBeLessThan(budget + slack);
    expect(afterwards).toBe(499_500);
    const s = tracing.stats();
    expect(s).toMatchObject({ ended: 5, exported: 0 });
    expect(s.exported + s.dropped + s.failed).toBe(5);
  });

  it('collector never answers: shutdown resolves within budget and every span is accounted for', async () => {
    receiver.setBehaviour({ mode: 'hang' });
    const tracing = createTracing(
      tracingConfig({
        exporters: [otlpExporter(receiver.grpcUrl!, 'grpc', { timeoutMillis: 2500 })],
        shutdownTimeoutMillis: budget,
      }),
      testResource(),
    );
    endSpans(tracing, 8);
    const started = performance.now(); // monotonic: a wall-clock step does not count
    await expect(tracing.shutdown()).resolves.toBeUndefined();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(budget + slack);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(1);
    const s = tracing.stats();
    expect(s).toMatchObject({ ended: 8, exported: 0 });
    expect(s.failed + s.dropped).toBe(8);
    // shutdown() did not wait for the abandoned call; let its own 2.5 s deadline pass so the
    // exporter does not log into a torn-down jest environment.
    await new Promise((r) => setTimeout(r, 2500 - elapsed + 500));
  });

  it('UNAVAILABLE is not retried by the 0.223 gRPC exporter: the batch is counted as failed, not lost silently', async () => {
    receiver.setBehaviour({ mode: 'status', statuses: [503, 200] });
    const tracing = createTracing(
      tracingConfig({ exporters: [otlpExporter(receiver.grpcUrl!, 'grpc')] }),
      testResource(),
    );
    endSpans(tracing, 3);
    await tracing.forceFlush();
    expect(receiver.requests.map((r) => r.answer)).toEqual(['grpc:14']);
    expect(tracing.stats()).toMatchObject({ ended: 3, exported: 0, failed: 3 });
    // the next batch goes through
    endSpans(tracing, 2);
    await tracing.forceFlush();
    expect(receiver.spans()).toHaveLength(2);
    expect(tracing.stats()).toMatchObject({ ended: 5, exported: 2, failed: 3 });
    await tracing.shutdown();
  });
});
