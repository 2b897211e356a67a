import { decoratorMode } from '@otelkit/config';

// experimentalDecorators (this file is compiled with tsconfig.legacy.json).
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

describe('decoratorMode under experimentalDecorators', () => {
  it('tells every real decorator call "legacy"', () => {
    expect(new Decorated().field).toBe(1);
    // member decorators run before the class decorator
    expect(seen.length).toBe(5);
    expect(seen.map((args) => decoratorMode(args))).toEqual(Array(5).fill('legacy'));
    expect(seen.at(-1)).toEqual([Decorated]);
  });
});
