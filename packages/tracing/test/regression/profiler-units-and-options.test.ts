// Regression (#17): the Profiler's times were milliseconds in fields named as mtaio's, whose
// values are seconds (`f"{profile.total_time:.2f}s"` printed 239.04 for a quarter second), and
// unknown options (`trace_async_tasks`, a typo) were ignored. The names now carry the unit and
// options are checked.
import { Profiler } from '../../src/index';

describe('Profiler units and options', () => {
  it('names every time with its unit: …Millis fields, milliseconds', async () => {
    const profiler = new Profiler({ tracer: null });
    await profiler.traceContext('sleep', () => new Promise((r) => setTimeout(r, 60)));
    const profile = await profiler.getProfile();
    const [t] = profile.traces;
    expect(t!.durationMillis).toBeGreaterThanOrEqual(55);
    expect(t!.durationMillis).toBeLessThan(5000);
    expect(t!.endTimeMillis - t!.startTimeMillis).toBeCloseTo(t!.durationMillis, 6);
    // epoch milliseconds, on the profiler's clock (OpenTelemetry's: time origin + monotonic time,
    // which a wall-clock step does not move — compared against it, not Date.now())
    expect(Math.abs(t!.startTimeMillis - (performance.timeOrigin + performance.now()))).toBeLessThan(10_000);
    expect(profile.totalTimeMillis).toBeCloseTo(t!.durationMillis, 6);
    // mtaio prints seconds: the seed line in TypeScript
    expect(`${(profile.totalTimeMillis / 1000).toFixed(2)}s`).toMatch(/^(0\.(0[6-9]|[1-9]\d)|[1-4]\.\d\d)s$/);
    const s = profile.byName.sleep!;
    expect(s).toMatchObject({ count: 1, totalMillis: t!.durationMillis, p99Millis: t!.durationMillis });
    for (const old of ['startTime', 'endTime', 'duration']) expect(t).not.toHaveProperty(old);
    expect(profile).not.toHaveProperty('totalTime');
    expect(s).not.toHaveProperty('total');
  });

  it("refuses mtaio's snake_case options naming the camelCase ones, and typos with a did-you-mean", () => {
    expect(() => new Profiler({ trace_async_tasks: true, collect_stack_trace: true } as never)).toThrow(
      'Profiler: option "trace_async_tasks" is spelled "traceAsyncTasks" here; option "collect_stack_trace" is spelled "collectStackTrace" here; allowed: enabled, traceAsyncTasks, collectStackTrace, maxTraces, tracer',
    );
    expect(() => new Profiler({ maxTrace: 5 } as never)).toThrow(
      'Profiler: unknown option "maxTrace" (did you mean "maxTraces"?)',
    );
    const profiler = new Profiler({ tracer: null });
    expect(() => profiler.trace(() => 1, { nmae: 'x' } as never)).toThrow(
      'profiler.trace: unknown option "nmae" (did you mean "name"?)',
    );
    expect(() => profiler.trace({ metdata: {} } as never)).toThrow(
      '@profiler.trace: unknown option "metdata"',
    );
  });
});
