import { patchInstance } from '../../src/internal/instance-patch';

class Base {
  calls = 0;
  work(n: number): number {
    this.calls++;
    return n * 2;
  }
}

describe('patchInstance', () => {
  it('wraps one object only, and the undo deletes the own property it added', () => {
    const a = new Base();
    const b = new Base();
    const seen: number[] = [];
    const undo = patchInstance(
      a,
      'work',
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          seen.push(args[0] as number);
          return original.apply(this, args);
        },
    );
    expect(a.work(2)).toBe(4);
    expect(b.work(3)).toBe(6);
    expect(seen).toEqual([2]);
    expect(a.calls).toBe(1);
    undo();
    expect(Object.hasOwn(a, 'work')).toBe(false);
    expect(a.work(5)).toBe(10);
    expect(seen).toEqual([2]);
  });

  it('restores an own method the object had, and calls a prototype method patched later', () => {
    const a = new Base();
    const own = function (this: Base, n: number) {
      return n + 1;
    };
    const withOwn = Object.assign(new Base(), { work: own });
    const undoOwn = patchInstance(withOwn, 'work', (original) => original);
    expect(withOwn.work(1)).toBe(2);
    undoOwn();
    expect(withOwn.work).toBe(own);

    const undo = patchInstance(a, 'work', (original) => original);
    const before = Base.prototype.work;
    Base.prototype.work = function (this: Base, n: number) {
      return before.call(this, n) + 100;
    };
    try {
      expect(a.work(1)).toBe(102);
    } finally {
      Base.prototype.work = before;
      undo();
    }
  });

  it('becomes a pass-through when something wrapped on top of it, and throws what the method throws', () => {
    const a = new Base();
    let counted = 0;
    const undo = patchInstance(
      a,
      'work',
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          counted++;
          return original.apply(this, args);
        },
    );
    const ours = a.work;
    a.work = function (this: Base, n: number) {
      return ours.call(this, n) + 1;
    };
    undo();
    expect(a.work(1)).toBe(3);
    expect(counted).toBe(0);

    const failing = {
      run(): never {
        throw new RangeError('boom');
      },
    };
    patchInstance(failing, 'run', (original) => original);
    expect(() => failing.run()).toThrow(RangeError);
  });

  it('leaves frozen objects and missing methods alone', () => {
    const frozen = Object.freeze(new Base());
    const undo = patchInstance(frozen, 'work', (original) => original);
    expect(Object.hasOwn(frozen, 'work')).toBe(false);
    undo();
    expect(patchInstance({}, 'nothing', (o) => o)).toEqual(expect.any(Function));
  });
});
