import { monitored } from '@otelkit/service';
import { createTestTelemetry, type TestTelemetry } from '@otelkit/testing';

// Issue 14 item 8: @monitored turned a returned custom thenable (a lazy query builder) into a
// native Promise and ran its then() at once, and lost the methods of Promise subclasses.

class QueryPromise<T> extends Promise<T> {
  cancelled = false;
  cancel(): this {
    this.cancelled = true;
    return this;
  }
}

/** A lazy query: nothing runs until someone calls then() (as knex and other builders do). */
class LazyQuery {
  runs = 0;
  where(_clause: string): this {
    return this;
  }
  // biome-ignore lint/suspicious/noThenProperty: a thenable is what this test is about
  then<R1, R2>(onFulfilled?: (v: string[]) => R1, onRejected?: (e: unknown) => R2): Promise<R1 | R2> {
    this.runs++;
    return Promise.resolve(['row']).then(onFulfilled, onRejected);
  }
}

const same = Promise.resolve('same');
const failing = new Error('query failed');

@monitored()
class Repo {
  native(): Promise<string> {
    return same;
  }
  subclass(): QueryPromise<number> {
    return new QueryPromise<number>((resolve) => setTimeout(() => resolve(7), 5));
  }
  lazy(): LazyQuery {
    return new LazyQuery();
  }
  rejects(): Promise<never> {
    return Promise.reject(failing);
  }
}

describe('@monitored returns the value itself', () => {
  let h: TestTelemetry;
  beforeAll(() => {
    h = createTestTelemetry();
  });
  afterEach(() => h.reset());
  afterAll(() => h.shutdown());

  it('returns the very same native promise, and records when it settles', async () => {
    const repo = new Repo();
    const p = repo.native();
    expect(p).toBe(same);
    expect(await p).toBe('same');
    await new Promise((r) => setImmediate(r));
    h.expectSpan('Repo.native').toHaveStatus('UNSET');
    expect(await h.metricValue('otelkit.method.calls', { method: 'native', outcome: 'success' })).toBe(1);
  });

  it('keeps a Promise subclass and its methods', async () => {
    const p = new Repo().subclass();
    expect(p).toBeInstanceOf(QueryPromise);
    expect(p.cancel().cancelled).toBe(true);
    expect(await p).toBe(7);
  });

  it('does not run a lazy thenable: then() runs only when the caller awaits, once', async () => {
    const q = new Repo().lazy();
    expect(q).toBeInstanceOf(LazyQuery);
    expect(q.runs).toBe(0);
    expect(typeof q.where).toBe('function');
    expect(await q.where('id = 1')).toEqual(['row']);
    expect(q.runs).toBe(1);
    await new Promise((r) => setImmediate(r));
    h.expectSpan('Repo.lazy').toExist();
    expect(await h.metricValue('otelkit.method.calls', { method: 'lazy', outcome: 'success' })).toBe(1);
  });

  it('passes the identical rejection through and records it', async () => {
    const p = new Repo().rejects();
    await expect(p).rejects.toBe(failing);
    await new Promise((r) => setImmediate(r));
    h.expectSpan('Repo.rejects').toHaveStatus('ERROR');
  });
});
