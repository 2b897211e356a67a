import { decoratorMode } from '@otelkit/config';

// TC39 standard decorators (this file is compiled without experimentalDecorators).
const seen: unknown[][] = [];
function record(...args: unknown[]): void {
  seen.push(args);
}

@record
class Decorated {
  @record
  method(): void {}

  @record
  static staticMethod(): void {}

  @record
  get value(): number {
    return 1;
  }

  @record
  field = 1;
}

describe('decoratorMode under TC39 standard decorators', () => {
  it('tells every real decorator call "standard"', () => {
    expect(new Decorated().field).toBe(1);
    expect(seen.length).toBe(5);
    expect(seen.map((args) => decoratorMode(args))).toEqual(Array(5).fill('standard'));
  });

  it('is not fooled by an options object with a kind', () => {
    expect(decoratorMode([() => undefined, { kind: 'method', name: 'x' }])).toBeUndefined();
    expect(decoratorMode([{ kind: 'method' }])).toBeUndefined();
  });

  it('tells the legacy call shapes and non-decorator calls apart', () => {
    class Target {}
    expect(decoratorMode([Target])).toBe('legacy');
    expect(decoratorMode([Target.prototype, 'm', { value: () => 1 }])).toBe('legacy');
    expect(decoratorMode([Target.prototype, Symbol('m'), undefined])).toBe('legacy');
    expect(decoratorMode([])).toBeUndefined();
    expect(decoratorMode([{ name: 'options' }])).toBeUndefined();
    expect(decoratorMode([Target.prototype, 3, {}])).toBeUndefined();
  });
});
