import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import { type ChromeTraceEvent, createTracing, Profiler } from '../../src';
import { memoryExporter, testResource, tracingConfig } from '../support/config';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Profiler', () => {
  it('wraps a sync function: same result, one trace with times and real heap measurements', async () => {
    const profiler = new Profiler({ tracer: null });
    const allocate = profiler.trace((n: number) => new Array(n).fill(1.5), { name: 'allocate' });
    // The profiler's clock is OpenTelemetry's (time origin + monotonic time): a wall-clock step
    // (NTP on a VM) moves Date.now() away from it, so the bounds are read from the same clock.
    const clock = () => performance.timeOrigin + performance.now();
    const before = clock();
    const result = allocate(1_000_000);
    const after = clock();
    expect(result).toHaveLength(1_000_000);
    const { traces } = await profiler.getProfile();
    expect(traces).toHaveLength(1);
    const t = traces[0]!;
    expect(t.name).toBe('allocate');
    expect(t.startTimeMillis).toBeGreaterThanOrEqual(before - 1);
    expect(t.endTimeMillis).toBeLessThanOrEqual(after + 1);
    expect(t.durationMillis).toBeCloseTo(t.endTimeMillis - t.startTimeMillis, 6);
    expect(t.memoryStart).toBeGreaterThan(0);
    expect(t.memoryDelta).toBe(t.memoryEnd - t.memoryStart);
    // one million doubles stay referenced until the trace ends: at least ~8 MB of heap
    expect(t.memoryDelta).toBeGreaterThan(4 * 1024 * 1024);
    expect(t.error).toBe(false);
    expect(t.stackTrace).toBeUndefined();
  });

  it('times async functions until they settle (traceAsyncTasks = true)', async () => {
    const profiler = new Profiler({ tracer: null });
    const slow = profiler.trace(async function slowJob() {
      await sleep(40);
      return 'done';
    });
    await expect(slow()).resolves.toBe('done');
    const [t] = (await profiler.getProfile()).traces;
    expect(t!.name).toBe('slowJob');
    expect(t!.durationMillis).toBeGreaterThanOrEqual(35);
  });

  it('with traceAsyncTasks = false times only the synchronous part of an async function', async () => {
    const profiler = new Profiler({ tracer: null, traceAsyncTasks: false });
    const slow = profiler.trace(
      async () => {
        await sleep(60);
        return 1;
      },
      { name: 'sync-part' },
    );
    await expect(slow()).resolves.toBe(1);
    const [t] = (await profiler.getProfile()).traces;
    expect(t!.durationMillis).toBeLessThan(50);
    expect(t!.metadata).toEqual({ async: true });
  });

  it('rethrows the identical value (sync and async) and marks the trace as an error', async () => {
    const profiler = new Profiler({ tracer: null });
    const thrown = { reason: 'not an Error' };
    expect(() =>
      profiler.traceContext('sync-fail', () => {
        throw thrown;
      }),
    ).toThrow();
    let caught: unknown;
    try {
      profiler.traceContext('sync-fail', () => {
        throw thrown;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(thrown);
    await expect(
      profiler.traceContext('async-fail', async () => {
        throw 'plain string';
      }),
    ).rejects.toBe('plain string');
    const { traces, byName } = await profiler.getProfile();
    expect(traces.every((t) => t.error)).toBe(true);
    expect(byName['sync-fail']!.errors).toBe(2);
    expect(byName['async-fail']!.errors).toBe(1);
  });

  it('traceContext returns the result and keeps metadata; startTrace handles end once', async () => {
    const profiler = new Profiler({ tracer: null });
    expect(profiler.traceContext('block', () => 42, { table: 'orders' })).toBe(42);
    const handle = profiler.startTrace('manual', { batch: 1 });
    await sleep(5);
    const ended = handle.end({ processed: 10 });
    expect(ended!.metadata).toEqual({ batch: 1, processed: 10 });
    expect(ended!.durationMillis).toBeGreaterThanOrEqual(4);
    expect(handle.end()).toBeUndefined();
    const { traces } = await profiler.getProfile();
    expect(traces.map((t) => [t.name, t.metadata])).toEqual([
      ['block', { table: 'orders' }],
      ['manual', { batch: 1, processed: 10 }],
    ]);
  });

  it('summarises per name: count, total, mean, min/max and ordered percentiles', async () => {
    const profiler = new Profiler({ tracer: null });
    for (let i = 0; i < 20; i++) {
      const h = profiler.startTrace(i % 2 === 0 ? 'even' : 'odd');
      for (let j = 0; j < i * 2000; j++) Math.sqrt(j);
      h.end();
    }
    const { byName, traces, totalTimeMillis } = await profiler.getProfile();
    expect(Object.keys(byName).sort()).toEqual(['even', 'odd']);
    for (const name of ['even', 'odd']) {
      const s = byName[name]!;
      const durations = traces.filter((t) => t.name === name).map((t) => t.durationMillis);
      expect(s.count).toBe(10);
      expect(s.totalMillis).toBeCloseTo(
        durations.reduce((a, b) => a + b, 0),
        9,
      );
      expect(s.meanMillis).toBeCloseTo(s.totalMillis / 10, 9);
      expect(s.minMillis).toBe(Math.min(...durations));
      expect(s.maxMillis).toBe(Math.max(...durations));
      expect(s.minMillis).toBeLessThanOrEqual(s.p50Millis);
      expect(s.p50Millis).toBeLessThanOrEqual(s.p95Millis);
      expect(s.p95Millis).toBeLessThanOrEqual(s.p99Millis);
      expect(s.p99Millis).toBeLessThanOrEqual(s.maxMillis);
      // nearest rank: p50 of 10 sorted values is the 5th
      expect(s.p50Millis).toBe([...durations].sort((a, b) => a - b)[4]);
    }
    expect(totalTimeMillis).toBeCloseTo(
      traces[traces.length - 1]!.endTimeMillis - traces[0]!.startTimeMillis,
      6,
    );
  });

  it('keeps at most maxTraces and counts what it discarded', async () => {
    const profiler = new Profiler({ tracer: null, maxTraces: 5 });
    for (let i = 0; i < 12; i++) profiler.traceContext(`t${i}`, () => i);
    const profile = await profiler.getProfile();
    expect(profile.traces.map((t) => t.name)).toEqual(['t7', 't8', 't9', 't10', 't11']);
    expect(profile.discarded).toBe(7);
    expect(profiler.stats()).toEqual({ kept: 5, discarded: 7, maxTraces: 5 });
    profiler.reset();
    expect((await profiler.getProfile()).traces).toHaveLength(0);
  });

  it('collects a stack trace pointing at the caller when collectStackTrace is on', async () => {
    const profiler = new Profiler({ tracer: null, collectStackTrace: true });
    profiler.traceContext('with-stack', () => undefined);
    const [t] = (await profiler.getProfile()).traces;
    expect(t!.stackTrace).toContain('profiler.test.ts');
    expect(t!.stackTrace).not.toContain('src/profiler/profiler.ts');
  });

  it('enabled: false records nothing and returns functions unchanged', async () => {
    const profiler = new Profiler({ enabled: false });
    const fn = (x: number) => x + 1;
    expect(profiler.trace(fn)).toBe(fn);
    expect(profiler.traceContext('x', () => 3)).toBe(3);
    expect(profiler.startTrace('y').end()).toBeUndefined();
    expect((await profiler.getProfile()).traces).toHaveLength(0);
  });

  it('rejects a bad maxTraces at construction', () => {
    expect(() => new Profiler({ maxTraces: 0 })).toThrow(/maxTraces must be a positive integer; got 0/);
  });

  it('exports the Chrome trace-event format: complete events in µs, nested or disjoint per lane', async () => {
    const profiler = new Profiler({ tracer: null });
    profiler.traceContext('outer', () => {
      profiler.traceContext('inner', () => undefined, { step: 1 });
    });
    // two overlapping async operations cannot share a lane
    await Promise.all([
      profiler.traceContext('a', () => sleep(20)),
      profiler.traceContext('b', () => sleep(20)),
    ]);
    const doc = profiler.toChromeTrace();
    expect(doc.displayTimeUnit).toBe('ms');
    const meta = doc.traceEvents.find((e) => e.ph === 'M')!;
    expect(meta).toMatchObject({ name: 'process_name', pid: process.pid });
    const events = doc.traceEvents.filter((e) => e.ph === 'X');
    expect(events.map((e) => e.name).sort()).toEqual(['a', 'b', 'inner', 'outer']);
    const byName = (n: string) => events.find((e) => e.name === n)!;
    const { traces } = await profiler.getProfile();
    const outerTrace = traces.find((t) => t.name === 'outer')!;
    expect(byName('outer').ts).toBe(Math.round(outerTrace.startTimeMillis * 1000));
    expect(byName('outer').dur).toBe(Math.round(outerTrace.durationMillis * 1000));
    expect(byName('inner').tid).toBe(byName('outer').tid);
    expect(byName('inner').args).toMatchObject({ step: 1, memoryDelta: expect.any(Number) });
    expect(byName('a').tid).not.toBe(byName('b').tid);
    // within each lane, events are strictly nested or disjoint
    const lanes = new Map<number, ChromeTraceEvent[]>();
    for (const e of events) lanes.set(e.tid, [...(lanes.get(e.tid) ?? []), e]);
    for (const lane of lanes.values()) {
      for (const x of lane) {
        for (const y of lane) {
          if (x === y) continue;
          const [xs, xe, ys, ye] = [x.ts!, x.ts! + x.dur!, y.ts!, y.ts! + y.dur!];
          const disjoint = xe <= ys || ye <= xs;
          const nested = (xs >= ys && xe <= ye) || (ys >= xs && ye <= xe);
          expect(disjoint || nested).toBe(true);
        }
      }
    }
    const file = path.join(tmpdir(), `otelkit-profile-${process.pid}.json`);
    try {
      await profiler.exportChromeTrace(file);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(doc)));
    } finally {
      await rm(file, { force: true });
    }
  });

  it('makes each profiled operation a span when tracing is configured (children nest, errors marked)', async () => {
    const tracing = createTracing(tracingConfig({ exporters: [memoryExporter()] }), testResource());
    tracing.register();
    try {
      const profiler = new Profiler(); // default: the global tracer
      await profiler.traceContext(
        'job',
        async () => {
          profiler.traceContext('step', () => undefined);
          await profiler
            .traceContext('failing', async () => {
              throw new Error('bad step');
            })
            .catch(() => undefined);
        },
        { 'job.id': 'j1' },
      );
      const spans = tracing.memoryExporter!.getFinishedSpans();
      const job = spans.find((s) => s.name === 'job')!;
      const step = spans.find((s) => s.name === 'step')!;
      const failing = spans.find((s) => s.name === 'failing')!;
      expect(job.attributes['job.id']).toBe('j1');
      expect(typeof job.attributes['profile.memory_delta_bytes']).toBe('number');
      expect(step.parentSpanContext?.spanId).toBe(job.spanContext().spanId);
      expect(failing.parentSpanContext?.spanId).toBe(job.spanContext().spanId);
      expect(failing.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad step' });
      expect((await profiler.getProfile()).traces).toHaveLength(3);
    } finally {
      await tracing.shutdown();
    }
  });

  it('works with tracing off (no spans, traces still recorded)', async () => {
    const profiler = new Profiler();
    expect(profiler.traceContext('alone', () => 'ok')).toBe('ok');
    expect((await profiler.getProfile()).traces.map((t) => t.name)).toEqual(['alone']);
  });
});

describe('Profiler.trace as a TC39 standard decorator', () => {
  const profiler = new Profiler({ tracer: null });

  class Service {
    calls = 0;
    @profiler.trace
    compute(x: number): number {
      this.calls++;
      return x * 3;
    }

    @profiler.trace({ name: 'service.fetch', metadata: { kind: 'io' } })
    async fetch(): Promise<string> {
      await sleep(5);
      return 'fetched';
    }
  }

  it('profiles decorated methods (bare and with options), keeping sync methods sync', async () => {
    const s = new Service();
    expect(s.compute(2)).toBe(6);
    expect(s.calls).toBe(1);
    await expect(s.fetch()).resolves.toBe('fetched');
    const { traces } = await profiler.getProfile();
    expect(traces.map((t) => [t.name, t.metadata])).toEqual([
      ['Service.compute', {}],
      ['service.fetch', { kind: 'io' }],
    ]);
  });
});
