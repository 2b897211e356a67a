import fc from 'fast-check';
import { ConfigError, loadConfig, redactText } from '../../src';

// Property tests (issue 14, the fault suite): the config loader over generated configs, and the
// redaction of secrets inside arbitrary text. Seeded: a failure prints its seed and path to replay.

// Keys the schema knows (so generated configs reach deep into it) and a few it does not.
const KEYS = [
  'service',
  'name',
  'version',
  'environment',
  'enabled',
  'tracing',
  'sampler',
  'ratio',
  'type',
  'exporter',
  'exporters',
  'endpoint',
  'protocol',
  'headers',
  'timeout',
  'timeoutMillis',
  'compression',
  'batch',
  'maxQueueSize',
  'maxExportBatchSize',
  'scheduledDelay',
  'metrics',
  'collectors',
  'interval',
  'port',
  'host',
  'path',
  'cardinalityLimit',
  'logging',
  'level',
  'format',
  'outputs',
  'stream',
  'node',
  'index',
  'rotation',
  'maxSize',
  'maxFiles',
  'redact',
  'paths',
  'censor',
  'resources',
  'thresholds',
  'cpu',
  'memory',
  'warning',
  'critical',
  'alerts',
  'condition',
  'for',
  'severity',
  'webhooks',
  'url',
  'health',
  'cache',
  'shutdown',
  'handleSignals',
  'instrumentations',
  'diagnostics',
  'logLevel',
  'printSummary',
  'dashboard',
  'pools',
  'kinds',
  'allowLinkLocal',
  '__proto__',
  'constructor',
  'unknownKey',
  'tracng',
] as const;

const scalar = fc.oneof(
  fc.constantFrom(
    true,
    false,
    null,
    0,
    1,
    -1,
    0.5,
    2 ** 31,
    1e21,
    Number.MAX_SAFE_INTEGER,
    '',
    'on',
    'otlp',
    'jaeger',
    'prometheus',
    'console',
    'file',
    'elasticsearch',
    'json',
    'ecs',
    'info',
    'DEBUG',
    'always_on',
    'parentbased_traceidratio',
    '30s',
    '5m',
    '30d',
    '0s',
    '-1s',
    '1GB',
    'http://127.0.0.1:4318',
    'http://169.254.169.254/latest',
    'https://u:p@h/x?token=1',
    'a\r\nb',
    'x'.repeat(300),
    'cpu > 80',
    'p95(x) >= 1e999',
    '../../etc/passwd',
  ),
  fc.string({ maxLength: 16 }),
  fc.double(),
  fc.integer(),
);

const { value: jsonish } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), tie('value'), {
      maxKeys: 6,
    }),
  ),
}));

/** A config: an object whose top-level keys are mostly the schema's sections. */
const configInput = fc.dictionary(fc.constantFrom(...KEYS), jsonish, { maxKeys: 6 });

function isDeepFrozen(value: unknown, seen = new Set<unknown>()): boolean {
  if (value === null || typeof value !== 'object' || seen.has(value)) return true;
  seen.add(value);
  if (!Object.isFrozen(value)) return false;
  return Object.values(value).every((v) => isDeepFrozen(v, seen));
}

describe('loadConfig (property)', () => {
  it('any JSON-ish config: a deep-frozen config, or a ConfigError naming each field — never another error, never slow', () => {
    let loaded = 0;
    let refused = 0;
    fc.assert(
      fc.property(configInput, (input) => {
        const started = performance.now();
        let config: ReturnType<typeof loadConfig>;
        try {
          config = loadConfig({ config: input as never, env: {}, file: false, onWarning: () => {} });
        } catch (err) {
          expect(performance.now() - started).toBeLessThan(2000);
          if (!(err instanceof ConfigError)) throw err;
          refused++;
          expect(err.issues.length).toBeGreaterThan(0);
          for (const issue of err.issues) {
            expect(typeof issue.path).toBe('string');
            expect(issue.path.length).toBeGreaterThan(0);
            expect(issue.message.length).toBeGreaterThan(0);
            expect(err.message).toContain(issue.path);
          }
          return;
        }
        expect(performance.now() - started).toBeLessThan(2000);
        loaded++;
        expect(isDeepFrozen(config)).toBe(true);
        // a loaded config passed back in is accepted unchanged
        expect(loadConfig({ config, env: {}, file: false })).toBe(config);
        // and nothing leaked onto Object.prototype from a `__proto__` key
        expect(({} as Record<string, unknown>).enabled).toBeUndefined();
      }),
      { seed: 14_010, numRuns: 1000 },
    );
    // the generator reaches both outcomes
    expect(loaded).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

// A secret no surrounding text produces by chance; no character that ends a URL part.
const secret = fc.stringMatching(/^[A-Za-z0-9]{10,24}$/).map((s) => `Zq7${s}`);
const around = fc.string({ maxLength: 40 });
const secretKey = fc.constantFrom(
  'token',
  'access_token',
  'api_key',
  'apiKey',
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'X-Amz-Signature',
  'sig',
  'auth',
  'session_id',
  'credential',
);

describe('redactText (property)', () => {
  const RUNS = { seed: 14_014, numRuns: 500 } as const;

  it('never leaks the password of URL userinfo, whatever text is around it', () => {
    fc.assert(
      fc.property(
        around,
        around,
        secret,
        fc.constantFrom('https', 'http', 'postgres', 'redis', 'amqp'),
        (pre, post, s, scheme) => {
          const text = `${pre} ${scheme}://user:${s}@db.example.com:5432/app ${post}`;
          expect(redactText(text)).not.toContain(s);
        },
      ),
      RUNS,
    );
  });

  it('never leaks a secret-named query value, wherever it sits in the query', () => {
    fc.assert(
      fc.property(around, around, secret, secretKey, fc.nat({ max: 3 }), (pre, post, s, key, before) => {
        const others = Array.from({ length: before }, (_, i) => `p${i}=v${i}`);
        const query = [...others, `${key}=${s}`, 'page=2'].join('&');
        const text = `${pre} https://api.example.com/v1/items?${query} ${post}`;
        expect(redactText(text)).not.toContain(s);
      }),
      RUNS,
    );
  });

  it('never leaks a password= pair of a connection string', () => {
    fc.assert(
      fc.property(
        around,
        around,
        secret,
        fc.constantFrom('password', 'Password', 'PWD', 'passwd', 'secret', 'api_key', 'token'),
        fc.constantFrom(';', ' ', '&'),
        fc.constantFrom('=', ' = '),
        (pre, post, s, key, sep, eq) => {
          const text = `${pre} host=db${sep}user=app${sep}${key}${eq}${s}${sep}dbname=x ${post}`;
          expect(redactText(text)).not.toContain(s);
        },
      ),
      RUNS,
    );
  });

  it('leaves text without secrets unchanged', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[^@=]{0,60}$/), (text) => {
        expect(redactText(text)).toBe(text);
      }),
      RUNS,
    );
  });
});
