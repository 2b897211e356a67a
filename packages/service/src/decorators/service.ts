import { diag } from '@opentelemetry/api';
import { decoratorMode, loadConfig, type OtelkitConfigInput } from '@otelkit/config';
import { MonitoringConflictError, startMonitoring } from '../start-monitoring';
import type { MonitoredOptions } from '../types';
import { applyToClass, factoryOptions, type OptionsObject } from './monitored';

/** Options of `@service(...)`: the class options of `@monitored`, plus the config to start from. */
export interface ServiceOptions extends MonitoredOptions {
  /**
   * The one config object. Validated when the class is defined (a bad config fails at startup);
   * monitoring starts on the first call of a method, not at import.
   */
  monitoring?: OtelkitConfigInput | Readonly<Record<string, unknown>>;
}

/** A class decorator for TC39 standard decorators and `experimentalDecorators`. */
export type ServiceDecorator = {
  <T extends abstract new (...args: never[]) => unknown>(value: T, context: ClassDecoratorContext<T>): void;
  // a constructor, not any Function: see UniversalDecorator
  <T extends abstract new (...args: never[]) => unknown>(target: T): void;
};

/**
 * `@monitored` for a whole class that can also start monitoring: with `monitoring`, the first
 * call of one of its methods runs `startMonitoring(monitoring)` (once per process; if monitoring
 * is already running with another config, the running one is kept and a warning goes to `diag`).
 * `@service`, `@service()` and `@service({})` are the same thing: the class is instrumented and
 * reports to whatever monitoring is installed.
 *
 * @example
 * @service({ monitoring: MONITORING_CONFIG })
 * class MonitoredService {
 *   async operation() { ... } // automatically gets logging, metrics and tracing
 * }
 *
 * @service
 * class MetricsExample { ... }
 */
// `@service` bare: TypeScript calls `service` itself as the class decorator, so it carries the
// signatures of ServiceDecorator; `service(options)` is the factory (order: see OptionsObject).
export function service<T extends abstract new (...args: never[]) => unknown>(
  value: T,
  context: ClassDecoratorContext<T>,
): void;
export function service(options?: OptionsObject<ServiceOptions>): ServiceDecorator;
export function service<T extends abstract new (...args: never[]) => unknown>(target: T): void;
export function service(...args: unknown[]): unknown {
  if (decoratorMode(args) !== undefined) return serviceDecorator({})(...args);
  return serviceDecorator(factoryOptions('@service', args) as ServiceOptions | undefined);
}

function serviceDecorator(options: ServiceOptions = {}): (...args: unknown[]) => void {
  const { monitoring, ...classOptions } = options;
  let lazyStart: (() => void) | undefined;
  if (monitoring !== undefined) {
    // loud at startup: every config problem, now
    loadConfig({ config: monitoring as OtelkitConfigInput });
    let attempted = false;
    lazyStart = () => {
      if (attempted) return;
      attempted = true;
      try {
        startMonitoring(monitoring as OtelkitConfigInput);
      } catch (err) {
        if (err instanceof MonitoringConflictError) {
          diag.warn(`otelkit: @service kept the monitoring already running: ${err.message}`);
        } else {
          diag.error('otelkit: @service could not start monitoring; methods run without it', err);
        }
      }
    };
  }
  return (...args: unknown[]) => applyToClass(classOptions, args, lazyStart);
}
