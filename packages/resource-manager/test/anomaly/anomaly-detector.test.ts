import { type AlertEvent, ResourceMonitor } from '@otelkit/resource-monitor';
import { AnomalyDetector, ResourceManager, ResourceTypeMonitor } from '../../src/index';
import { makeSeries, type Score, score } from './synthetic';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

function run(
  values: number[],
  options: { sensitivity?: number; seasonLength?: number; training?: number } = {},
): boolean[] {
  const d = new AnomalyDetector();
  // One point a minute; the first `training` points fall in the training period.
  d.configure({
    resourceId: 'r',
    metric: 'm',
    sensitivity: options.sensitivity ?? 0.8,
    trainingPeriod: (options.training ?? 300) * 60_000 - 1,
    ...(options.seasonLength ? { seasonLength: options.seasonLength } : {}),
  });
  const t0 = Date.UTC(2026, 0, 1);
  return values.map((v, i) => d.observe('r', 'm', v, t0 + i * 60_000)?.anomalous ?? false);
}

function total(scores: Score[]) {
  const sum = (f: (s: Score) => number) => scores.reduce((a, s) => a + f(s), 0);
  const events = sum((s) => s.events);
  const alarms = sum((s) => s.alarms);
  const falseAlarms = sum((s) => s.falseAlarms);
  const kinds = ['spike', 'level_shift', 'leak'] as const;
  return {
    events,
    detected: sum((s) => s.detected),
    alarms,
    falseAlarms,
    precision: alarms === 0 ? 1 : (alarms - falseAlarms) / alarms,
    recall: sum((s) => s.detected) / events,
    recallByKind: Object.fromEntries(
      kinds.map((k) => [
        k,
        sum((s) => s.byKind[k].detected) /
          Math.max(
            1,
            sum((s) => s.byKind[k].events),
          ),
      ]),
    ) as Record<(typeof kinds)[number], number>,
  };
}

function print(title: string, t: ReturnType<typeof total>) {
  process.stdout.write(
    `${title}: precision ${t.precision.toFixed(3)}, recall ${t.recall.toFixed(3)} ` +
      `(events ${t.events}, detected ${t.detected}, alarms ${t.alarms}, false ${t.falseAlarms}; ` +
      `recall spike ${t.recallByKind.spike.toFixed(2)}, level shift ${t.recallByKind.level_shift.toFixed(2)}, leak ${t.recallByKind.leak.toFixed(2)})\n`,
  );
}

describe('AnomalyDetector on synthetic series', () => {
  it('finds spikes, level shifts and slow leaks with high precision and recall (sensitivity 0.8)', () => {
    const t = total(
      SEEDS.map((seed) => {
        const s = makeSeries(seed);
        return score(run(s.values), s.events);
      }),
    );
    print('flat series, sensitivity 0.8', t);
    expect(t.events).toBeGreaterThanOrEqual(60);
    expect(t.precision).toBeGreaterThanOrEqual(0.9);
    expect(t.recall).toBeGreaterThanOrEqual(0.9);
    expect(t.recallByKind.leak).toBeGreaterThanOrEqual(0.8);
  });

  it('with seasonLength, a daily cycle 5x the noise is not flagged and anomalies are still found', () => {
    const opts = { season: 100, amplitude: 5, training: 400 };
    const seasonal = total(
      SEEDS.map((seed) => {
        const s = makeSeries(seed, opts);
        return score(run(s.values, { seasonLength: 100, training: 400 }), s.events);
      }),
    );
    const naive = total(
      SEEDS.map((seed) => {
        const s = makeSeries(seed, opts);
        return score(run(s.values, { training: 400 }), s.events);
      }),
    );
    print('seasonal series, seasonLength 100', seasonal);
    print('seasonal series, no seasonLength ', naive);
    expect(seasonal.precision).toBeGreaterThanOrEqual(0.75);
    expect(seasonal.recall).toBeGreaterThanOrEqual(0.8);
    expect(seasonal.precision).toBeGreaterThan(naive.precision);
  });

  it('noise alone raises (almost) no alarm, and nothing is flagged during the training period', () => {
    let alarms = 0;
    for (const seed of SEEDS) {
      const s = makeSeries(seed, { length: 3000, training: 3000 }); // no events injected
      expect(s.events).toHaveLength(0);
      alarms += score(run(s.values, { training: 100 }), []).alarms;
      expect(run(s.values, { training: 3000 }).some(Boolean)).toBe(false);
    }
    process.stdout.write(`pure noise: ${alarms} alarms over ${SEEDS.length * 2900} points\n`);
    expect(alarms).toBeLessThanOrEqual(2);
  });

  it('higher sensitivity flags more', () => {
    const s = makeSeries(11);
    const low = run(s.values, { sensitivity: 0.3 }).filter(Boolean).length;
    const high = run(s.values, { sensitivity: 1 }).filter(Boolean).length;
    expect(high).toBeGreaterThan(low);
  });

  it('rejects bad options naming the field', () => {
    const d = new AnomalyDetector();
    expect(() => d.configure({ resourceId: 'r', metric: 'm', sensitivity: 2 })).toThrow(
      /sensitivity must be a number from 0 to 1/,
    );
    expect(() => d.configure({ resourceId: 'r', metric: 'm', trainingPeriod: '7 days' })).toThrow(
      /trainingPeriod must be a duration/,
    );
    expect(() => d.configure({ resourceId: '', metric: 'm' })).toThrow(/resourceId/);
    expect(() => new AnomalyDetector({ windowSize: 2 })).toThrow(/windowSize must be an integer from 8/);
  });
});

describe('anomaly alerts through the manager', () => {
  it('a spike in a resource metric fires one anomaly alert with a score through the monitor, then resolves', async () => {
    const monitor = new ResourceMonitor({ intervalMillis: 60_000, hostMetricGroups: false });
    const manager = new ResourceManager({ monitor, intervalMillis: 60_000 });
    let value = 0;
    class Q extends ResourceTypeMonitor {
      constructor(m: ResourceManager) {
        super(m, { resourceType: 'q' });
      }
      setupMetrics() {
        this.addMetric({ name: 'depth', type: 'gauge' });
      }
      collectMetrics() {
        this.updateMetric('depth', value);
      }
    }
    manager.registerTypeMonitor(new Q(manager));
    manager.register({ id: 'jobs', type: 'q', resource: {} });
    manager.setAnomalyDetector(new AnomalyDetector({ minPoints: 20, resolveAfter: 3 }));
    manager.configureAnomalyDetection({
      resourceId: 'jobs',
      metric: 'depth',
      sensitivity: 0.8,
      trainingPeriod: 0,
    });
    const events: AlertEvent[] = [];
    monitor.onAlert((e) => {
      events.push(e);
    });
    const series = makeSeries(42, { length: 60, training: 60 }).values;
    for (let i = 0; i < 60; i++) {
      value = i === 45 ? series[i]! + 15 : series[i]!;
      await manager.collectNow();
    }
    await monitor.flushAlerts();
    const firing = events.filter((e) => e.source === 'anomaly' && e.state === 'firing');
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ alert: 'jobs/depth:anomaly', resourceId: 'jobs', metric: 'depth' });
    expect(Number(firing[0]!.details?.score)).toBeGreaterThanOrEqual(1);
    expect(events.filter((e) => e.source === 'anomaly' && e.state === 'resolved')).toHaveLength(1);
    expect(manager.getCounters().anomalies).toBe(1);
    await manager.shutdown();
    await monitor.shutdown();
  });
});
