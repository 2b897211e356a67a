export { METHOD_CALLS, METHOD_DURATION } from './decorators/instrument-method';
export type { UniversalDecorator } from './decorators/monitored';
export { monitored } from './decorators/monitored';
export { loggerFor } from './logger-for';
export { getMonitoringRuntime, setMonitoringRuntime } from './runtime';
export type * from './types';
