import { parseByteSize, parseCondition, parseDuration } from '@otelkit/config';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    [' 2 s ', 2000],
  ])('reads %p as %p ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it('reads numbers in the unit asked for', () => {
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration(10, 's')).toBe(10_000);
    expect(parseDuration(0.5, 's')).toBe(500);
  });

  it.each(['10', '10 parsecs', '-1s', '', 's'])('rejects %p', (input) => {
    expect(() => parseDuration(input)).toThrow(/expected a duration such as '500ms'/);
  });

  it('rejects negative and non-finite numbers', () => {
    expect(() => parseDuration(-1)).toThrow(/non-negative/);
    expect(() => parseDuration(Number.POSITIVE_INFINITY, 's')).toThrow(/seconds/);
  });
});

describe('parseByteSize', () => {
  it.each([
    [1024, 1024],
    ['10MB', 10_000_000],
    ['10MiB', 10 * 1024 ** 2],
    ['512KiB', 512 * 1024],
    ['1g', 1024 ** 3],
    ['100', 100],
  ])('reads %p as %p bytes', (input, bytes) => {
    expect(parseByteSize(input)).toBe(bytes);
  });

  it.each([0, -5, '10 parsecs', '1TB'])('rejects %p', (input) => {
    expect(() => parseByteSize(input)).toThrow(/expected a size/);
  });
});

describe('parseCondition', () => {
  it.each([
    [
      'request_duration_seconds > 1',
      { metric: 'request_duration_seconds', aggregation: 'last', operator: '>', value: 1 },
    ],
    [
      'p95(http.server.duration)>=0.5',
      { metric: 'http.server.duration', aggregation: 'p95', operator: '>=', value: 0.5 },
    ],
    [
      ' rate( errors_total ) != -2e3 ',
      { metric: 'errors_total', aggregation: 'rate', operator: '!=', value: -2000 },
    ],
    ['free_memory <= .25', { metric: 'free_memory', aggregation: 'last', operator: '<=', value: 0.25 }],
    ['x==0', { metric: 'x', aggregation: 'last', operator: '==', value: 0 }],
    [
      'avg(main-db/connection_pool_usage) > 0.8',
      { metric: 'main-db/connection_pool_usage', aggregation: 'avg', operator: '>', value: 0.8 },
    ],
  ])('parses %p', (text, parsed) => {
    expect(parseCondition(text)).toEqual(parsed);
  });

  it.each([
    ['', /at column 1: empty condition/],
    ['> 1', /at column 1: expected a metric name or aggregation, found ">"/],
    ['cpu', /at column 4: expected a comparison operator \(>= <= == != > <\), found end of input/],
    ['cpu > ', /at column 7: expected a number after ">", found end of input/],
    ['cpu > 1 and mem > 2', /at column 9: unexpected "and mem > 2" after the value/],
    ['avg(cpu > 1', /at column 9: expected "\)" after "cpu"/],
    [
      'median(cpu) > 1',
      /at column 1: unknown aggregation "median" \(allowed: last, avg, min, max, p50, p95, p99, rate\)/,
    ],
    ['cpu => 1', /at column 5: expected a comparison operator .*found "="/],
  ])('rejects %p precisely', (text, message) => {
    expect(() => parseCondition(text)).toThrow(message);
  });
});
