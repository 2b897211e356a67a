// `@monitor.onThresholdExceeded` under experimentalDecorators (this file is compiled with it, see
// jest.config.js). A legacy method decorator sees the prototype, never an instance, and has no
// per-instance hook: instances subscribe with `monitor.bindThresholdHandlers(this)`.
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { ResourceMonitor } from '../../src/resource-monitor';
import type { ThresholdHandlerInfo } from '../../src/types';

function captureWarnings(): string[] {
  const warnings: string[] = [];
  const noop = () => undefined;
  diag.setLogger(
    { error: noop, warn: (m: string) => warnings.push(m), info: noop, debug: noop, verbose: noop },
    DiagLogLevel.WARN,
  );
  return warnings;
}

describe('@monitor.onThresholdExceeded (experimentalDecorators)', () => {
  let monitor: ResourceMonitor;
  beforeEach(() => {
    monitor = new ResourceMonitor({ interval: 60 });
    monitor.setThreshold('error_rate', 0.05);
  });
  afterEach(async () => {
    diag.disable();
    await monitor.shutdown();
  });

  it('leaves the descriptor untouched (the method stays the method)', () => {
    function original(this: unknown) {
      return 'result';
    }
    const proto = {};
    const descriptor: PropertyDescriptor = {
      value: original,
      writable: true,
      enumerable: false,
      configurable: true,
    };
    const returned = monitor.onThresholdExceeded(
      proto,
      'handle',
      descriptor as TypedPropertyDescriptor<never>,
    );
    expect(returned).toBeUndefined();
    expect(descriptor.value).toBe(original);
  });

  it('calls the method on every instance that binds itself in its constructor', async () => {
    const calls: Array<[string, string, number, number, string]> = [];
    class Notifier {
      constructor(readonly id: string) {
        monitor.bindThresholdHandlers(this);
      }
      @monitor.onThresholdExceeded
      notify(metric: string, value: number, threshold: number, info: ThresholdHandlerInfo): string {
        calls.push([this.id, metric, value, threshold, info.state]);
        return 'kept';
      }
    }
    const a = new Notifier('a');
    const b = new Notifier('b');
    expect(a.notify('direct', 1, 2, { state: 'firing' } as ThresholdHandlerInfo)).toBe('kept');
    calls.length = 0;
    monitor.recordMetric('error_rate', 0.06);
    monitor.recordMetric('error_rate', 0.01);
    await monitor.flushAlerts();
    expect(calls).toEqual([
      ['a', 'error_rate', 0.06, 0.05, 'firing'],
      ['b', 'error_rate', 0.06, 0.05, 'firing'],
      ['a', 'error_rate', 0.01, 0.05, 'resolved'],
      ['b', 'error_rate', 0.01, 0.05, 'resolved'],
    ]);
    expect(b.id).toBe('b');
  });

  it('binding twice is idempotent, and the returned function unsubscribes that instance', async () => {
    const calls: string[] = [];
    class Notifier {
      constructor(readonly id: string) {}
      @monitor.onThresholdExceeded
      notify(metric: string): void {
        calls.push(`${this.id}:${metric}`);
      }
    }
    const a = new Notifier('a');
    const b = new Notifier('b');
    monitor.bindThresholdHandlers(a);
    monitor.bindThresholdHandlers(a);
    const offB = monitor.bindThresholdHandlers(b);
    offB();
    monitor.recordMetric('error_rate', 0.5);
    await monitor.flushAlerts();
    expect(calls).toEqual(['a:error_rate']);
  });

  it('binds methods decorated on a base class to instances of a subclass', async () => {
    const calls: string[] = [];
    class Base {
      constructor() {
        monitor.bindThresholdHandlers(this);
      }
      @monitor.onThresholdExceeded
      onBase(metric: string): void {
        calls.push(`base:${this.constructor.name}:${metric}`);
      }
    }
    class Sub extends Base {
      @monitor.onThresholdExceeded
      onSub(metric: string): void {
        calls.push(`sub:${metric}`);
      }
    }
    const sub = new Sub();
    monitor.recordMetric('error_rate', 0.5);
    await monitor.flushAlerts();
    expect(calls.sort()).toEqual(['base:Sub:error_rate', 'sub:error_rate']);
    expect(sub).toBeInstanceOf(Base);
  });

  it('subscribes a static method at once, with this = its class', async () => {
    const seen: unknown[] = [];
    // biome-ignore lint/complexity/noStaticOnlyClass: a static decorated method is the point of this test
    class Handlers {
      @monitor.onThresholdExceeded
      static onClass(metric: string): void {
        // biome-ignore lint/complexity/noThisInStatic: what `this` is in a static handler is the point of this test
        seen.push([this, metric]);
      }
    }
    monitor.recordMetric('error_rate', 0.5);
    await monitor.flushAlerts();
    expect(seen).toEqual([[Handlers, 'error_rate']]);
  });

  it('warns once when an event arrives and a decorated method was bound to no instance', async () => {
    const warnings = captureWarnings();
    const calls: string[] = [];
    class Forgotten {
      @monitor.onThresholdExceeded
      notify(metric: string): void {
        calls.push(metric);
      }
    }
    const f = new Forgotten();
    monitor.alert('manual alerts do not concern threshold handlers');
    expect(warnings).toEqual([]);
    monitor.recordMetric('error_rate', 0.5);
    monitor.recordMetric('error_rate', 0.01);
    await monitor.flushAlerts();
    expect(calls).toEqual([]);
    expect(warnings).toEqual([
      '@otelkit/resource-monitor: @onThresholdExceeded on Forgotten.notify (experimentalDecorators) is bound to no instance, so it received nothing; call monitor.bindThresholdHandlers(this) in the constructor',
    ]);
    // Binding afterwards works.
    monitor.bindThresholdHandlers(f);
    monitor.recordMetric('error_rate', 0.5);
    await monitor.flushAlerts();
    expect(calls).toEqual(['error_rate']);
  });

  it('refuses, at compile time, a method whose parameters are not (metric, value, threshold, info)', () => {
    class Wrong {
      // @ts-expect-error the first parameter of a threshold handler is the metric name (a string)
      @monitor.onThresholdExceeded
      handle(flag: boolean): boolean {
        return flag;
      }
    }
    expect(new Wrong().handle(true)).toBe(true);
  });

  it('refuses a getter, a field and a class, and an instance with nothing decorated', () => {
    const decorate = monitor.onThresholdExceeded as unknown as (...args: unknown[]) => void;
    expect(() => {
      class WithGetter {
        @decorate
        get handler() {
          return 1;
        }
      }
      return WithGetter;
    }).toThrow(
      'ResourceMonitor: @onThresholdExceeded decorates methods, and WithGetter.handler is not one; subscribe a function with monitor.onThresholdExceeded(fn)',
    );
    expect(() => {
      class WithField {
        @decorate
        handler = 1;
      }
      return WithField;
    }).toThrow('@onThresholdExceeded decorates methods, and WithField.handler is not one');
    expect(() => {
      @decorate
      class Decorated {}
      return Decorated;
    }).toThrow(
      'ResourceMonitor: onThresholdExceeded got a class; @monitor.onThresholdExceeded decorates methods, not classes',
    );
    class Plain {}
    expect(() => monitor.bindThresholdHandlers(new Plain())).toThrow(
      'ResourceMonitor: bindThresholdHandlers: Plain has no method decorated with @onThresholdExceeded of this monitor',
    );
  });

  it('binds only to the monitor whose decorator was used', () => {
    const other = new ResourceMonitor({ interval: 60 });
    class Notifier {
      @monitor.onThresholdExceeded
      notify(): void {}
    }
    expect(() => other.bindThresholdHandlers(new Notifier())).toThrow(/Notifier has no method decorated/);
    return other.shutdown();
  });
});
