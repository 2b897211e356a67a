import type { ResourceMonitor } from '../src/resource-monitor';
import type { AlertEvent } from '../src/types';

/** Collects every alert event a monitor emits. */
export function collectEvents(monitor: ResourceMonitor): AlertEvent[] {
  const events: AlertEvent[] = [];
  monitor.onAlert((e) => {
    events.push(e);
  });
  return events;
}

export async function waitFor(
  predicate: () => boolean,
  timeoutMillis: number,
  stepMillis = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMillis} ms`);
    await new Promise((r) => setTimeout(r, stepMillis));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
