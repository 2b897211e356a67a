/**
 * Issue #18, hand-written vs library: pino-roll (pino's rotating file transport) against
 * @otelkit/logging's file output with size rotation, same lines, same directory layout. What is
 * asserted is what each one does today; the table in docs/ARCHITECTURE.md reads from here.
 * Throughput: bench/compare/file-rotation.bench.js.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoggingConfig } from '@otelkit/config';
import { createLogger } from '@otelkit/logging';
import pino from 'pino';
import pinoRoll from 'pino-roll';

const noHooks = { handleSignals: false, logUncaught: false } as const;
const LIMIT = 16 * 1024;
const LINES = 20_000;

function ourConfig(file: string): LoggingConfig {
  return {
    enabled: true,
    level: 'info',
    format: 'json',
    correlation: false,
    redact: { enabled: false, paths: [], censor: '[REDACTED]' },
    shutdownTimeoutMillis: 5000,
    outputs: [{ type: 'file', path: file, mkdir: true, rotation: { maxSizeBytes: LIMIT, maxFiles: 10_000 } }],
  } as LoggingConfig;
}

/** Sizes of the log files of `dir` and how many lines they hold. */
function survey(dir: string): { files: number; maxBytes: number; lines: number } {
  let maxBytes = 0;
  let lines = 0;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.log'));
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    maxBytes = Math.max(maxBytes, Buffer.byteLength(text));
    lines += text.split('\n').filter((l) => l !== '').length;
  }
  return { files: files.length, maxBytes, lines };
}

/** Ends pino-roll's sonic-boom; resolves once it has written everything and closed the file. */
function closed(stream: { end(): void; once(event: string, cb: () => void): void }): Promise<void> {
  return new Promise((resolve) => {
    stream.once('close', resolve);
    stream.end();
  });
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-rotation-cmp-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('pino-roll 4 vs otelkit file output', () => {
  it('pino-roll appends to a symlink planted at the next file name; ours refuses every symlink it would write through', async () => {
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'secret\n');
    // pino-roll's active file is the numbered one: app.1.log on a fresh directory
    fs.symlinkSync(victim, path.join(dir, 'app.1.log'));
    const stream = await pinoRoll({ file: path.join(dir, 'app'), extension: '.log', size: '16k' });
    pino(stream).info('written into the victim');
    await closed(stream);
    expect(fs.readFileSync(victim, 'utf8')).toMatch(/^secret\n\{.*"msg":"written into the victim"\}\n$/);

    // ours: the active file is app.log (a symlink there is refused at startup) ...
    fs.writeFileSync(victim, 'secret\n');
    fs.symlinkSync(victim, path.join(dir, 'app.log'));
    expect(() => createLogger(ourConfig(path.join(dir, 'app.log')), undefined, noHooks)).toThrow(
      /symbolic link/,
    );
    // ... and a rotated name is reached by rename(2), which replaces names and never writes through
    fs.rmSync(path.join(dir, 'app.log'));
    const logger = createLogger(ourConfig(path.join(dir, 'app.log')), undefined, noHooks);
    for (let i = 0; i < 500; i++) logger.info({ i, pad: 'x'.repeat(150) }, 'line');
    await logger.shutdown();
    expect(fs.readFileSync(victim, 'utf8')).toBe('secret\n');
    expect(fs.lstatSync(path.join(dir, 'app.1.log')).isSymbolicLink()).toBe(true);
  });

  it('a burst of lines: pino-roll rotates only when its buffer drains, so one file passes a 16 KiB limit hundreds of times over; ours never passes it', async () => {
    const theirs = path.join(dir, 'theirs');
    fs.mkdirSync(theirs);
    const stream = await pinoRoll({ file: path.join(theirs, 'app'), extension: '.log', size: '16k' });
    const log = pino(stream);
    for (let i = 0; i < LINES; i++) log.info({ i, pad: 'x'.repeat(150) }, 'line');
    await closed(stream);
    const t = survey(theirs);
    expect(t.lines).toBe(LINES);
    expect(t.maxBytes).toBeGreaterThan(100 * LIMIT);

    const ours = path.join(dir, 'ours');
    const logger = createLogger(ourConfig(path.join(ours, 'app.log')), undefined, noHooks);
    for (let i = 0; i < LINES; i++) logger.info({ i, pad: 'x'.repeat(150) }, 'line');
    await logger.shutdown();
    const o = survey(ours);
    expect(o.lines).toBe(LINES);
    expect(o.maxBytes).toBeLessThanOrEqual(LIMIT);
    expect(o.files).toBeGreaterThan(LINES / (LIMIT / 150));
  });
});
