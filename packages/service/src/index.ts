export type {
  AuthorizeFn,
  DashboardFactory,
  DashboardHandler,
  DashboardOptions,
  DashboardStats,
} from './dashboard';
export {
  DASHBOARD_FACTORY_SLOT,
  DASHBOARD_PACKAGE,
  DashboardNotInstalledError,
  loadDashboardFactory,
} from './dashboard';
export { METHOD_CALLS, METHOD_DURATION } from './decorators/instrument-method';
export type { UniversalDecorator } from './decorators/monitored';
export { monitored } from './decorators/monitored';
export type { ServiceDecorator, ServiceOptions } from './decorators/service';
export { service } from './decorators/service';
export type { InstrumentHandle, InstrumentOptions } from './instrument';
export { instrument, librariesLoaded } from './instrument';
export { loggerFor } from './logger-for';
export { getMonitoringRuntime, setMonitoringRuntime } from './runtime';
export type { ShutdownReport, ShutdownStepResult, UndeliveredReport } from './shutdown';
export type { Monitoring, MonitoringStats, RecentSignals, StartMonitoringOptions } from './start-monitoring';
export { getMonitoring, MonitoringConflictError, startMonitoring } from './start-monitoring';
export type {
  MethodMonitoringOptions,
  MonitoredLogLevel,
  MonitoredOptions,
  MonitoringLogger,
  MonitoringRuntime,
} from './types';
