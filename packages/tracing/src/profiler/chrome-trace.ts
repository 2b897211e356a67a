import type { ChromeTrace, ChromeTraceEvent, ProfileTrace } from './types';

/**
 * Converts traces to the Chrome trace-event format: one complete (`ph: 'X'`) event per trace,
 * timestamps in microseconds. Overlapping async operations are spread over lanes (`tid`) so
 * that events within one lane are strictly nested or disjoint, as the format requires.
 *
 * @example
 * writeFileSync('profile.json', JSON.stringify(toChromeTrace(profile.traces)));
 */
export function toChromeTrace(
  traces: readonly ProfileTrace[],
  processName = 'otelkit profiler',
): ChromeTrace {
  const pid = process.pid;
  const sorted = [...traces].sort(
    (a, b) => a.startTimeMillis - b.startTimeMillis || b.endTimeMillis - a.endTimeMillis,
  );
  // Each lane is a stack of open [start, end] intervals.
  const lanes: { end: number }[][] = [];
  const events: ChromeTraceEvent[] = [
    { name: 'process_name', ph: 'M', pid, tid: 0, args: { name: processName } },
  ];
  for (const t of sorted) {
    let lane = -1;
    for (let i = 0; i < lanes.length && lane < 0; i++) {
      const stack = lanes[i]!;
      while (stack.length > 0 && stack[stack.length - 1]!.end <= t.startTimeMillis) stack.pop();
      if (stack.length === 0 || stack[stack.length - 1]!.end >= t.endTimeMillis) lane = i;
    }
    if (lane < 0) {
      lanes.push([]);
      lane = lanes.length - 1;
    }
    lanes[lane]!.push({ end: t.endTimeMillis });
    events.push({
      name: t.name,
      cat: t.error ? 'profile,error' : 'profile',
      ph: 'X',
      pid,
      tid: lane + 1,
      ts: Math.round(t.startTimeMillis * 1000),
      dur: Math.max(0, Math.round(t.durationMillis * 1000)),
      args: {
        ...t.metadata,
        memoryStart: t.memoryStart,
        memoryEnd: t.memoryEnd,
        memoryDelta: t.memoryDelta,
        ...(t.stackTrace !== undefined ? { stackTrace: t.stackTrace } : {}),
      },
    });
  }
  return { traceEvents: events, displayTimeUnit: 'ms' };
}
