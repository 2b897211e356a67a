// Regression (#17): startMonitoring's options and @monitored's misspelt options need a did-you-mean.
import { monitored, startMonitoring } from '../../src/index';

describe('service options are strict', () => {
  it('startMonitoring rejects an unknown option before anything starts', () => {
    expect(() => startMonitoring({}, { printSumary: true } as never)).toThrow(
      'startMonitoring: options: unknown option "printSumary" (did you mean "printSummary"?); allowed: printSummary, file, env, overrides, cwd',
    );
  });

  it('@monitored names the misspelt option and the one meant', () => {
    expect(() => monitored({ exclud: ['x'] } as never)).toThrow(
      /@monitored\(options\): unknown option "exclud" \(did you mean "exclude"\?\); allowed: /,
    );
    expect(() => monitored({ span_name: 'x' } as never)).toThrow(
      'option "span_name" is spelled "spanName" here',
    );
  });
});
