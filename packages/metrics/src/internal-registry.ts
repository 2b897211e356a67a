import type { LocalHistograms } from './http/local-histograms';
import type { MetricsHandle } from './types';

// Internal: what createMetrics keeps per handle for the HTTP adapters. Never exported publicly.
const localHistograms = new WeakMap<MetricsHandle, LocalHistograms>();

export function registerLocalHistograms(handle: MetricsHandle, local: LocalHistograms): void {
  localHistograms.set(handle, local);
}

/** The handle's local histograms; undefined for handles not made by createMetrics. */
export function localHistogramsOf(handle: MetricsHandle): LocalHistograms | undefined {
  return localHistograms.get(handle);
}
