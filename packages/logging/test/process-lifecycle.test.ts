import * as fs from 'node:fs';
import * as path from 'node:path';
import { startBulkServer } from './support/bulk-server';
import { runChild } from './support/child';
import { fileOutput, loggingConfig, readJsonLines, tmpDir } from './support/helpers';

// Child processes start slowly on a busy machine: generous per-test budget.
jest.setTimeout(120_000);

describe('nothing lost when the process stops (child processes)', () => {
  let dir: string;
  beforeEach(() => {
    dir = tmpDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('SIGTERM right after a 20 000-line burst, lines still buffered for Elasticsearch: all 20 000 in the file and in Elasticsearch, exit code 143', async () => {
    const file = path.join(dir, 'app.log');
    const es = await startBulkServer();
    try {
      const result = await runChild(
        {
          scenario: 'burst-then-wait',
          lines: 20_000,
          config: loggingConfig({
            outputs: [
              fileOutput(file),
              {
                type: 'elasticsearch',
                node: es.url,
                index: 'logs-app-default',
                dataStream: true,
                headers: {},
                auth: null,
                // Long interval, small batches: most lines are still in memory when the signal lands.
                flushIntervalMillis: 60_000,
                maxBatchSize: 5000,
                maxBufferedLines: 50_000,
                maxRetries: 3,
                timeoutMillis: 10_000,
              },
            ],
            shutdownTimeoutMillis: 20_000,
          }),
          options: {},
        },
        (msg, child) => {
          if (msg.logged) child.kill('SIGTERM');
        },
      );
      expect(result.signal).toBeNull();
      expect(result.code).toBe(143);
      const lines = readJsonLines(file);
      expect(lines).toHaveLength(20_000);
      expect(new Set(lines.map((l) => l.n)).size).toBe(20_000);
      expect(es.stored.size).toBe(20_000);
    } finally {
      await es.close();
    }
  });

  it('SIGINT exits with 130 after flushing', async () => {
    const file = path.join(dir, 'app.log');
    const result = await runChild(
      { scenario: 'burst-then-wait', lines: 1000, config: loggingConfig({ outputs: [fileOutput(file)] }) },
      (msg, child) => {
        if (msg.logged) child.kill('SIGINT');
      },
    );
    expect(result.code).toBe(130);
    expect(readJsonLines(file)).toHaveLength(1000);
  });

  it('leaves the exit to the application when it handles the signal itself', async () => {
    const file = path.join(dir, 'app.log');
    const result = await runChild(
      { scenario: 'own-handler', lines: 100, config: loggingConfig({ outputs: [fileOutput(file)] }) },
      (msg, child) => {
        if (msg.logged) child.kill('SIGTERM');
      },
    );
    expect(result.code).toBe(7);
    const lines = readJsonLines(file);
    expect(lines).toHaveLength(101);
    expect(lines[100]?.msg).toBe('app handler ran');
  });

  it('does not touch signals when handleSignals is false; unbuffered files lose nothing even then', async () => {
    const file = path.join(dir, 'app.log');
    const result = await runChild(
      {
        scenario: 'burst-then-wait',
        lines: 10,
        config: loggingConfig({ outputs: [fileOutput(file)] }),
        options: { handleSignals: false, fileBufferBytes: 0 },
      },
      (msg, child) => {
        if (msg.logged) child.kill('SIGTERM');
      },
    );
    expect(result.signal).toBe('SIGTERM');
    // fileBufferBytes: 0 writes each line in the log call: even a default signal death loses none.
    expect(readJsonLines(file)).toHaveLength(10);
  });

  it('process.exit() right after a log call: the file has every line; the console pipe every line, or counts the ones its reader did not take', async () => {
    const file = path.join(dir, 'app.log');
    const result = await runChild({
      scenario: 'exit-after-log',
      lines: 5000,
      config: loggingConfig({ outputs: [fileOutput(file), { type: 'console', stream: 'stdout' }] }),
    });
    expect(result.code).toBe(3);
    const lines = readJsonLines(file);
    expect(lines).toHaveLength(5001);
    expect(lines[5000]?.msg).toBe('last words');
    // The console is a pipe to this (jest) process: at exit it gets a bounded grace for a reader
    // that is behind, then counts what is left as dropped. Nothing is lost silently: every line is
    // either read here or counted; on a quiet machine, all of them arrive.
    const stdoutLines = result.stdout.trimEnd().split('\n');
    const reported = result.ctrl.find((m) => m.outputs)!.outputs as Array<Record<string, number | string>>;
    const consoleStats = reported.find((o) => o.type === 'console')!;
    expect(stdoutLines.length + Number(consoleStats.dropped)).toBe(5001);
    expect(consoleStats.lines).toBe(stdoutLines.length);
    if (consoleStats.dropped === 0) expect(JSON.parse(stdoutLines[5000] as string).msg).toBe('last words');
  });

  it.each([
    ['throw', 'uncaught exception', 'kaboom'],
    ['reject', 'unhandled promise rejection', 'rejected kaboom'],
  ])(
    '%s: the last lines and a fatal line describing the crash are written, the crash still exits with 1',
    async (scenario, what, message) => {
      const file = path.join(dir, 'app.log');
      const result = await runChild({
        scenario,
        lines: 100,
        config: loggingConfig({ outputs: [fileOutput(file)] }),
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(message);
      const lines = readJsonLines(file);
      expect(lines).toHaveLength(101);
      const fatal = lines[100] as { level: number; msg: string; err: { message: string; stack: string } };
      expect(fatal.level).toBe(60);
      expect(fatal.msg).toBe(`${what}: the process is about to exit`);
      expect(fatal.err.message).toBe(message);
      expect(fatal.err.stack).toContain(message);
    },
  );

  it('disk full (/dev/full): logging never throws, drops are counted, and the process exits normally', async () => {
    const file = path.join(dir, 'ok.log');
    const result = await runChild({
      scenario: 'run-and-shutdown',
      lines: 2000,
      config: loggingConfig({
        outputs: [{ type: 'file', path: '/dev/full', mkdir: false, rotation: null }, fileOutput(file)],
      }),
    });
    expect(result.code).toBe(0);
    const done = result.ctrl.find((c) => c.stats) as {
      stats: { outputs: Array<{ lines: number; dropped: number; errors: number }> };
    };
    const [full, ok] = done.stats.outputs;
    expect(full?.lines).toBe(0);
    expect(full?.dropped).toBe(2000);
    expect(full?.errors).toBeGreaterThan(0);
    expect(ok).toMatchObject({ lines: 2000, dropped: 0 });
    expect(readJsonLines(file)).toHaveLength(2000);
  });

  it('console output with redaction: canaries never reach stdout', async () => {
    const result = await runChild({
      scenario: 'run-and-shutdown',
      config: loggingConfig({ outputs: [{ type: 'console', stream: 'stdout' }] }),
      calls: [
        {
          level: 'info',
          obj: {
            headers: { Authorization: 'Bearer CANARY-C1', cookie: 'sid=CANARY-C2' },
            user: { password: 'CANARY-C3' },
          },
          msg: 'request',
        },
      ],
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"msg":"request"');
    expect(result.stdout).not.toContain('CANARY');
  });

  it('pretty format: human-readable console, JSON in the file', async () => {
    const file = path.join(dir, 'app.log');
    const result = await runChild({
      scenario: 'run-and-shutdown',
      config: loggingConfig({
        format: 'pretty',
        outputs: [{ type: 'console', stream: 'stdout' }, fileOutput(file)],
      }),
      calls: [{ level: 'warn', obj: { orderId: 'o-7' }, msg: 'hello pretty' }],
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/WARN.*hello pretty/);
    expect(result.stdout).toContain('orderId: "o-7"');
    expect(() => JSON.parse(result.stdout.split('\n')[0] as string)).toThrow();
    expect(readJsonLines(file)[0]).toMatchObject({ level: 40, msg: 'hello pretty', orderId: 'o-7' });
  });
});
