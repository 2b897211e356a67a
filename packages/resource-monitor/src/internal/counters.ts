import type { MonitorCounters } from '../types';

export type MutableCounters = { -readonly [K in keyof MonitorCounters]: MonitorCounters[K] };

export function createCounters(): MutableCounters {
  return {
    samples: 0,
    sampleErrors: 0,
    collectErrors: 0,
    handlerErrors: 0,
    handlerTimeouts: 0,
    handlerCallsDropped: 0,
    handlerBindingsDropped: 0,
    metricsDropped: 0,
    webhookSent: 0,
    webhookFailed: 0,
    webhookRetries: 0,
    webhookDropped: 0,
  };
}
