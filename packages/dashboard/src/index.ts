export { createDashboard } from './create-dashboard';
export { histogramQuantile } from './data/quantile';
export { CONTENT_SECURITY_POLICY } from './server/guard';
export { startDashboard } from './start-dashboard';
export type {
  AuthorizeFn,
  DashboardHandler,
  DashboardOptions,
  DashboardServer,
  DashboardSource,
  DashboardStats,
} from './types';
