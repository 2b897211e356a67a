import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { monitored } from '@otelkit/service';
import { createTestTelemetry, type TestTelemetry } from '@otelkit/testing';

// Issue 14 item 9: internal instrumentation errors were logged on 22 of 24 calls.

@monitored()
class Job {
  run(n: number) {
    return n + 1;
  }
}

describe('@monitored internal failures', () => {
  let h: TestTelemetry;
  beforeAll(() => {
    h = createTestTelemetry();
  });
  afterAll(() => h.shutdown());

  it('are reported once, not on every call, and the method still runs every time', () => {
    const errors: string[] = [];
    const logger: DiagLogger = {
      error: (m: string) => errors.push(m),
      warn: () => {},
      info: () => {},
      debug: () => {},
      verbose: () => {},
    };
    diag.setLogger(logger, DiagLogLevel.ERROR);
    const rt = h.runtime;
    const start = rt.tracer.startSpan;
    rt.tracer.startSpan = () => {
      throw new Error('tracer exploded');
    };
    try {
      const job = new Job();
      let sum = 0;
      for (let i = 0; i < 24; i++) sum += job.run(i);
      expect(sum).toBe(300);
      // Before: 24 lines (one per call). Now: the first, then a count per 30 s.
      expect(errors.filter((e) => e.includes('monitored call')).length).toBe(1);
    } finally {
      rt.tracer.startSpan = start;
      diag.disable();
    }
  });
});
