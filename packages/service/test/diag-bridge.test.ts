import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag } from '@opentelemetry/api';
import { createLogger } from '@otelkit/logging';
import { MAX_ARG_CHARS, previewDiagArg, routeDiag } from '../src/diag-bridge';

// Issue 14 item 5: OpenTelemetry's debug diagnostics pass whole export payloads; logged whole, a
// debug log grew by hundreds of kilobytes per export. The bridge keeps each line short and each
// repeating message to one line per window, with the count of the rest.

describe('previewDiagArg', () => {
  it('keeps primitives, cuts strings and error messages', () => {
    expect(previewDiagArg(42)).toBe(42);
    expect(previewDiagArg(true)).toBe(true);
    expect(previewDiagArg(null)).toBeNull();
    expect(previewDiagArg('short')).toBe('short');
    const long = previewDiagArg('x'.repeat(10_000)) as string;
    expect(long.length).toBeLessThan(MAX_ARG_CHARS + 40);
    expect(long).toMatch(/…\(10000 chars\)$/);
    expect(previewDiagArg(new Error('boom'))).toBe('boom');
  });

  it('summarises an export payload in a bounded string, whatever its size', () => {
    const spans = Array.from({ length: 5_000 }, (_, i) => ({
      name: `span ${i}`,
      attributes: Object.fromEntries(Array.from({ length: 50 }, (_, k) => [`attr.${k}`, 'v'.repeat(1_000)])),
      resource: { attributes: { 'service.name': 'x' } },
    }));
    const payload = { resourceSpans: [{ scopeSpans: [{ spans }] }], extra: 1 };
    const text = previewDiagArg(payload) as string;
    expect(typeof text).toBe('string');
    expect(text.length).toBeLessThan(MAX_ARG_CHARS + 40);
    expect(text.startsWith('{"resourceSpans":')).toBe(true);
    expect(previewDiagArg([1, 2, 3, 4, 5])).toBe('[1,2,3,…+2]');
  });

  it('never throws: cycles, throwing getters, symbols, functions', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const hostile = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    expect(() => previewDiagArg(cyclic)).not.toThrow();
    expect(previewDiagArg(hostile)).toBe('{"boom":"[getter threw]"}');
    expect(previewDiagArg(Symbol('s'))).toBe('Symbol(s)');
    expect(previewDiagArg(() => 1)).toBe('[function]');
    expect(previewDiagArg(10n)).toBe('10');
  });
});

describe('routeDiag', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'otelkit-diag-bridge-'));
  });
  afterEach(() => {
    diag.disable();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes each message once per window, with the count of the rest; lines stay short', async () => {
    const file = join(dir, 'diag.log');
    const logger = createLogger({ level: 'debug', outputs: [{ type: 'file', path: file }] });
    let now = 5_000_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      routeDiag(logger, 'debug');
      const payload = { items: Array.from({ length: 1_000 }, (_, i) => ({ i, text: 'y'.repeat(500) })) };
      for (let i = 0; i < 50; i++) diag.debug('items to be sent', payload);
      diag.warn('export failed');
      now += 10_000;
      diag.debug('items to be sent', payload);
      await logger.shutdown();
    } finally {
      clock.mockRestore();
    }
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; component: string; args?: unknown[]; level: number });
    const ours = lines.filter((l) => l.component === 'otel.diag' && !l.msg.startsWith('@opentelemetry/api'));
    expect(ours.map((l) => l.msg)).toEqual([
      'items to be sent',
      'export failed',
      'items to be sent (49 more since the last report)',
    ]);
    for (const l of ours) expect(JSON.stringify(l).length).toBeLessThan(2_000);
  });
});
