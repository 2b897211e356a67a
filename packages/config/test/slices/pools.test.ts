import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ConfigError,
  DEFAULT_POOLS,
  DISCOVERABLE_RESOURCE_KINDS,
  formatSummary,
  loadConfig,
  normalizePools,
  RESOURCE_KINDS,
} from '@otelkit/config';

const load = (config: Record<string, unknown>, env: Record<string, string> = {}) =>
  loadConfig({ config: config as never, env, file: false });

function issuesOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map(({ path, message }) => ({ path, message }));
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('the pools slice', () => {
  it('is off by default, with the resource manager defaults in one place', () => {
    const c = load({});
    expect(c.pools).toEqual(DEFAULT_POOLS);
    expect(c.pools.enabled).toBe(false);
    expect(c.pools.kinds).toEqual(RESOURCE_KINDS);
    expect(Object.isFrozen(c.pools.thresholds)).toBe(true);
  });

  it('turns on when the section is written (or `pools: true`), unless it says enabled: false', () => {
    expect(load({ pools: true }).pools.enabled).toBe(true);
    expect(load({ pools: { interval: '10s' } }).pools).toMatchObject({
      enabled: true,
      intervalMillis: 10_000,
    });
    expect(load({ pools: { enabled: false, interval: 2 } }).pools).toMatchObject({
      enabled: false,
      intervalMillis: 2000,
    });
  });

  it('reads discovery as true, a list of categories and kinds, or { enabled, kinds }', () => {
    expect(load({ pools: { discovery: true } }).pools.discovery).toEqual({
      enabled: true,
      kinds: DISCOVERABLE_RESOURCE_KINDS,
    });
    expect(load({ pools: { discovery: ['database', 'ioredis'] } }).pools.discovery).toEqual({
      enabled: true,
      kinds: ['pg', 'mysql2', 'ioredis'],
    });
    expect(load({ pools: { discovery: { kinds: ['pool'] } } }).pools.discovery).toEqual({
      enabled: true,
      kinds: ['generic-pool', 'piscina', 'workerpool'],
    });
    expect(load({ pools: { discovery: false } }).pools.discovery).toEqual({ enabled: false, kinds: [] });
  });

  it('normalises per-resource thresholds, anomaly detection and the report window', () => {
    const p = load({
      pools: {
        kinds: ['redis', 'pg'],
        thresholds: [
          { resourceId: 'main-db', metric: 'connection_pool_usage', warning: 0.7, critical: 0.9, for: '30s' },
        ],
        anomalyDetection: {
          windowSize: 60,
          watch: [
            {
              resourceId: 'main-db',
              metric: 'connection_pool_usage',
              sensitivity: 0.9,
              trainingPeriod: '1h',
            },
          ],
        },
        reportWindow: '15m',
      },
    }).pools;
    expect(p.kinds).toEqual(['pg', 'redis']);
    expect(p.thresholds).toEqual([
      {
        resourceId: 'main-db',
        metric: 'connection_pool_usage',
        warning: 0.7,
        critical: 0.9,
        direction: 'above',
        forMillis: 30_000,
        hysteresis: 0,
      },
    ]);
    expect(p.anomalyDetection).toEqual({
      enabled: true,
      windowSize: 60,
      watch: [
        {
          resourceId: 'main-db',
          metric: 'connection_pool_usage',
          sensitivity: 0.9,
          trainingPeriodMillis: 3_600_000,
        },
      ],
    });
    expect(p.reportWindowMillis).toBe(900_000);
  });

  it('reports every problem with its path, what is allowed and a did-you-mean', () => {
    const issues = issuesOf(() =>
      load({
        pools: {
          intervall: 5,
          kinds: ['pg', 'postgres'],
          discovery: ['databases'],
          thresholds: [{ resourceId: 'main db', metric: 'x', warning: 1, critical: 0 }],
          anomalyDetection: { watch: [{ resourceId: 'a', metric: 'b', sensitivity: 2 }] },
        },
      }),
    );
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'pools.intervall',
        'pools.kinds[1]',
        'pools.discovery[0]',
        'pools.thresholds[0].resourceId',
        'pools.thresholds[0].warning',
        'pools.anomalyDetection.watch[0].sensitivity',
      ]),
    );
    expect(issuesOf(() => load({ pools: { interval: 1, intervalMillis: 1000 } }))).toEqual([
      { path: 'pools.interval', message: 'give either interval or intervalMillis, not both' },
    ]);
    expect(issues.find((i) => i.path === 'pools.intervall')?.message).toContain('did you mean "interval"');
    expect(issues.find((i) => i.path === 'pools.discovery[0]')?.message).toContain(
      'database|cache|pool|http',
    );
  });

  // A threshold or a watched series without its resource or metric was let through before (the
  // schema's `req()` fields were made optional like every transform), and applied to "undefined".
  it('names the three forms of discovery when it is none of them', () => {
    expect(issuesOf(() => load({ pools: { discovery: 5 } }))).toEqual([
      {
        path: 'pools.discovery',
        message:
          'expected true/false, a list of categories (database, cache, pool, http) and kinds, or { enabled, kinds }, got 5',
      },
    ]);
  });

  it('requires the resource and the metric of a threshold and of a watched series', () => {
    const issues = issuesOf(() =>
      load({
        pools: {
          thresholds: [
            { metric: 'waiting', warning: 5 },
            { resourceId: 'db', warning: 5 },
          ],
          anomalyDetection: { watch: [{ metric: 'waiting' }] },
        },
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'pools.thresholds[0].resourceId', message: 'expected a value, got nothing' },
        { path: 'pools.thresholds[1].metric', message: 'expected a value, got nothing' },
        { path: 'pools.anomalyDetection.watch[0].resourceId', message: 'expected a value, got nothing' },
      ]),
    );
  });

  it('rejects two thresholds on the same series and watched series with detection off', () => {
    const issues = issuesOf(() =>
      load({
        pools: {
          thresholds: [
            { resourceId: 'db', metric: 'connection_pool_usage', warning: 0.5 },
            { resourceId: 'db', metric: 'connection_pool_usage', critical: 0.9 },
          ],
          anomalyDetection: {
            enabled: false,
            watch: [{ resourceId: 'db', metric: 'connection_pool_usage' }],
          },
        },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(['pools.anomalyDetection.watch', 'pools.thresholds[1]']);
  });

  it('loads from a YAML file, merged under the code layer, and OTEL_SDK_DISABLED turns it off', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-pools-'));
    try {
      const file = path.join(dir, 'otelkit.yaml');
      fs.writeFileSync(file, 'pools:\n  interval: 30s\n  discovery: [cache]\n  reportWindow: 1h\n');
      const c = loadConfig({ file, config: { pools: { reportWindow: null } }, env: {} });
      expect(c.pools).toMatchObject({
        enabled: true,
        intervalMillis: 30_000,
        discovery: { enabled: true, kinds: ['ioredis'] },
        reportWindowMillis: null,
      });
      expect(loadConfig({ file, env: { OTEL_SDK_DISABLED: 'true' } }).pools.enabled).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows what it became in the startup summary', () => {
    expect(formatSummary(load({}))).toContain('  pools      off');
    expect(
      formatSummary(
        load({
          pools: { discovery: ['database'], thresholds: [{ resourceId: 'db', metric: 'm', warning: 1 }] },
        }),
      ),
    ).toContain(
      '  pools      on  every 5s, all kinds, discovery pg,mysql2, 1 threshold, health -> readiness',
    );
  });
});

describe('normalizePools', () => {
  it('returns a slice made by loadConfig as it is (no-op), and the same slice from its own output', () => {
    const slice = load({ pools: { interval: 1, discovery: true } }).pools;
    expect(normalizePools(slice)).toBe(slice);
    const copy = JSON.parse(JSON.stringify(slice));
    const again = normalizePools(copy);
    expect(again).toEqual(slice);
    expect(Object.isFrozen(again)).toBe(true);
    expect(normalizePools(again)).toBe(again);
  });

  it('checks a hand-written slice with the same error text as the config file', () => {
    const fromConfig = issuesOf(() => load({ pools: { historySize: 0, kindz: [] } }));
    const direct = issuesOf(() => normalizePools({ historySize: 0, kindz: [] } as never));
    expect(direct).toEqual(fromConfig);
    expect(direct.map((i) => i.path)).toEqual(['pools.kindz', 'pools.historySize']);
  });
});
