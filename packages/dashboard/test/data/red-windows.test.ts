import { histogramQuantile } from '@otelkit/dashboard';
import { type CollectionLike, redWindow, SnapshotHistory, snapshotOf } from '../../src/data/red-windows';

const B = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** A histogram point of `values` (seconds), as sdk-metrics reports it (cumulative). */
function point(attributes: Record<string, unknown>, values: number[], startSeconds = 0) {
  const counts = new Array(B.length + 1).fill(0);
  for (const v of values) {
    const i = B.findIndex((b) => v <= b);
    counts[i === -1 ? B.length : i]++;
  }
  return {
    startTime: [startSeconds, 0] as [number, number],
    attributes,
    value: {
      count: values.length,
      sum: values.reduce((a, b) => a + b, 0),
      min: Math.min(...values),
      max: Math.max(...values),
      buckets: { boundaries: B, counts },
    },
  };
}

function collection(
  points: ReturnType<typeof point>[],
  name = 'http.server.request.duration',
): CollectionLike {
  return { resourceMetrics: { scopeMetrics: [{ metrics: [{ descriptor: { name }, dataPoints: points }] }] } };
}

const route = (r: string, status = 200) => ({
  'http.route': r,
  'http.request.method': 'GET',
  'http.response.status_code': status,
});

describe('histogramQuantile', () => {
  it('interpolates inside the bucket, narrowed to min/max at the edges', () => {
    const counts = [0, 0, 0, 0, 0, 50, 50, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(histogramQuantile(0.5, B, counts, 0.08, 0.2)).toBeCloseTo(0.1, 5);
    expect(histogramQuantile(0.75, B, counts, 0.08, 0.2)).toBeCloseTo(0.15, 5);
    expect(histogramQuantile(0.25, B, counts)).toBeCloseTo(0.0875, 5);
    expect(histogramQuantile(0.5, B, new Array(15).fill(0))).toBeNull();
  });

  it('reads one full bucket from its mean: one outlier does not drag the p95', () => {
    // 99 requests at ~101-105 ms and one at 200 ms: all in (0.1, 0.25].
    const values = [...Array.from({ length: 99 }, (_, i) => 0.101 + (i % 5) / 1000), 0.2];
    const p = point(route('/slow'), values);
    const { counts } = p.value.buckets;
    const p95 = histogramQuantile(0.95, B, counts, p.value.min, p.value.max, p.value.sum)!;
    expect(p95).toBeGreaterThan(0.1);
    expect(p95).toBeLessThan(0.13);
    // Linear up to the max would have said ~0.195 s.
    expect(histogramQuantile(0.95, B, counts, p.value.min, p.value.max)!).toBeGreaterThan(0.19);
    expect(histogramQuantile(1, B, counts, p.value.min, p.value.max, p.value.sum)).toBeCloseTo(0.2, 5);
  });
});

describe('red windows', () => {
  it('differences the snapshots: a window holds only what happened inside it', () => {
    const h = new SnapshotHistory();
    const t0 = 1_000_000_000;
    const first = snapshotOf(collection([point(route('/a'), Array(100).fill(0.002))]), t0);
    h.add(first);
    const later = snapshotOf(
      collection([
        point(route('/a'), [...Array(100).fill(0.002), ...Array(20).fill(0.3)]),
        point(route('/a', 500), [0.01, 0.01]),
      ]),
      t0 + 10_000,
    );
    h.add(later);
    const w = redWindow(h, later, '10s', 20);
    expect(w.coveredMillis).toBe(10_000);
    expect(w.routes).toHaveLength(1);
    expect(w.routes[0]).toMatchObject({ name: 'GET /a', count: 22, rate: 2.2 });
    expect(w.routes[0]!.errorPct).toBeCloseTo((2 / 22) * 100, 5);
    expect(w.flow).toEqual([0, 20, 0, 0, 2]);
    expect(w.routes[0]!.p95).toBeGreaterThan(0.25);
  });

  it('falls back to the series start when no snapshot is old enough, and says what it covers', () => {
    const h = new SnapshotHistory();
    const now = 2_000_000_000;
    const s = snapshotOf(collection([point(route('/a'), [0.001, 0.002], now / 1000 - 30)]), now, 0);
    h.add(s);
    expect(redWindow(h, s, '1m', 20)).toMatchObject({ coveredMillis: 30_000, total: { count: 2 } });
    // Started before the window: the oldest snapshot is not older than now — cumulative since start.
    const s2 = snapshotOf(collection([point(route('/a'), [0.001], now / 1000 - 3600)]), now, 0);
    const h2 = new SnapshotHistory();
    h2.add(s2);
    expect(redWindow(h2, s2, '10s', 20).coveredMillis).toBe(3_600_000);
  });

  it("reads point start times on the SDK's clock: a wall clock stepped 14.5 s ahead does not empty the window", () => {
    // Seen in CI: NTP stepped the VM's clock while a test ran; the SDK stamps start times from its
    // time origin + monotonic time, so they lagged Date.now() by 14.5 s and every series looked
    // older than the 10 s window (the routes table came out empty).
    const now = 2_000_000_000;
    const skew = 14_500;
    const started = (now - skew) / 1000 - 3; // 3 s ago on the SDK's clock
    const s = snapshotOf(collection([point(route('/a'), [0.001, 0.002], started)]), now, skew);
    expect(s.start).toBeCloseTo(now - 3000, 3);
    const h = new SnapshotHistory();
    h.add(s);
    expect(redWindow(h, s, '10s', 20)).toMatchObject({ coveredMillis: 3000, total: { count: 2 } });
    // without the skew the same series would seem to have started 17.5 s ago
    expect(snapshotOf(collection([point(route('/a'), [0.001], started)]), now, 0).start).toBeCloseTo(
      now - 17_500,
      3,
    );
  });

  it('keeps the top N by count and folds the rest into one overflow row', () => {
    const h = new SnapshotHistory();
    const points = Array.from({ length: 8 }, (_, i) => point(route(`/r${i}`), Array(i + 1).fill(0.001)));
    const s = snapshotOf(collection(points), Date.now());
    h.add(s);
    const w = redWindow(h, s, '15m', 3);
    expect(w.routes.map((r) => [r.name, r.count])).toEqual([
      ['GET /r7', 8],
      ['GET /r6', 7],
      ['GET /r5', 6],
      ['5 more', 15],
    ]);
    expect(w.routesHidden).toBe(5);
  });

  it('reads @monitored methods by class and method, errors by outcome', () => {
    const s = snapshotOf(
      collection(
        [
          point({ class: 'Orders', method: 'create', outcome: 'ok' }, [0.01, 0.02]),
          point({ class: 'Orders', method: 'create', outcome: 'error', 'error.type': 'Error' }, [0.03]),
        ],
        'otelkit.method.duration',
      ),
      Date.now(),
    );
    const h = new SnapshotHistory();
    h.add(s);
    const w = redWindow(h, s, '1m', 20);
    expect(w.methods).toHaveLength(1);
    expect(w.methods[0]).toMatchObject({ name: 'Orders.create', count: 3 });
    expect(w.methods[0]!.errorPct).toBeCloseTo(33.333, 2);
    expect(w.routes).toEqual([]);
  });

  it('forgets snapshots no window needs', () => {
    const h = new SnapshotHistory();
    const t0 = 5_000_000_000;
    for (let i = 0; i <= 1200; i++) h.add(snapshotOf(collection([]), t0 + i * 1000));
    expect(h.points().length).toBeLessThanOrEqual(12);
    expect(h.size).toBeLessThanOrEqual(12 + 13 + 65);
    expect(h.at(t0 + 1200_000 - 60_000)!.t).toBeGreaterThanOrEqual(t0 + 1200_000 - 65_000);
    expect(h.oldest()!.t).toBeGreaterThanOrEqual(t0 + 1200_000 - 960_000);
    expect(h.at(t0 + 1200_000 - 900_000)!.t).toBeLessThanOrEqual(t0 + 1200_000 - 900_000 + 500);
  });
});
