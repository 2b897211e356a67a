import * as path from 'node:path';
import { loadConfig, normalizeLogging } from '@otelkit/config';
import { configErrorOf } from '../config-error-of';

const load = (logging: Record<string, unknown>, rest: Record<string, unknown> = {}) =>
  loadConfig({ config: { logging, ...rest } as never, env: {}, file: false });

const messagesOf = (fn: () => unknown): string[] =>
  configErrorOf(fn).issues.map((i) => `${i.path}: ${i.message}`);

describe('the logging slice: one normaliser for loadConfig and createLogger', () => {
  it('returns a slice loadConfig made as it is', () => {
    const slice = load({ level: 'debug' }).logging;
    expect(normalizeLogging(slice)).toBe(slice);
  });

  it('normalises the input form as loadConfig does: level aliases, default file, index, OTLP endpoint', () => {
    const input = {
      level: 'WARNING',
      format: 'structured',
      outputs: [
        'console',
        'file',
        { type: 'elasticsearch', node: 'http://es:9200' },
        { type: 'otlp', endpoint: 'http://c:4318' },
      ],
    };
    const standalone = normalizeLogging(input as never);
    expect(standalone).toEqual(load(input).logging);
    expect(standalone).toMatchObject({ level: 'warn', format: 'json' });
    expect(standalone.outputs[1]).toMatchObject({
      type: 'file',
      path: path.resolve(process.cwd(), 'logs/unknown_service_node.log'),
      rotation: null,
    });
    expect(standalone.outputs[2]).toMatchObject({ index: 'logs-unknown_service_node-default', auth: null });
    expect(standalone.outputs[3]).toMatchObject({ endpoint: 'http://c:4318/v1/logs' });
  });

  it('accepts its own normalised form written by hand: rotation and auth null, node with nodes', () => {
    const loaded = load({
      outputs: ['file', { type: 'elasticsearch', nodes: ['http://a:9200', 'http://b:9200'] }],
    }).logging;
    expect(loaded.outputs[1]).toMatchObject({
      node: 'http://a:9200',
      nodes: ['http://a:9200', 'http://b:9200'],
    });
    expect(normalizeLogging(JSON.parse(JSON.stringify(loaded)))).toEqual(loaded);
  });

  it.each([
    [{ level: 'loud' }, 'logging.level: expected one of trace, debug, info, warn, error, fatal, silent'],
    [
      { outputs: [{ type: 'file', rotation: { interval: '10ms' } }] },
      'logging.outputs[0].rotation.interval: expected at least 1s',
    ],
    [
      { outputs: [{ type: 'file', rotation: { maxSize: 0 } }] },
      "logging.outputs[0].rotation.maxSize: expected a size such as '10MB'",
    ],
    [
      { outputs: [{ type: 'elasticsearch', node: 'http://a:9200', nodes: ['http://b:9200'] }] },
      'logging.outputs[0].nodes: give either node or nodes',
    ],
    [{ outputs: ['file', 'file'] }, 'logging.outputs[1].path: the same file as logging.outputs[0]'],
    [{ levle: 'debug' }, 'logging.levle: unknown key (did you mean "level"?)'],
  ])('%j: the same ConfigError text from normalizeLogging and from loadConfig', (input, message) => {
    const standalone = messagesOf(() => normalizeLogging(input as never));
    expect(standalone.join('\n')).toContain(message);
    expect(standalone).toEqual(messagesOf(() => load(input)));
  });
});
