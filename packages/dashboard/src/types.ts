import type { DashboardHandler, Monitoring } from '@otelkit/service';

/**
 * What the dashboard reads: the handle `startMonitoring()` returns (or any object of that shape,
 * such as a test kit's). Nothing is added to it; the dashboard only reads on demand.
 */
export type DashboardSource = Pick<
  Monitoring,
  'config' | 'metrics' | 'monitor' | 'health' | 'resources' | 'recent' | 'tracing' | 'logger' | 'summary'
>;

// The handler's and options' types are the service's (`monitoring.dashboard()` returns the same
// handler without the service depending on this package): one definition, re-exported here.
export type { AuthorizeFn, DashboardHandler, DashboardOptions, DashboardStats } from '@otelkit/service';

/** A dashboard with its own listener (`dashboard.port`), from {@link startDashboard}. */
export interface DashboardServer {
  readonly handler: DashboardHandler;
  /** `http://127.0.0.1:9465/monitoring/dashboard/`, with the port actually bound. */
  readonly url: string;
  /** Closes the streams and the listener. Idempotent, never rejects. */
  shutdown(): Promise<void>;
}
