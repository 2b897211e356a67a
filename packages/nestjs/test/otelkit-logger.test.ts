import type { Monitoring } from '@otelkit/service';
import { OtelkitLogger } from '../src/otelkit-logger';

type Call = [level: string, fields: Record<string, unknown>, msg?: string];

function fakeMonitoring(calls: Call[], throwing = false): Monitoring {
  const write =
    (level: string) =>
    (fields: Record<string, unknown>, msg?: string): void => {
      if (throwing) throw new Error('output broke');
      calls.push(msg === undefined ? [level, fields] : [level, fields, msg]);
    };
  const logger = Object.fromEntries(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace'].map((l) => [l, write(l)]),
  );
  return { logger } as unknown as Monitoring;
}

describe('OtelkitLogger (Nest LoggerService)', () => {
  it('maps Nest levels to pino levels and the trailing context to a field', () => {
    const calls: Call[] = [];
    const logger = new OtelkitLogger(fakeMonitoring(calls));
    logger.log('started', 'NestApplication');
    logger.warn('slow', 'Users');
    logger.debug('d');
    logger.verbose('v', 'Ctx');
    logger.fatal('gone', 'Main');
    expect(calls).toEqual([
      ['info', { context: 'NestApplication' }, 'started'],
      ['warn', { context: 'Users' }, 'slow'],
      ['debug', {}, 'd'],
      ['trace', { context: 'Ctx' }, 'v'],
      ['fatal', { context: 'Main' }, 'gone'],
    ]);
  });

  it('error(): stack and context as Nest passes them, Error and object messages, extra arguments', () => {
    const calls: Call[] = [];
    const logger = new OtelkitLogger(fakeMonitoring(calls));
    const stack = 'Error: boom\n    at handler (/app/users.ts:1:1)';
    logger.error('failed', stack, 'ExceptionsHandler');
    logger.error('failed alone', stack);
    logger.error('no stack', undefined, 'Users');
    const err = new RangeError('bad');
    logger.error(err, 'Users');
    logger.log({ orderId: 7 }, 'Orders');
    logger.log('with extras', 42, { a: 1 }, 'Ctx');
    expect(calls).toEqual([
      ['error', { context: 'ExceptionsHandler', stack }, 'failed'],
      ['error', { stack }, 'failed alone'],
      ['error', { context: 'Users' }, 'no stack'],
      ['error', { context: 'Users', err }, 'bad'],
      ['info', { context: 'Orders', data: { orderId: 7 } }],
      ['info', { context: 'Ctx', args: [42, { a: 1 }] }, 'with extras'],
    ]);
  });

  it("honours Nest's setLogLevels filter", () => {
    const calls: Call[] = [];
    const logger = new OtelkitLogger(fakeMonitoring(calls));
    logger.setLogLevels(['error', 'warn']);
    logger.log('dropped');
    logger.debug('dropped');
    logger.warn('kept');
    expect(calls).toEqual([['warn', {}, 'kept']]);
  });

  it('never throws into the app when the logger does', () => {
    const logger = new OtelkitLogger(fakeMonitoring([], true));
    expect(() => logger.error('x', 'Ctx')).not.toThrow();
  });
});
