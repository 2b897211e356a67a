import { LineRing } from '@otelkit/logging';
import { SpanRing } from '@otelkit/tracing';
import { linesSince, parseLine, queryLogs } from '../../src/data/logs';

describe('LineRing', () => {
  it('keeps the newest lines, oldest first, and reads only what is newer than a cursor', () => {
    const r = new LineRing(3);
    for (const l of ['a', 'b', 'c', 'd', 'e']) r.push(l);
    expect(r.toArray()).toEqual(['c', 'd', 'e']);
    expect(r.total).toBe(5);
    expect(r.toArray(4)).toEqual(['e']);
    expect(r.toArray(5)).toEqual([]);
    expect(r.toArray(0)).toEqual(['c', 'd', 'e']);
    expect(() => new LineRing(0)).toThrow(/capacity/);
  });
});

describe('SpanRing', () => {
  it('keeps the newest spans, oldest first', () => {
    const r = new SpanRing(2);
    const spans = [1, 2, 3].map((n) => ({ name: `s${n}` }) as never);
    for (const s of spans) r.push(s);
    expect(r.toArray().map((s) => (s as { name: string }).name)).toEqual(['s2', 's3']);
    expect([r.size, r.total]).toEqual([2, 3]);
    r.clear();
    expect(r.toArray()).toEqual([]);
  });
});

describe('log lines', () => {
  it('parses pino JSON and ECS lines, keeping the trace id and the other fields', () => {
    const pinoLine = parseLine(
      '{"level":40,"time":1700000000000,"pid":1,"hostname":"h","trace_id":"abc","span_id":"def","trace_flags":"01","order":7,"msg":"slow"}\n',
      1,
    );
    expect(pinoLine).toEqual({
      seq: 1,
      time: 1700000000000,
      level: 'warn',
      msg: 'slow',
      traceId: 'abc',
      spanId: 'def',
      fields: '{"order":7}',
    });
    const ecs = parseLine(
      '{"@timestamp":"2026-01-01T00:00:00.000Z","log.level":"error","message":"boom","trace.id":"t1","span.id":"s1","ecs.version":"8.10.0","user":{"id":1}}\n',
      2,
    );
    expect(ecs).toMatchObject({ level: 'error', msg: 'boom', traceId: 't1', fields: '{"user":{"id":1}}' });
    expect(parseLine('not json\n', 3)).toMatchObject({ level: 'info', msg: 'not json' });
  });

  it('filters by level, text and trace, newest kept', () => {
    const r = new LineRing(10);
    r.push('{"level":30,"time":1,"msg":"hello world"}\n');
    r.push('{"level":50,"time":2,"msg":"db down","trace_id":"t"}\n');
    r.push('{"level":20,"time":3,"msg":"debug noise"}\n');
    expect(queryLogs(r, { level: 'warn', limit: 10 }).map((e) => e.msg)).toEqual(['db down']);
    expect(queryLogs(r, { text: 'WORLD', limit: 10 }).map((e) => e.msg)).toEqual(['hello world']);
    expect(queryLogs(r, { traceId: 't', limit: 10 }).map((e) => e.seq)).toEqual([2]);
    expect(linesSince(r, 2, 10)).toMatchObject({ next: 3, entries: [{ seq: 3, msg: 'debug noise' }] });
  });
});
