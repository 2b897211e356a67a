import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger } from '@otelkit/logging';
import { fileOutput, loggingConfig, readJsonLines, realTracer, tmpDir } from './support/helpers';

const noHooks = { handleSignals: false, logUncaught: false } as const;

describe('createLogger', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tmpDir();
    file = path.join(dir, 'app.log');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts the level in any case and filters below it', async () => {
    const logger = createLogger(
      loggingConfig({ level: 'WARN' as never, outputs: [fileOutput(file)] }),
      undefined,
      noHooks,
    );
    logger.info('hidden');
    logger.warn('shown');
    await logger.shutdown();
    expect(readJsonLines(file).map((l) => l.msg)).toEqual(['shown']);
  });

  it('changes the level at run time, for existing children too', async () => {
    const logger = createLogger(loggingConfig({ outputs: [fileOutput(file)] }), undefined, noHooks);
    const child = logger.child({ component: 'db' });
    const grandchild = child.child({ table: 'users' });
    logger.debug('before');
    logger.setLevel('DEBUG');
    logger.debug('root debug');
    child.debug('child debug');
    grandchild.debug('grandchild debug');
    logger.setLevel('warning');
    child.info('child info hidden');
    expect(() => logger.setLevel('loud')).toThrow(
      /setLevel\(level\).*trace, debug, info, warn, error, fatal, silent/,
    );
    await logger.shutdown();
    const lines = readJsonLines(file);
    expect(lines.map((l) => l.msg)).toEqual(['root debug', 'child debug', 'grandchild debug']);
    expect(lines[2]).toMatchObject({ component: 'db', table: 'users' });
  });

  it('writes one well-formed JSON line per call whatever the content', async () => {
    const logger = createLogger(loggingConfig({ outputs: [fileOutput(file)] }), undefined, noHooks);
    const nasty = 'line1\nline2\r\n\u001b[31mred\u001b[0m "quoted" \\ \u2028 \u0000 end';
    logger.info({ 'key "with" quotes\n': nasty, nested: { 'a\nb': [nasty] } }, nasty);
    logger.info(
      {
        circular: (() => {
          const o: Record<string, unknown> = {};
          o.self = o;
          return o;
        })(),
      },
      'circular',
    );
    logger.error(new Error(`multi\nline ${nasty}`));
    await logger.shutdown();
    const raw = fs.readFileSync(file, 'utf8');
    expect(raw.split('\n')).toHaveLength(4);
    const lines = readJsonLines(file);
    expect(lines[0]?.msg).toBe(nasty);
    expect(lines[0]?.['key "with" quotes\n']).toBe(nasty);
    expect(lines[1]?.msg).toBe('circular');
    expect((lines[2]?.err as { message?: string } | undefined)?.message).toBe(`multi\nline ${nasty}`);
  });

  it('adds trace_id, span_id and trace_flags of the active span, and nothing outside a span', async () => {
    const tracer = realTracer();
    const logger = createLogger(loggingConfig({ outputs: [fileOutput(file)] }), undefined, noHooks);
    let ids: { traceId: string; spanId: string } | undefined;
    logger.info('outside');
    await tracer.startActiveSpan('op', async (span) => {
      ids = span.spanContext();
      logger.info('inside');
      await new Promise((r) => setTimeout(r, 5));
      logger.child({ c: 1 }).info('inside after await');
      span.end();
    });
    await tracer.startActiveSpan('other', async (span) => {
      logger.info('second span');
      span.end();
    });
    await logger.shutdown();
    const [outside, inside, after, second] = readJsonLines(file);
    expect(outside).not.toHaveProperty('trace_id');
    expect(inside).toMatchObject({ trace_id: ids?.traceId, span_id: ids?.spanId, trace_flags: '01' });
    expect(after).toMatchObject({ trace_id: ids?.traceId, span_id: ids?.spanId });
    expect(second?.trace_id).not.toBe(ids?.traceId);
    expect(second?.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('leaves correlation out when correlation is false', async () => {
    const tracer = realTracer();
    const logger = createLogger(
      loggingConfig({ correlation: false, outputs: [fileOutput(file)] }),
      undefined,
      noHooks,
    );
    tracer.startActiveSpan('op', (span) => {
      logger.info('inside');
      span.end();
    });
    await logger.shutdown();
    expect(readJsonLines(file)[0]).not.toHaveProperty('trace_id');
  });

  it('writes every line to every output', async () => {
    const other = path.join(dir, 'sub', 'second.log');
    const logger = createLogger(
      loggingConfig({ format: 'json', outputs: [fileOutput(file), fileOutput(other)] }),
      undefined,
      noHooks,
    );
    for (let i = 0; i < 100; i++) logger.info({ i }, 'line');
    await logger.flush();
    const stats = logger.stats();
    await logger.shutdown();
    expect(readJsonLines(file)).toHaveLength(100);
    expect(readJsonLines(other).map((l) => l.i)).toEqual([...Array(100).keys()]);
    expect(stats.outputs.map((s) => [s.type, s.lines, s.dropped])).toEqual([
      ['file', 100, 0],
      ['file', 100, 0],
    ]);
  });

  it('returns a silent logger with the same surface when disabled', async () => {
    const logger = createLogger(
      loggingConfig({ enabled: false, outputs: [fileOutput(file)] }),
      undefined,
      noHooks,
    );
    logger.info('nothing');
    logger.setLevel('debug');
    await logger.flush();
    expect(logger.stats()).toEqual({ outputs: [], dropped: 0, redactionFailures: 0 });
    await logger.shutdown();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('shutdown is idempotent and never rejects', async () => {
    const logger = createLogger(loggingConfig({ outputs: [fileOutput(file)] }), undefined, noHooks);
    logger.info('one');
    const a = logger.shutdown();
    const b = logger.shutdown();
    expect(a).toBe(b);
    await expect(a).resolves.toBeUndefined();
    logger.info('after shutdown is dropped and counted');
    expect(logger.stats().dropped).toBe(1);
    expect(readJsonLines(file)).toHaveLength(1);
  });

  it.each([
    [
      { level: 'loud' },
      /logging\.level: expected one of trace, debug, info, warn, error, fatal, silent .*got "loud"/,
    ],
    [{ format: 'xml' }, /logging\.format: expected one of json\|structured\|ecs\|pretty, got "xml"/],
    [
      { outputs: [{ type: 'kafka' }] },
      /logging\.outputs\[0\]\.type: expected one of console\|file\|elasticsearch\|otlp .*got "kafka"/,
    ],
    [
      { outputs: [{ type: 'file', path: '/tmp/x.log', mkdir: true, rotation: { maxFiles: 3 } }] },
      /logging\.outputs\[0\]\.rotation: expected maxSize and\/or interval to rotate on/,
    ],
    [
      { outputs: [{ type: 'console', stream: 'stdlog' }] },
      /logging\.outputs\[0\]\.stream: expected one of stdout\|stderr, got "stdlog"/,
    ],
  ])('throws a clear error at creation for bad config %#', (over, message) => {
    expect(() =>
      createLogger(loggingConfig({ outputs: [], ...(over as object) } as never), undefined, noHooks),
    ).toThrow(message);
  });

  it('accepts the structured alias as JSON', async () => {
    const logger = createLogger(
      loggingConfig({ format: 'structured' as never, outputs: [fileOutput(file)] }),
      undefined,
      noHooks,
    );
    logger.info('x');
    await logger.shutdown();
    expect(readJsonLines(file)[0]).toMatchObject({ level: 30, msg: 'x' });
  });
});
