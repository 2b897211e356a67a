import fc from 'fast-check';
import { AGGREGATIONS, ConditionParseError, parseByteSize, parseCondition, parseDuration } from '../../src';
import type { ComparisonOperator, ParsedCondition } from '../../src/condition';
import { ExpectedError, MAX_DURATION_MILLIS } from '../../src/duration';

// Property tests (issue 14, the fault suite): the duration and byte-size grammars and the alert
// condition grammar, over generated input. Seeded: a failure prints its seed and path to replay.
const RUNS = { seed: 14_014, numRuns: 400 } as const;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const units = fc.constantFrom(...(Object.keys(UNIT_MS) as (keyof typeof UNIT_MS)[]));
const space = fc.constantFrom('', ' ', '  ', '\t');

describe('parseDuration (property)', () => {
  it('a whole number with a unit is that many milliseconds, or an ExpectedError past what a timer holds', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1e9 }), units, space, space, (n, unit, a, b) => {
        const expected = n * UNIT_MS[unit];
        const text = `${a}${n}${b}${unit}${a}`;
        if (expected <= MAX_DURATION_MILLIS) expect(parseDuration(text)).toBe(expected);
        else expect(() => parseDuration(text)).toThrow(ExpectedError);
      }),
      RUNS,
    );
  });

  it('round-trips: what it returns, written as `<n>ms`, parses back to itself', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 24 }), (s) => {
        let millis: number;
        try {
          millis = parseDuration(s);
        } catch (err) {
          expect(err).toBeInstanceOf(ExpectedError);
          return;
        }
        expect(parseDuration(`${millis}ms`)).toBe(millis);
        expect(parseDuration(millis)).toBe(millis);
      }),
      RUNS,
    );
  });

  it('any input: an integer in [0, 2^31 - 1] ms (seconds for bare numbers when asked), or an ExpectedError — nothing else', () => {
    const input = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.stringMatching(/^\s?\d{1,20}(\.\d{0,6})?\s?(ms|s|m|h|d|w|x)?\s?$/),
      fc.double(),
      fc.integer(),
      fc.constantFrom(
        null,
        undefined,
        true,
        {},
        [],
        Number.NaN,
        -0,
        Number.POSITIVE_INFINITY,
        2 ** 31,
        '1e3s',
        '-5s',
        '30d',
        '24.85d',
      ),
    );
    fc.assert(
      fc.property(input, fc.constantFrom('ms', 's') as fc.Arbitrary<'ms' | 's'>, (value, unit) => {
        let millis: number;
        try {
          millis = parseDuration(value, unit, 'x.timeout');
        } catch (err) {
          expect(err).toBeInstanceOf(ExpectedError);
          expect((err as Error).message).toMatch(/^x\.timeout must be/);
          return;
        }
        expect(Number.isInteger(millis)).toBe(true);
        expect(millis).toBeGreaterThanOrEqual(0);
        expect(millis).toBeLessThanOrEqual(MAX_DURATION_MILLIS);
      }),
      RUNS,
    );
  });
});

const SIZE_FACTOR = {
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
} as const;

describe('parseByteSize (property)', () => {
  it('a whole number with a unit (any case) is that many bytes', () => {
    const unit = fc.constantFrom(...(Object.keys(SIZE_FACTOR) as (keyof typeof SIZE_FACTOR)[]));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), unit, fc.boolean(), space, (n, u, upper, s) => {
        const text = `${n}${s}${upper ? u.toUpperCase() : u}`;
        expect(parseByteSize(text)).toBe(n * SIZE_FACTOR[u]);
        expect(parseByteSize(parseByteSize(text))).toBe(n * SIZE_FACTOR[u]);
      }),
      RUNS,
    );
  });

  it('any input: a positive safe integer of bytes, or an ExpectedError', () => {
    const input = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.stringMatching(/^\d{1,400}(\.\d{0,3})?(b|kb|KiB|mb|MiB|g|GB)?$/),
      fc.double(),
      fc.constantFrom(
        0,
        -1,
        0.4,
        Number.MAX_VALUE,
        Number.POSITIVE_INFINITY,
        '0KB',
        '0.0001b',
        '9'.repeat(400),
        '9'.repeat(20),
        null,
      ),
    );
    fc.assert(
      fc.property(input, (value) => {
        let bytes: number;
        try {
          bytes = parseByteSize(value);
        } catch (err) {
          expect(err).toBeInstanceOf(ExpectedError);
          return;
        }
        expect(Number.isSafeInteger(bytes)).toBe(true);
        expect(bytes).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });
});

const OPERATORS: readonly ComparisonOperator[] = ['>', '>=', '<', '<=', '==', '!='];
const metricName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.:/-]{0,30}$/);

/** The grammar written back: `aggregation(metric) op value` (a printer for the round trip). */
function print(c: ParsedCondition): string {
  const target = c.aggregation === 'last' ? c.metric : `${c.aggregation}(${c.metric})`;
  return `${target} ${c.operator} ${c.value}`;
}

describe('parseCondition (property)', () => {
  it('parses what the grammar generates, and parsed → printed → parsed is stable', () => {
    fc.assert(
      fc.property(
        metricName,
        fc.option(fc.constantFrom(...AGGREGATIONS), { nil: undefined }),
        fc.constantFrom(...OPERATORS),
        fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
        space,
        space,
        (metric, aggregation, operator, value, a, b) => {
          const target = aggregation === undefined ? metric : `${aggregation}(${a}${metric}${a})`;
          const text = `${a}${target}${b}${operator}${a}${value}${b}`;
          const parsed = parseCondition(text);
          expect(parsed).toMatchObject({
            metric,
            aggregation: aggregation ?? 'last',
            operator,
            value: Object.is(value, -0) ? 0 : value,
          });
          expect(parseCondition(print(parsed))).toEqual(parsed);
        },
      ),
      RUNS,
    );
  });

  it('any string: a condition or a ConditionParseError with a column inside the text', () => {
    const input = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc
        .tuple(
          fc.constantFrom('', 'p95(', 'rate(', 'avg (', 'x(', '('),
          fc.oneof(metricName, fc.string({ maxLength: 12 })),
          fc.constantFrom('', ')', '))'),
          fc.constantFrom('>', '>=', '=>', '=', '!', '<>', '', ' '),
          fc.constantFrom(
            '1',
            '-0.5',
            '1e3',
            '1e999',
            '9'.repeat(400),
            `${'9'.repeat(400)}GB`,
            '1GB',
            '512MiB',
            'abc',
            '',
            '1.2.3',
            'NaN',
            'Infinity',
          ),
        )
        .map((parts) => parts.join(' ')),
    );
    fc.assert(
      fc.property(input, (text) => {
        let parsed: ParsedCondition;
        try {
          parsed = parseCondition(text);
        } catch (err) {
          expect(err).toBeInstanceOf(ConditionParseError);
          const position = (err as ConditionParseError).position;
          expect(position).toBeGreaterThanOrEqual(0);
          expect(position).toBeLessThanOrEqual(text.length);
          return;
        }
        expect(Number.isFinite(parsed.value)).toBe(true);
        expect(OPERATORS).toContain(parsed.operator);
        expect(AGGREGATIONS).toContain(parsed.aggregation);
      }),
      RUNS,
    );
  });
});
