import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigErrorCode, loadConfig } from '@otelkit/config';
import { configErrorOf } from './config-error-of';

const dir = mkdtempSync(join(tmpdir(), 'otelkit-file-'));
function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('config files', () => {
  it('loads YAML and JSON with the same meaning', () => {
    const yaml = write(
      'a.yaml',
      'service: { name: orders }\ntracing:\n  sampler: 0.1\n  exporter: jaeger\nlogging:\n  level: INFO\n  outputs: [console, file]\n',
    );
    const json = write(
      'a.json',
      JSON.stringify({
        service: { name: 'orders' },
        tracing: { sampler: 0.1, exporter: 'jaeger' },
        logging: { level: 'INFO', outputs: ['console', 'file'] },
      }),
    );
    const a = loadConfig({ file: yaml, env: {}, cwd: '/app' });
    const b = loadConfig({ file: json, env: {}, cwd: '/app' });
    expect(a).toEqual(b);
    expect(a.logging.outputs[1]).toMatchObject({ type: 'file', path: '/app/logs/orders.log' });
  });

  it('resolves a relative file path against cwd', () => {
    write('rel.yml', 'service:\n  name: rel\n');
    expect(loadConfig({ file: 'rel.yml', cwd: dir, env: {} }).service.name).toBe('rel');
  });

  it('reports malformed YAML with its line and column', () => {
    const p = write('bad.yaml', 'service:\n  name: x\ntracing:\n  sampler: [0.1\n');
    const err = configErrorOf(() => loadConfig({ file: p, env: {} }));
    expect(err.code).toBe(ConfigErrorCode.FILE);
    expect(err.issues[0]!.path).toBe(p);
    expect(err.issues[0]!.message).toMatch(/^invalid YAML at line \d+, column \d+: /);
  });

  it('reports the line of a duplicate key', () => {
    const p = write('dup.yaml', 'service:\n  name: a\n  name: b\n');
    const err = configErrorOf(() => loadConfig({ file: p, env: {} }));
    expect(err.issues[0]!.message).toMatch(/^invalid YAML at line 3, column 3: Map keys must be unique/);
  });

  it('reports malformed JSON with its line and column', () => {
    const p = write('bad.json', '{\n  "service": {\n    "name": "x",\n  }\n}\n');
    const err = configErrorOf(() => loadConfig({ file: p, env: {} }));
    expect(err.issues[0]!.message).toMatch(/^invalid JSON: .* at line 4, column 3$/);
  });

  it('reports a missing file', () => {
    const err = configErrorOf(() => loadConfig({ file: join(dir, 'nope.yaml'), env: {} }));
    expect(err.code).toBe(ConfigErrorCode.FILE);
    expect(err.issues[0]!.message).toBe('cannot read config file: file not found');
  });

  it('validates file content like code, marking the source', () => {
    const p = write('invalid.yaml', 'tracing:\n  sampler: lots\n');
    const err = configErrorOf(() => loadConfig({ file: p, env: {} }));
    expect(err.issues[0]).toMatchObject({ path: 'tracing.sampler', source: 'file' });
    expect(err.message).toContain('[config file]');
  });

  it('treats an empty file as an empty config', () => {
    expect(loadConfig({ file: write('empty.yaml', ''), env: {} }).service.name).toBe('unknown_service:node');
  });
});

describe('prototype pollution', () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects __proto__ keys in YAML without polluting', () => {
    const p = write('proto.yaml', 'service:\n  __proto__:\n    polluted: yes\n  name: x\n');
    const err = configErrorOf(() => loadConfig({ file: p, env: {} }));
    expect(err.issues).toEqual([
      { path: 'service.__proto__', message: 'key "__proto__" is not allowed', source: 'file' },
    ]);
  });

  it('rejects constructor.prototype chains in YAML', () => {
    const p = write('ctor.yaml', 'tracing:\n  constructor:\n    prototype:\n      polluted: yes\n');
    const err = configErrorOf(() => loadConfig({ file: p, env: {} }));
    expect(err.issues[0]!.path).toBe('tracing.constructor');
  });

  it('rejects YAML merge keys that would smuggle an anchor in', () => {
    const p = write(
      'merge.yaml',
      'base: &b\n  __proto__:\n    polluted: yes\nservice:\n  <<: *b\n  name: x\n',
    );
    const err = configErrorOf(() => loadConfig({ file: p, env: {} }));
    const paths = err.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['base.__proto__', 'service["<<"]']));
  });

  it('rejects __proto__ from JSON.parse input and in code', () => {
    const p = write(
      'proto.json',
      '{"__proto__": {"polluted": true}, "logging": {"constructor": {"prototype": {"polluted": 1}}}}',
    );
    const err = configErrorOf(() => loadConfig({ file: p, env: {} }));
    expect(err.issues.map((i) => i.path)).toEqual(['__proto__', 'logging.constructor']);
    const fromCode = JSON.parse('{"service": {"__proto__": {"polluted": true}}}');
    expect(configErrorOf(() => loadConfig({ config: fromCode, env: {} })).issues[0]!.path).toBe(
      'service.__proto__',
    );
  });

  it('survives the billion-laughs alias bomb with a clear error', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++) {
      const prev = String.fromCharCode(97 + i);
      const cur = String.fromCharCode(98 + i);
      lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const p = write('bomb.yaml', `${lines.join('\n')}\n`);
    const err = configErrorOf(() => loadConfig({ file: p, env: {} }));
    expect(err.code).toBe(ConfigErrorCode.FILE);
    expect(err.issues[0]!.message).toMatch(/^invalid YAML: Excessive alias count/);
  });

  it('rejects circular objects given in code', () => {
    const cyclic: Record<string, unknown> = { service: { name: 'x' } };
    (cyclic.service as Record<string, unknown>).self = cyclic;
    expect(configErrorOf(() => loadConfig({ config: cyclic as never, env: {} })).issues[0]).toMatchObject({
      path: 'service.self',
      message: 'circular reference',
    });
  });
});
