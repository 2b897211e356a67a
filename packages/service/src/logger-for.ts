import { monitoredClassNames } from './decorators/monitored';
import { getMonitoringRuntime } from './runtime';
import type { MonitoringLogger, MonitoringRuntime } from './types';

const noop = () => {};
const NOOP_LOGGER: MonitoringLogger = {
  child: () => NOOP_LOGGER,
  isLevelEnabled: () => false,
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  fatal: noop,
};

const cache = new WeakMap<MonitoringRuntime, WeakMap<Function, MonitoringLogger>>();

/**
 * A logger bound to the class of `self` (an instance, or a class for static code). Lines written
 * inside a monitored method carry the method's trace and span ids (correlation happens when the
 * line is written). A silent logger when no monitoring is installed.
 *
 * @example
 * class OrderService {
 *   async place(order: Order) {
 *     loggerFor(this).info({ orderId: order.id }, 'order placed');
 *   }
 * }
 */
export function loggerFor(self: object): MonitoringLogger {
  const runtime = getMonitoringRuntime();
  if (runtime?.logger === undefined) return NOOP_LOGGER;
  const ctor = typeof self === 'function' ? self : (self as { constructor?: Function }).constructor;
  if (typeof ctor !== 'function') return runtime.logger;
  let perClass = cache.get(runtime);
  if (perClass === undefined) {
    perClass = new WeakMap();
    cache.set(runtime, perClass);
  }
  let logger = perClass.get(ctor);
  if (logger === undefined) {
    logger = runtime.logger.child({ class: monitoredClassNames.get(ctor) ?? ctor.name });
    perClass.set(ctor, logger);
  }
  return logger;
}
