import { SpanStatusCode } from '@opentelemetry/api';
import { createTracing, traced } from '../../src';
import { memoryExporter, testResource, tracingConfig } from '../support/config';

// experimentalDecorators (this file is compiled with tsconfig.legacy.json).
const tracing = createTracing(tracingConfig({ exporters: [memoryExporter()] }), testResource());
const spans = () => tracing.memoryExporter!.getFinishedSpans();
const options = { tracer: tracing.tracer };

class Legacy {
  calls = 0;

  @traced(options)
  double(n: number): number {
    this.calls++;
    return n * 2;
  }

  @traced({ ...options, name: 'legacy.fetch' })
  async fetch(): Promise<string> {
    await new Promise((r) => setTimeout(r, 1));
    return 'ok';
  }

  @traced(options)
  fail(value: unknown): never {
    throw value;
  }
}

afterAll(() => tracing.shutdown());
beforeEach(() => tracing.memoryExporter!.reset());

describe('@traced (experimentalDecorators)', () => {
  it('keeps a sync method sync and calls it exactly once', () => {
    const l = new Legacy();
    expect(l.double(4)).toBe(8);
    expect(l.calls).toBe(1);
    expect(spans().map((s) => s.name)).toEqual(['Legacy.double']);
  });

  it('traces async methods until they settle', async () => {
    await expect(new Legacy().fetch()).resolves.toBe('ok');
    expect(spans().map((s) => s.name)).toEqual(['legacy.fetch']);
  });

  it('rethrows the identical non-Error value and marks the span ERROR', () => {
    const thrown = 12;
    let caught: unknown;
    try {
      new Legacy().fail(thrown);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(thrown);
    expect(spans()[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });
});
