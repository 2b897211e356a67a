// Regression: on Node 22+ `Error#stack` is an own accessor property; the redactor copied an
// Error by spreading each descriptor and adding `writable: true`, which throws
// "Invalid property descriptor" for an accessor — logging an Error that carried a secret threw
// into the caller. The tests below define accessors explicitly as well, so they fail without the
// fix on every Node line (Node 20's `stack` is a data property).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger } from '@otelkit/logging';
import { createDeepRedactor } from '../../src/redact/deep-redactor';
import { fileOutput, loggingConfig, readJsonLines, tmpDir } from '../support/helpers';

describe('redacting Errors with accessor properties', () => {
  let dir: string;
  beforeEach(() => {
    dir = tmpDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function fileLogger(format: 'json' | 'ecs') {
    const file = path.join(dir, 'app.log');
    const logger = createLogger(loggingConfig({ format, outputs: [fileOutput(file)] }), undefined, {
      handleSignals: false,
      logUncaught: false,
    });
    return { file, logger };
  }

  it.each(['json', 'ecs'] as const)(
    'logs an Error carrying a secret, with its stack, and redacts the secret (%s)',
    async (format) => {
      const { file, logger } = fileLogger(format);
      const err = Object.assign(new Error('request failed'), {
        config: { headers: { Authorization: 'Bearer CANARY-ACCESSOR-1' } },
      });
      // An accessor the way Node 22+ defines `stack`, on every Node line.
      let reads = 0;
      Object.defineProperty(err, 'detail', {
        get() {
          reads++;
          return 'upstream said no';
        },
        enumerable: true,
        configurable: true,
      });
      const stackDesc = Object.getOwnPropertyDescriptor(err, 'stack');

      expect(() => logger.error({ err }, 'http client error')).not.toThrow();
      await logger.shutdown();

      const text = fs.readFileSync(file, 'utf8');
      expect(text).not.toContain('CANARY-ACCESSOR-1');
      const [line] = readJsonLines(file);
      const logged = (format === 'ecs' ? line?.error : line?.err) as Record<string, unknown>;
      const stackField = format === 'ecs' ? 'stack_trace' : 'stack';
      expect(String(logged[stackField])).toContain('request failed');
      expect(String(logged[stackField])).toContain('error-accessor-stack.test');
      expect(logged.message).toBe('request failed');
      if (format === 'json') {
        expect(logged.detail).toBe('upstream said no');
        expect(logged.config).toEqual({ headers: { Authorization: '[REDACTED]' } });
        // Read through the getter by the redactor's copy (ECS converts the Error before redaction).
        expect(reads).toBeGreaterThanOrEqual(1);
      }
      // The caller's Error is untouched: same descriptor for stack, secret still there.
      expect(Object.getOwnPropertyDescriptor(err, 'stack')).toEqual(stackDesc);
      expect(err.config.headers.Authorization).toBe('Bearer CANARY-ACCESSOR-1');
      expect(logger.stats().redactionFailures).toBe(0);
    },
  );

  it('copies an accessor of an Error as its value, keeping the prototype and enumerability', () => {
    const redact = createDeepRedactor(['password'], '[X]');
    const err = new TypeError('bad input');
    Object.defineProperty(err, 'code', { get: () => 'E_BAD', enumerable: false, configurable: false });
    (err as unknown as Record<string, unknown>).password = 'hunter2';

    const out = redact({ err })?.err as TypeError & Record<string, unknown>;
    expect(out).not.toBe(err);
    expect(Object.getPrototypeOf(out)).toBe(TypeError.prototype);
    expect(out.password).toBe('[X]');
    expect(out.code).toBe('E_BAD');
    expect(Object.getOwnPropertyDescriptor(out, 'code')?.enumerable).toBe(false);
    expect(out.message).toBe('bad input');
    expect(out.stack).toBe(err.stack);
    expect(redact.failures).toBe(0);
  });

  it('never throws: a getter that throws is written as the censor, counted, and the line is still written', async () => {
    const { file, logger } = fileLogger('json');
    const err = Object.assign(new Error('boom'), { token: 'CANARY-ACCESSOR-2' });
    Object.defineProperty(err, 'cause', {
      get() {
        throw new Error('getter exploded');
      },
      enumerable: true,
    });
    const hostile = {
      get session() {
        throw new Error('no session');
      },
      user: 'alice',
    };

    expect(() => logger.error({ err }, 'with a throwing getter on the error')).not.toThrow();
    expect(() => logger.info({ hostile }, 'with a throwing getter on a plain object')).not.toThrow();
    await logger.shutdown();

    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('CANARY-ACCESSOR-2');
    const lines = readJsonLines(file);
    expect(lines.map((l) => l.msg)).toEqual([
      'with a throwing getter on the error',
      'with a throwing getter on a plain object',
    ]);
    // The Error could not be copied (its getter throws), so the whole value is censored.
    expect(lines[0]?.err).toBe('[REDACTED]');
    expect(lines[1]?.hostile).toEqual({ session: '[REDACTED]', user: 'alice' });
    expect(logger.stats().redactionFailures).toBe(2);
  });

  it('censors a Proxy whose traps throw, and a top level that cannot be read at all', () => {
    const redact = createDeepRedactor(['password'], '[X]');
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
        getPrototypeOf() {
          throw new Error('no prototype');
        },
      },
    );
    expect(redact({ a: 1, nested: trap, list: [trap, { password: 'p' }] })).toEqual({
      a: 1,
      nested: '[X]',
      list: ['[X]', { password: '[X]' }],
    });
    expect(redact(trap as Record<string, unknown>)).toEqual({ 'otelkit.redaction_failed': true });
    expect(redact.failures).toBe(3);
  });
});
