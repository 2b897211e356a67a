// Regression (#17): startMonitoring's options and @monitored's misspelt options need a did-you-mean.
import { instrument, monitored, startMonitoring } from '../../src/index';

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

describe('instrument() options are strict', () => {
  it('names the unknown key of the options and of options.http', () => {
    expect(() => instrument([], { meterProvder: undefined } as never)).toThrow(
      'instrument(names, options): unknown option "meterProvder" (did you mean "meterProvider"?)',
    );
    expect(() => instrument([], { http: { ignoreIncoming: () => false } } as never)).toThrow(
      'instrument(names, options): options.http: unknown option "ignoreIncoming"',
    );
  });
});
