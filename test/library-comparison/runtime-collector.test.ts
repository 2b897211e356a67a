/**
 * Issue #18, hand-written vs library: @opentelemetry/instrumentation-runtime-node 0.37 (the 3.x
 * release, core ^3.0.0) against @otelkit/resource-monitor's RuntimeCollector, on the event-loop
 * delay of one stall in a timer callback, with a collection's timer falling due during it. Node's
 * timers run the collection's timer in the next timers pass (the pass compares against the loop
 * time read before the stall), so whether the library's native timer ticks first is a race. What
 * this test pins is the first collection: ours has the stall, the library does not. The library's
 * second reading is a coin toss (≈ 500 ms, or lost: 28.7 ms in a CI run on Node 22) — the reasons,
 * each made deterministic, are in runtime-edges.test.ts; the table in docs/ARCHITECTURE.md reads
 * from both.
 */
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { TestMetricReader } from '@otelkit/testing';
// not exported (the monitor's internal sampler): imported from its source
import { RuntimeCollector } from '../../packages/resource-monitor/src/collectors/runtime-collector';

const STALL_MILLIS = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // the stall
  }
}

/** Runs `read` in the same timers pass as a stall, then again `after` ms later; both results. */
async function stallThenRead<T>(read: () => Promise<T> | T, after = 300): Promise<[T, T]> {
  const first = new Promise<T>((resolve, reject) => {
    setTimeout(() => busy(STALL_MILLIS), 0);
    setTimeout(() => Promise.resolve(read()).then(resolve, reject), 20);
  });
  const a = await first;
  await sleep(after);
  return [a, await read()];
}

describe('event-loop delay of one 500 ms stall: instrumentation-runtime-node vs otelkit RuntimeCollector', () => {
  it('ours reports the stall in the collection right after it; the library misses it there (and, in one CI run on Node 22, in the next one too)', async () => {
    const reader = new TestMetricReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const instrumentation = new RuntimeNodeInstrumentation({ monitoringPrecision: 10 });
    instrumentation.setMeterProvider(meterProvider);
    /** nodejs.eventloop.delay.max of one collection, in ms (undefined: not reported). */
    const maxDelay = async (): Promise<number | undefined> => {
      const { resourceMetrics } = await reader.collect();
      for (const scope of resourceMetrics.scopeMetrics)
        for (const m of scope.metrics)
          if (m.descriptor.name === 'nodejs.eventloop.delay.max')
            return (m.dataPoints[0]?.value as number) * 1000;
      return undefined;
    };
    const ours = new RuntimeCollector(10);
    ours.start();
    try {
      await sleep(200); // both have samples
      await maxDelay();
      ours.reset();

      const theirs = await stallThenRead(maxDelay);
      const mine = await stallThenRead(() => {
        const d = ours.eventLoopDelay();
        ours.reset();
        return d.max;
      });
      // The library's first collection comes < 50 ms after its previous one: fewer than 5 ticks, so
      // it observes nothing (the cumulative reader repeats the previous value) and does not reset.
      // Whether the next has the stall depends on whether its timer ticked between that earlier
      // reset (which clears the last tick's time) and the stall: usually, not always (runtime-edges).
      expect(theirs[0] ?? 0).toBeLessThan(STALL_MILLIS / 2);
      // Ours is a JS timer due before the collection's: it runs first.
      expect(mine[0]).toBeGreaterThan(STALL_MILLIS * 0.8);
      expect(mine[1]).toBeLessThan(STALL_MILLIS / 2);
    } finally {
      ours.stop();
      instrumentation.disable();
      await meterProvider.shutdown();
    }
  });
});
