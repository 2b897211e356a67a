import type { Meter } from '@opentelemetry/api';
import { SPAN_METRIC_NAMES } from '../metric-names';
import type { TracingStats } from '../types';

/**
 * Publishes the span counters as observable instruments read lazily at collection time,
 * so the hot path pays nothing. Returns a function that detaches the callback.
 */
export function publishStats(meter: Meter, read: () => TracingStats): () => void {
  const counter = (name: string, description: string) =>
    meter.createObservableCounter(name, { description, unit: '{span}' });
  const started = counter(SPAN_METRIC_NAMES.started, 'Sampled spans started');
  const ended = counter(SPAN_METRIC_NAMES.ended, 'Sampled spans ended');
  const exported = counter(SPAN_METRIC_NAMES.exported, 'Spans every exporter accepted');
  const dropped = counter(
    SPAN_METRIC_NAMES.dropped,
    'Spans dropped, by reason: queue_full, or shutdown (ended after it, or still queued when its budget ran out)',
  );
  const failed = counter(SPAN_METRIC_NAMES.failed, 'Spans whose export failed or timed out');
  const evicted = counter(SPAN_METRIC_NAMES.memoryEvicted, 'Spans evicted from the bounded memory exporter');
  const queued = meter.createObservableUpDownCounter(SPAN_METRIC_NAMES.queued, {
    description: 'Spans waiting in the export queue',
    unit: '{span}',
  });
  const observables = [started, ended, exported, dropped, failed, evicted, queued];
  const callback = (result: import('@opentelemetry/api').BatchObservableResult): void => {
    const s = read();
    result.observe(started, s.started);
    result.observe(ended, s.ended);
    result.observe(exported, s.exported);
    for (const [reason, n] of Object.entries(s.droppedByReason)) result.observe(dropped, n, { reason });
    result.observe(failed, s.failed);
    result.observe(evicted, s.memoryEvicted);
    result.observe(queued, s.queued);
  };
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
