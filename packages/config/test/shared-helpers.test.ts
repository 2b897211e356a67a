import { checkInteger, parseDuration, settleWithin } from '@otelkit/config';

/** Timers that are alive now (ref'ed or not), as Node reports them. */
function timerCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe('parseDuration with a field name', () => {
  it('reads weeks, as the resource packages did', () => {
    expect(parseDuration('2w')).toBe(1_209_600_000);
  });

  it('rounds to whole milliseconds', () => {
    expect(parseDuration('1.5ms')).toBe(2);
    expect(parseDuration(0.4)).toBe(0);
  });

  it('names the field, what is allowed and the value given', () => {
    expect(() => parseDuration('10 parsecs', 'ms', 'anomaly.trainingPeriod')).toThrow(
      `anomaly.trainingPeriod must be a duration such as '500ms', '10s', '5m', '1h', '7d', '2w' or a number of milliseconds, got "10 parsecs"`,
    );
    expect(() => parseDuration(-1, 'ms', 'rules[0].forMillis')).toThrow(
      'rules[0].forMillis must be a non-negative number of milliseconds, got -1',
    );
    expect(() => parseDuration({ minutes: 5 }, 's', 'window')).toThrow(
      /window must be a duration .* seconds, got \{"minutes":5\}/,
    );
  });
});

describe('checkInteger', () => {
  it('returns integers in range and the default for undefined', () => {
    expect(checkInteger(5, 'x', { min: 1, max: 10 })).toBe(5);
    expect(checkInteger(undefined, 'x', { min: 1, max: 10, default: 7 })).toBe(7);
    expect(checkInteger(0, 'x', { min: 0 })).toBe(0);
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null, 0, 11])('rejects %p', (value) => {
    expect(() => checkInteger(value, 'opts.size', { min: 1, max: 10, default: 2 })).toThrow(
      /^opts\.size must be an integer from 1 to 10, got /,
    );
  });

  it('rejects undefined when there is no default', () => {
    expect(() => checkInteger(undefined, 'opts.size', { min: 1 })).toThrow(
      'opts.size must be a positive integer, got undefined',
    );
  });

  it('says what is allowed when there is no upper bound', () => {
    expect(() => checkInteger(-1, 'retries', { min: 0 })).toThrow('retries must be an integer >= 0, got -1');
    expect(() => checkInteger('2', 'limit', { min: 1 })).toThrow('limit must be a positive integer, got "2"');
  });
});

describe('settleWithin', () => {
  it('resolves with the value when the work finishes in time', async () => {
    const pending = settleWithin(
      new Promise<string>((resolve) => setImmediate(() => resolve('done'))),
      60_000,
    );
    await expect(pending).resolves.toEqual({ status: 'fulfilled', value: 'done' });
  });

  it('adds no active handle while it waits (its timer is unref()ed)', async () => {
    const before = timerCount();
    // control: a ref'ed timer is what process.getActiveResourcesInfo() reports
    const control = setTimeout(() => undefined, 60_000);
    expect(timerCount()).toBe(before + 1);
    clearTimeout(control);
    let finish!: () => void;
    const pending = settleWithin(
      new Promise<void>((resolve) => {
        finish = resolve;
      }),
      60_000,
    );
    expect(timerCount()).toBe(before);
    finish();
    await pending;
    expect(timerCount()).toBe(before);
  });

  it('clears its timer as soon as the work settles', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      let finish!: (v: number) => void;
      const pending = settleWithin(
        new Promise<number>((resolve) => {
          finish = resolve;
        }),
        60_000,
      );
      expect(jest.getTimerCount()).toBe(1);
      finish(3);
      await expect(pending).resolves.toEqual({ status: 'fulfilled', value: 3 });
      expect(jest.getTimerCount()).toBe(0);
      const failing = settleWithin(Promise.reject(new Error('x')), 60_000);
      await failing;
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('resolves with the reason when the work rejects, and never rejects itself', async () => {
    const err = new Error('boom');
    await expect(settleWithin(Promise.reject(err), 60_000)).resolves.toEqual({
      status: 'rejected',
      reason: err,
    });
  });

  it('times out after the budget, not before', async () => {
    const started = performance.now();
    const r = await settleWithin(new Promise(() => undefined), 80);
    const took = performance.now() - started;
    expect(r).toEqual({ status: 'timedOut' });
    expect(took).toBeGreaterThanOrEqual(75);
    expect(took).toBeLessThan(1000);
  });

  it('observes a rejection that comes after the timeout (no unhandled rejection)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let fail!: (e: Error) => void;
      const late = new Promise((_, reject) => {
        fail = reject;
      });
      await expect(settleWithin(late, 5)).resolves.toEqual({ status: 'timedOut' });
      fail(new Error('late'));
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reports work that has already settled even with no time left', async () => {
    await expect(settleWithin(Promise.resolve(1), 0)).resolves.toEqual({ status: 'fulfilled', value: 1 });
    await expect(settleWithin(2, -5)).resolves.toEqual({ status: 'fulfilled', value: 2 });
    await expect(settleWithin(new Promise(() => undefined), Number.NaN)).resolves.toEqual({
      status: 'timedOut',
    });
  });

  it('waits for a budget beyond the timer range instead of firing at once', async () => {
    const r = settleWithin(
      new Promise((resolve) => setTimeout(() => resolve('slow'), 30)),
      Number.POSITIVE_INFINITY,
    );
    await expect(r).resolves.toEqual({ status: 'fulfilled', value: 'slow' });
  });
});

describe('settleWithin keeps no process alive', () => {
  it('lets a process exit while it waits on work that never settles', async () => {
    const { spawnSync } = await import('node:child_process');
    const path = await import('node:path');
    // the helper's source in a fresh process: a ref'ed timer would keep it alive for 60 s
    const source = path.join(__dirname, '..', 'src', 'settle-within.ts');
    const script = `
      const ts = require('typescript');
      const src = require('node:fs').readFileSync(${JSON.stringify(source)}, 'utf8');
      const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
      const m = { exports: {} };
      new Function('exports', 'module', js)(m.exports, m);
      m.exports.settleWithin(new Promise(() => {}), 60000).then(() => console.log('settled'));
    `;
    const started = Date.now();
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.error).toBeUndefined();
    expect(child.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(child.stdout).not.toContain('settled');
  }, 60_000);
});
