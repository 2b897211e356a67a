// `@monitor.onThresholdExceeded` under TC39 standard decorators (this file is compiled without
// experimentalDecorators; threshold-decorator.legacy.test.ts covers the other mode).
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { MAX_THRESHOLD_BINDINGS } from '../../src/alerts/threshold-bindings';
import { ResourceMonitor } from '../../src/resource-monitor';
import type { ThresholdHandlerInfo } from '../../src/types';
import { collectGarbageUntil } from '../gc';

type Call = [self: unknown, metric: string, value: number, threshold: number, state: string];

describe('@monitor.onThresholdExceeded (TC39 standard decorators)', () => {
  let monitor: ResourceMonitor;
  beforeEach(() => {
    monitor = new ResourceMonitor({ interval: 60 });
    monitor.setThreshold('error_rate', 0.05);
  });
  afterEach(() => monitor.shutdown());

  it('leaves the method as it was and calls it on every constructed instance', async () => {
    const calls: Call[] = [];
    class Notifier {
      constructor(readonly id: string) {}
      @monitor.onThresholdExceeded
      notify(metric: string, value: number, threshold: number, info: ThresholdHandlerInfo): void {
        calls.push([this.id, metric, value, threshold, info.state]);
      }
    }
    const a = new Notifier('a');
    const b = new Notifier('b');
    expect(typeof Notifier.prototype.notify).toBe('function');
    expect(Notifier.prototype.notify.name).toBe('notify');
    // Still callable as a plain method.
    a.notify('direct', 1, 2, {} as ThresholdHandlerInfo);
    expect(calls).toEqual([['a', 'direct', 1, 2, undefined]]);
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
    expect([a.id, b.id]).toEqual(['a', 'b']);
  });

  it('runs the seed example: an async decorated handler that awaits a method of its instance', async () => {
    const lines: string[] = [];
    class TaskMonitor {
      constructor(readonly taskId: string) {}
      async notifyAdmin(text: string): Promise<void> {
        await new Promise((r) => setTimeout(r, 1));
        lines.push(text);
      }
      @monitor.onThresholdExceeded
      async handleTaskAlert(metric: string, value: number, threshold: number): Promise<void> {
        await this.notifyAdmin(`Task ${this.taskId} ${metric} exceeded threshold (${value} > ${threshold})`);
      }
    }
    const task = new TaskMonitor('t1');
    monitor.setThreshold('task_memory', 100);
    monitor.recordMetrics({ task_memory: 150, task_cpu: 5 });
    await monitor.flushAlerts();
    expect(lines).toEqual(['Task t1 task_memory exceeded threshold (150 > 100)']);
    expect(task.taskId).toBe('t1');
  });

  it('calls a static method with this = its class, and a private method on its instance', async () => {
    const seen: unknown[] = [];
    class Handlers {
      @monitor.onThresholdExceeded
      static onClass(metric: string): void {
        // biome-ignore lint/complexity/noThisInStatic: what `this` is in a static handler is the point of this test
        seen.push([this, metric]);
      }
      @monitor.onThresholdExceeded
      #onInstance(metric: string): void {
        seen.push([this, metric]);
      }
      peek(): string {
        return typeof this.#onInstance;
      }
    }
    const h = new Handlers();
    expect(h.peek()).toBe('function');
    monitor.recordMetric('error_rate', 0.5);
    await monitor.flushAlerts();
    expect(seen).toHaveLength(2);
    expect(seen).toContainEqual([Handlers, 'error_rate']);
    expect(seen).toContainEqual([h, 'error_rate']);
  });

  it('calls the decorated method once per instance of a subclass, even when the subclass overrides it', async () => {
    const calls: string[] = [];
    class Base {
      @monitor.onThresholdExceeded
      onAlert(metric: string): void {
        calls.push(`base:${this.constructor.name}:${metric}`);
      }
    }
    class Sub extends Base {
      override onAlert(metric: string): void {
        calls.push(`sub:${metric}`);
      }
    }
    const sub = new Sub();
    monitor.recordMetric('error_rate', 0.5);
    await monitor.flushAlerts();
    // The decorated function is the subscription; the override is not decorated.
    expect(calls).toEqual(['base:Sub:error_rate']);
    sub.onAlert('direct');
    expect(calls).toEqual(['base:Sub:error_rate', 'sub:direct']);
  });

  it('keeps the callback form: a function subscribes and the returned function unsubscribes', async () => {
    const calls: number[] = [];
    const off = monitor.onThresholdExceeded((_m, value) => {
      calls.push(value);
    });
    expect(typeof off).toBe('function');
    monitor.recordMetric('error_rate', 0.5);
    await monitor.flushAlerts();
    off();
    monitor.recordMetric('error_rate', 0.01);
    monitor.recordMetric('error_rate', 0.6);
    await monitor.flushAlerts();
    expect(calls).toEqual([0.5]);
  });

  it('works when the monitor method is taken off the monitor (it is bound)', async () => {
    const { onThresholdExceeded } = monitor;
    const calls: number[] = [];
    onThresholdExceeded((_m, value) => {
      calls.push(value);
    });
    monitor.recordMetric('error_rate', 0.5);
    await monitor.flushAlerts();
    expect(calls).toEqual([0.5]);
  });

  it('bindThresholdHandlers(instance) returns a function that unsubscribes that instance only', async () => {
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
    const offA = monitor.bindThresholdHandlers(a);
    // Idempotent: binding again adds no second call.
    monitor.bindThresholdHandlers(b);
    offA();
    monitor.recordMetric('error_rate', 0.5);
    await monitor.flushAlerts();
    expect(calls).toEqual(['b:error_rate']);
    expect(() => monitor.bindThresholdHandlers({})).toThrow(
      'ResourceMonitor: bindThresholdHandlers: Object has no method decorated with @onThresholdExceeded of this monitor',
    );
  });

  it('a throwing decorated method is counted and the other handlers still run', async () => {
    const calls: string[] = [];
    class Bad {
      @monitor.onThresholdExceeded
      boom(): void {
        throw new Error('handler bug');
      }
    }
    class Good {
      @monitor.onThresholdExceeded
      ok(metric: string): void {
        calls.push(metric);
      }
    }
    const bad = new Bad();
    const good = new Good();
    monitor.recordMetric('error_rate', 0.5);
    await monitor.flushAlerts();
    expect(calls).toEqual(['error_rate']);
    expect(monitor.getCounters().handlerErrors).toBe(1);
    expect([bad, good]).toHaveLength(2);
  });

  it('does not call decorated methods for manual alerts', async () => {
    const calls: string[] = [];
    class Notifier {
      @monitor.onThresholdExceeded
      notify(metric: string): void {
        calls.push(metric);
      }
    }
    const n = new Notifier();
    monitor.alert('High error rate detected');
    await monitor.flushAlerts();
    expect(calls).toEqual([]);
    expect(n).toBeInstanceOf(Notifier);
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

  it('rejects a decorated field, getter or class with an error naming what to write instead', () => {
    // Cast: the types already refuse these; the run-time check is for JavaScript and casts.
    const decorate = monitor.onThresholdExceeded as unknown as (
      value: unknown,
      context: DecoratorContext,
    ) => void;
    expect(() => {
      class WithField {
        @decorate
        handler = () => undefined;
      }
      return WithField;
    }).toThrow(
      'ResourceMonitor: @onThresholdExceeded decorates methods, got a field (handler); subscribe a function with monitor.onThresholdExceeded(fn)',
    );
    expect(() => {
      class WithGetter {
        @decorate
        get handler() {
          return 1;
        }
      }
      return WithGetter;
    }).toThrow('@onThresholdExceeded decorates methods, got a getter (handler)');
    expect(() => {
      @decorate
      class Decorated {}
      return Decorated;
    }).toThrow('@onThresholdExceeded decorates methods, got a class (Decorated)');
    expect(() => monitor.onThresholdExceeded('nope' as never)).toThrow(
      'ResourceMonitor: onThresholdExceeded needs a handler function (or decorates a method)',
    );
  });
});

describe('lifetime of decorated instances', () => {
  it('never keeps an instance alive: instances nobody references are collected and get no calls', async () => {
    const monitor = new ResourceMonitor({ interval: 60 });
    monitor.setThreshold('error_rate', 0.05);
    let collectedCalls = 0;
    const liveCalls: string[] = [];
    class Notifier {
      constructor(readonly live: boolean) {}
      @monitor.onThresholdExceeded
      notify(metric: string): void {
        if (this.live) liveCalls.push(metric);
        else collectedCalls++;
      }
    }
    const kept = new Notifier(true);
    const refs: WeakRef<Notifier>[] = [];
    (() => {
      for (let i = 0; i < 10; i++) refs.push(new WeakRef(new Notifier(false)));
    })();
    await collectGarbageUntil(() => refs.every((r) => r.deref() === undefined));

    monitor.recordMetric('error_rate', 0.5);
    await monitor.flushAlerts();
    expect(collectedCalls).toBe(0);
    expect(liveCalls).toEqual(['error_rate']);
    expect(kept.live).toBe(true);
    await monitor.shutdown();
  });

  it(`subscribes at most MAX_THRESHOLD_BINDINGS (${MAX_THRESHOLD_BINDINGS}) live instances, counts the rest, and frees slots of collected ones`, async () => {
    const warnings: string[] = [];
    diag.setLogger(
      {
        error: () => undefined,
        warn: (m: string) => warnings.push(m),
        info: () => undefined,
        debug: () => undefined,
        verbose: () => undefined,
      },
      DiagLogLevel.WARN,
    );
    const monitor = new ResourceMonitor({ interval: 60, maxPendingHandlerCalls: 10_000 });
    try {
      monitor.setThreshold('error_rate', 0.05);
      let calls = 0;
      class Notifier {
        @monitor.onThresholdExceeded
        notify(): void {
          calls++;
        }
      }
      // The instances are touched only in these synchronous closures: a suspended async function
      // can keep a stale reference to a value it handled, which would keep that instance alive.
      let finalized = 0;
      const registry = new FinalizationRegistry(() => {
        finalized++;
      });
      const pool = (() => {
        let live: Notifier[] = [];
        for (let i = 0; i < MAX_THRESHOLD_BINDINGS; i++) live.push(new Notifier());
        return {
          unbindFirst: () => monitor.bindThresholdHandlers(live[0] as Notifier)(),
          drop: () => {
            for (const n of live) registry.register(n, undefined);
            live = [];
          },
        };
      })();
      const extra = new Notifier();
      expect(monitor.getCounters().handlerBindingsDropped).toBe(1);
      expect(warnings.filter((w) => w.includes('handlerBindingsDropped'))).toHaveLength(1);

      monitor.recordMetric('error_rate', 0.5);
      await monitor.flushAlerts();
      expect(calls).toBe(MAX_THRESHOLD_BINDINGS);

      // Explicitly unbinding one frees its slot at once.
      pool.unbindFirst();
      monitor.bindThresholdHandlers(extra);
      expect(monitor.getCounters().handlerBindingsDropped).toBe(1);

      // Dropping the others frees their slots once they are collected (FinalizationRegistry).
      pool.drop();
      // Cleanup callbacks run as tasks after the collection: ours (registered after the monitor's)
      // having run for every instance, one more turn lets the monitor's run too.
      await collectGarbageUntil(() => finalized === MAX_THRESHOLD_BINDINGS);
      await new Promise((r) => setTimeout(r, 20));
      const more: Notifier[] = [];
      for (let i = 0; i < 10; i++) more.push(new Notifier());
      expect(monitor.getCounters().handlerBindingsDropped).toBe(1);

      calls = 0;
      monitor.recordMetric('error_rate', 0.01);
      await monitor.flushAlerts();
      expect(calls).toBe(1 + more.length);
    } finally {
      diag.disable();
      await monitor.shutdown();
    }
  });
});
