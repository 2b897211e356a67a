export { createMetrics, METER_NAME } from './create-metrics';
export { errorType } from './error-type';
export type { HttpMetricsOptions, RequestState } from './http/http-server-metrics';
export { HttpServerMetrics, recordRequestError, setRequestRoute } from './http/http-server-metrics';
export type { RequestListener } from './http/with-http-metrics';
export { withHttpMetrics } from './http/with-http-metrics';
export type {
  CounterHelper,
  EndTimer,
  GaugeHelper,
  HistogramHelper,
  HistogramOptions,
  InstrumentOptions,
  MetricAttributes,
  MetricExportFailureReason,
  MetricsHandle,
  MetricsStats,
  ObservableGaugeHelper,
  ObservableGaugeOptions,
  UpDownCounterHelper,
} from './types';
