import { diag } from '@opentelemetry/api';
import type { MutableCounters } from '../internal/counters';
import type { ThresholdHandler } from '../types';

/** A method decorated with `@monitor.onThresholdExceeded`, called with `this` = its instance. */
export type BoundMethod = (this: object, ...args: Parameters<ThresholdHandler>) => unknown;

/**
 * Live (instance, method) bindings one monitor keeps. Each is one handler call per alert event,
 * so a decorated method on a per-request class would otherwise grow the fan-out without limit;
 * past it new bindings are dropped and counted (`handlerBindingsDropped`). Equal to the default
 * `maxPendingHandlerCalls`: more bindings than that would overflow the handler queue on every event.
 */
export const MAX_THRESHOLD_BINDINGS = 1000;

interface Binding {
  readonly ref: WeakRef<object>;
  readonly method: BoundMethod;
  unsubscribe: () => void;
  active: boolean;
}

interface LegacyMethod {
  readonly prototype: object;
  readonly method: BoundMethod;
  readonly name: string;
  /** Bound to an instance, or warned about by {@link ThresholdBindings.warnUnbound}. */
  settled: boolean;
}

/**
 * The instances whose decorated methods receive a monitor's threshold events. Instances are held
 * weakly: a binding ends when its instance is garbage-collected (a FinalizationRegistry removes
 * it; an event that finds the instance gone removes it too), on `unbind(instance)`, or never for
 * a static method (its class). So the monitor never keeps an instance alive, and an instance
 * nobody references stops receiving events once it is collected.
 */
export class ThresholdBindings {
  private readonly _byInstance = new WeakMap<object, Map<BoundMethod, Binding>>();
  // Every (instance, method) ever offered to bind(), also when dropped past the limit or unbound
  // since, so that bindAll() can subscribe it again (TC39 initializers run only once).
  private readonly _offered = new WeakMap<object, Map<BoundMethod, string>>();
  private readonly _legacy: LegacyMethod[] = [];
  private readonly _finalizer = new FinalizationRegistry<Binding>((binding) => this._end(binding));
  private _live = 0;
  private _unboundLegacy = 0;
  private _warnedLimit = false;

  constructor(
    private readonly _subscribe: (handler: ThresholdHandler) => () => void,
    private readonly _counters: MutableCounters,
  ) {}

  /** Subscribes `method` with `this` = `instance`. Idempotent per (instance, method). */
  bind(instance: object, method: BoundMethod, name: string): void {
    let offered = this._offered.get(instance);
    if (!offered) {
      offered = new Map();
      this._offered.set(instance, offered);
    }
    offered.set(method, name);
    let methods = this._byInstance.get(instance);
    if (methods?.get(method)?.active) return;
    if (this._live >= MAX_THRESHOLD_BINDINGS) {
      this._counters.handlerBindingsDropped++;
      if (!this._warnedLimit)
        diag.warn(
          `@otelkit/resource-monitor: more than ${MAX_THRESHOLD_BINDINGS} live @onThresholdExceeded instances; ${name} on a new instance is not subscribed (counted in handlerBindingsDropped)`,
        );
      this._warnedLimit = true;
      return;
    }
    // The handler closes over the WeakRef, never over the instance.
    const ref = new WeakRef(instance);
    const binding: Binding = { ref, method, unsubscribe: () => undefined, active: true };
    binding.unsubscribe = this._subscribe((metric, value, threshold, info) => {
      const self = ref.deref();
      if (self === undefined) {
        this._end(binding);
        return;
      }
      return method.call(self, metric, value, threshold, info) as ReturnType<ThresholdHandler>;
    });
    if (!methods) {
      methods = new Map();
      this._byInstance.set(instance, methods);
    }
    methods.set(method, binding);
    this._live++;
    this._finalizer.register(instance, binding, binding);
  }

  /** Remembers an `experimentalDecorators` instance method until {@link bindAll} sees an instance. */
  registerLegacy(prototype: object, method: BoundMethod, name: string): void {
    this._legacy.push({ prototype, method, name, settled: false });
    this._unboundLegacy++;
  }

  /**
   * Binds every decorated method of `instance`: those offered to it before (TC39 initializers,
   * possibly dropped or unbound since) and the legacy ones on its prototype chain. Returns 0 when
   * `instance` has none.
   */
  bindAll(instance: object): number {
    const offered = [...(this._offered.get(instance) ?? [])];
    for (const [method, name] of offered) this.bind(instance, method, name);
    let found = offered.length;
    for (const entry of this._legacy) {
      if (!Object.prototype.isPrototypeOf.call(entry.prototype, instance)) continue;
      found++;
      this.bind(instance, entry.method, entry.name);
      if (!entry.settled) {
        entry.settled = true;
        this._unboundLegacy--;
      }
    }
    return found;
  }

  /** Ends every binding of `instance`. */
  unbind(instance: object): void {
    const methods = this._byInstance.get(instance);
    if (!methods) return;
    for (const binding of methods.values()) this._end(binding);
    this._byInstance.delete(instance);
  }

  /**
   * Warns once per legacy-decorated method that no instance was ever bound to, when an event
   * arrives that it would have received: a silent decorator is the misconfiguration to make loud.
   */
  warnUnbound(): void {
    if (this._unboundLegacy === 0) return;
    for (const entry of this._legacy) {
      if (entry.settled) continue;
      entry.settled = true;
      diag.warn(
        `@otelkit/resource-monitor: @onThresholdExceeded on ${entry.name} (experimentalDecorators) is bound to no instance, so it received nothing; call monitor.bindThresholdHandlers(this) in the constructor`,
      );
    }
    this._unboundLegacy = 0;
  }

  private _end(binding: Binding): void {
    if (!binding.active) return;
    binding.active = false;
    binding.unsubscribe();
    this._finalizer.unregister(binding);
    this._live--;
  }
}
