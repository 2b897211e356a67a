import { performance } from 'node:perf_hooks';
import type { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** How long a serialisation runs before it lets the event loop go (a scrape of 10 000 series took ~0.4 s in one piece). */
export const SLICE_MILLIS = 8;

/** Runs a step generator to its end, synchronously. */
export function runToEnd<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs a step generator, yielding to the event loop (setImmediate) about every `sliceMillis`. */
export function runInSlices<T>(steps: Generator<void, T, void>, sliceMillis = SLICE_MILLIS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const slice = (): void => {
      const until = performance.now() + sliceMillis;
      try {
        for (;;) {
          const r = steps.next();
          if (r.done) {
            resolve(r.value);
            return;
          }
          if (performance.now() >= until) break;
        }
      } catch (err) {
        reject(err);
        return;
      }
      setImmediate(slice);
    };
    slice();
  });
}

const NO_REGISTERED_METRICS = '# no registered metrics';
/** Data points handed to the upstream serializer at once. */
const POINTS_PER_SLICE = 256;

/**
 * The Prometheus 0.0.4 text of the upstream `PrometheusSerializer`, byte for byte, produced in
 * steps: each metric is serialized in slices of its data points through the serializer's public
 * `serialize()` (a serializer without target_info), the repeated `# HELP` / `# UNIT` / `# TYPE`
 * header of later slices cut. `withTarget` writes the target_info block once.
 */
export function* prometheusTextSteps(
  resourceMetrics: ResourceMetrics,
  withTarget: PrometheusSerializer,
  withoutTarget: PrometheusSerializer,
): Generator<void, string, void> {
  let head = withTarget.serialize({ resource: resourceMetrics.resource, scopeMetrics: [] });
  if (head.endsWith(NO_REGISTERED_METRICS)) head = head.slice(0, -NO_REGISTERED_METRICS.length);
  let body = '';
  for (const scopeMetrics of resourceMetrics.scopeMetrics) {
    for (const metric of scopeMetrics.metrics) {
      const points = metric.dataPoints as MetricData['dataPoints'];
      const slices = Math.max(1, Math.ceil(points.length / POINTS_PER_SLICE));
      let text = '';
      for (let i = 0; i < slices; i++) {
        const part =
          slices === 1
            ? metric
            : ({
                ...metric,
                dataPoints: points.slice(i * POINTS_PER_SLICE, (i + 1) * POINTS_PER_SLICE),
              } as MetricData);
        let t = withoutTarget.serialize({
          resource: resourceMetrics.resource,
          scopeMetrics: [{ scope: scopeMetrics.scope, metrics: [part] }],
        });
        if (t === NO_REGISTERED_METRICS) break; // the upstream serializer skips this metric
        t = t.slice(0, -1); // the blank line after each metric, added once below
        if (i > 0) {
          // cut the header lines of a later slice
          while (t.startsWith('# ')) {
            const nl = t.indexOf('\n');
            t = nl === -1 ? '' : t.slice(nl + 1);
          }
          text += `\n${t}`;
        } else text = t;
        yield;
      }
      if (text) body += `${text}\n`;
    }
  }
  if (body === '') body = NO_REGISTERED_METRICS;
  return head + body;
}
