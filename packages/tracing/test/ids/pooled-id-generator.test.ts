import { ROOT_CONTEXT } from '@opentelemetry/api';
import { createTracing, PooledIdGenerator, type TracingHandle } from '../../src';
import { tracingConfig } from '../support/config';

describe('PooledIdGenerator', () => {
  const ids = new PooledIdGenerator();

  it('makes W3C-valid ids: 32 / 16 lowercase hex characters, never all zeros', () => {
    for (let i = 0; i < 20_000; i++) {
      const traceId = ids.generateTraceId();
      const spanId = ids.generateSpanId();
      expect(/^[0-9a-f]{32}$/.test(traceId) && !/^0+$/.test(traceId)).toBe(true);
      expect(/^[0-9a-f]{16}$/.test(spanId) && !/^0+$/.test(spanId)).toBe(true);
    }
  });

  it('never repeats an id across many pool refills', () => {
    const traces = new Set<string>();
    const spans = new Set<string>();
    for (let i = 0; i < 200_000; i++) {
      traces.add(ids.generateTraceId());
      spans.add(ids.generateSpanId());
    }
    expect(traces.size).toBe(200_000);
    expect(spans.size).toBe(200_000);
  });

  it('spreads hex digits evenly at every position (chi-square, 15 degrees of freedom)', () => {
    const n = 40_000;
    const counts = Array.from({ length: 32 }, () => new Array<number>(16).fill(0));
    for (let i = 0; i < n; i++) {
      const id = ids.generateTraceId();
      for (let p = 0; p < 32; p++) (counts[p] as number[])[Number.parseInt(id[p] as string, 16)]++;
    }
    const expected = n / 16;
    for (const position of counts) {
      const chi2 = position.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
      // p < 1e-6 for 15 degrees of freedom is ~ 53.
      expect(chi2).toBeLessThan(53);
    }
  });
});

describe('createTracing ids', () => {
  let handle: TracingHandle | undefined;
  afterEach(async () => handle?.shutdown());

  it('keeps a trace-id ratio sampler at its ratio', () => {
    handle = createTracing(tracingConfig({ sampler: { type: 'traceidratio', ratio: 0.25 } }));
    const n = 40_000;
    let sampled = 0;
    for (let i = 0; i < n; i++) {
      const span = handle.tracer.startSpan('s', {}, ROOT_CONTEXT);
      if (span.isRecording()) sampled++;
      span.end();
    }
    // 0.25 ± 5 standard deviations (σ ≈ 0.0022).
    expect(Math.abs(sampled / n - 0.25)).toBeLessThan(0.011);
  });
});
