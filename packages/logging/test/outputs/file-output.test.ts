import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger } from '@otelkit/logging';
import { runChild } from '../support/child';
import { fileOutput, loggingConfig, readJsonLines, tmpDir, waitUntil } from '../support/helpers';

const noHooks = { handleSignals: false, logUncaught: false } as const;

/** Files of `dir` holding log lines, and every `n` found in them. */
function allLines(dir: string): { files: string[]; ns: number[] } {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.log'));
  const ns: number[] = [];
  for (const f of files) for (const l of readJsonLines(path.join(dir, f))) ns.push(l.n as number);
  return { files, ns };
}

describe('file output', () => {
  let dir: string;
  beforeEach(() => {
    dir = tmpDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a missing directory when mkdir is true', async () => {
    const file = path.join(dir, 'a', 'b', 'app.log');
    const logger = createLogger(
      loggingConfig({ outputs: [fileOutput(file, { mkdir: true })] }),
      undefined,
      noHooks,
    );
    logger.info('hello');
    await logger.shutdown();
    expect(readJsonLines(file)[0]?.msg).toBe('hello');
  });

  it('fails at startup naming the path when the directory is missing and mkdir is false', () => {
    const file = path.join(dir, 'missing', 'app.log');
    expect(() =>
      createLogger(loggingConfig({ outputs: [fileOutput(file, { mkdir: false })] }), undefined, noHooks),
    ).toThrow(
      `the directory of log file "${file}" (logging.outputs[0].path) does not exist: ${path.join(dir, 'missing')}`,
    );
  });

  it('fails at startup naming the path when the file cannot be opened', () => {
    // A directory where the file should be: unopenable even for root.
    const file = path.join(dir, 'is-a-dir.log');
    fs.mkdirSync(file);
    expect(() => createLogger(loggingConfig({ outputs: [fileOutput(file)] }), undefined, noHooks)).toThrow(
      new RegExp(
        `cannot open log file "${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" \\(logging\\.outputs\\[0\\]\\.path\\): EISDIR`,
      ),
    );
    // A regular file where the directory should be.
    fs.writeFileSync(path.join(dir, 'plain'), 'x');
    expect(() =>
      createLogger(
        loggingConfig({ outputs: [fileOutput(path.join(dir, 'plain', 'app.log'))] }),
        undefined,
        noHooks,
      ),
    ).toThrow(/is not a directory/);
  });

  it('rotates by size between lines, never splitting one, and keeps maxFiles rotated files', async () => {
    const file = path.join(dir, 'app.log');
    const logger = createLogger(
      loggingConfig({ outputs: [fileOutput(file, { rotation: { maxSizeBytes: 4096, maxFiles: 3 } })] }),
      undefined,
      noHooks,
    );
    for (let i = 0; i < 2000; i++) logger.info({ n: i, pad: 'x'.repeat(i % 50) }, 'rotating');
    const stats = logger.stats().outputs[0];
    await logger.shutdown();
    const { files, ns } = allLines(dir);
    expect(files.sort()).toEqual(
      [
        'app.log',
        `app.${stats?.rotations}.log`,
        `app.${(stats?.rotations ?? 0) - 1}.log`,
        `app.${(stats?.rotations ?? 0) - 2}.log`,
      ].sort(),
    );
    for (const f of files) expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(4096);
    // What is kept is the newest lines, each once, in order.
    expect(ns).toEqual([...ns].sort((a, b) => a - b));
    expect(ns).toEqual([...Array(ns.length).keys()].map((k) => 2000 - ns.length + k));
  });

  it('prunes rotated files left by earlier runs', async () => {
    const file = path.join(dir, 'app.log');
    for (const n of [1, 2, 3, 4, 5, 6, 7]) fs.writeFileSync(path.join(dir, `app.${n}.log`), `{"n":${-n}}\n`);
    fs.writeFileSync(path.join(dir, 'other.1.log'), 'not ours\n');
    const logger = createLogger(
      loggingConfig({ outputs: [fileOutput(file, { rotation: { maxSizeBytes: 1_000_000, maxFiles: 2 } })] }),
      undefined,
      noHooks,
    );
    await logger.shutdown();
    expect(fs.readdirSync(dir).sort()).toEqual(['app.6.log', 'app.7.log', 'app.log', 'other.1.log']);
  });

  it('rotates by time', async () => {
    const file = path.join(dir, 'app.log');
    const logger = createLogger(
      loggingConfig({ outputs: [fileOutput(file, { rotation: { intervalMillis: 1000, maxFiles: 10 } })] }),
      undefined,
      noHooks,
    );
    logger.info({ n: 0 }, 'first period');
    await waitUntil(() => (logger.stats().outputs[0]?.rotations ?? 0) >= 1, 20_000, 'a time rotation');
    logger.info({ n: 1 }, 'second period');
    await logger.shutdown();
    expect(readJsonLines(path.join(dir, 'app.1.log')).map((l) => l.n)).toEqual([0]);
    expect(readJsonLines(file).map((l) => l.n)).toEqual([1]);
  });

  it('rotation under load across 5 restarts: every line exactly once across the files, file count bounded', async () => {
    const file = path.join(dir, 'app.log');
    const perRun = 3000;
    for (let run = 0; run < 5; run++) {
      const result = await runChild({
        scenario: run % 2 === 0 ? 'run-and-shutdown' : 'exit-after-log',
        lines: perRun,
        offset: run * perRun,
        config: loggingConfig({
          outputs: [fileOutput(file, { rotation: { maxSizeBytes: 64 * 1024, maxFiles: 100 } })],
        }),
      });
      expect(result.code).toBe(run % 2 === 0 ? 0 : 3);
    }
    const { files, ns } = allLines(dir);
    const expected = [...Array(5 * perRun).keys()];
    expect(ns.filter((n) => n !== undefined).sort((a, b) => a - b)).toEqual(expected);
    expect(files.length).toBeLessThanOrEqual(101);
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(64 * 1024);
  }, 240_000);

  it('keeps the file count bounded across restarts with a small maxFiles, newest lines kept once', async () => {
    const file = path.join(dir, 'app.log');
    const perRun = 3000;
    for (let run = 0; run < 5; run++) {
      await runChild({
        scenario: 'run-and-shutdown',
        lines: perRun,
        offset: run * perRun,
        config: loggingConfig({
          outputs: [fileOutput(file, { rotation: { maxSizeBytes: 32 * 1024, maxFiles: 3 } })],
        }),
      });
      expect(fs.readdirSync(dir).length).toBeLessThanOrEqual(4);
    }
    const { ns } = allLines(dir);
    const sorted = ns.sort((a, b) => a - b);
    expect(new Set(sorted).size).toBe(sorted.length);
    expect(sorted.at(-1)).toBe(5 * perRun - 1);
    // The kept lines are one contiguous run ending with the last line.
    expect(sorted).toEqual([...Array(sorted.length).keys()].map((k) => 5 * perRun - sorted.length + k));
  }, 240_000);
});
